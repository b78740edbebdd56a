// Tensors: a shape, a dtype and storage owned by one engine (a GPU buffer, or host memory on
// the CPU backend). Reading is asynchronous; dispose() frees the storage at once.
import { WgnnError } from './errors.ts';
import { formatShape, sizeOf } from './shape.ts';
import type { DType } from './tensor-spec.ts';

export type TensorData = Float32Array | Int32Array;

/** Where the values live. Reshaped views share one storage; it is freed with its last tensor. */
export type Storage = ({ kind: 'gpu'; buffer: GPUBuffer } | { kind: 'cpu'; data: TensorData }) & { holders: number };

/** What a tensor needs from the engine that made it. */
export interface TensorOwner {
  readonly id: number;
  read(tensor: Tensor): Promise<TensorData>;
  /** Frees storage whose last tensor was disposed. */
  release(storage: Storage): void;
}

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */
  readonly owner: TensorOwner;
  private storageOrNull: Storage | null;

  /** @internal Tensors are made by an engine: engine.tensor(shape, data). */
  constructor(owner: TensorOwner, shape: readonly number[], dtype: DType, storage: Storage) {
    this.owner = owner;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.storageOrNull = storage;
    storage.holders++;
  }

  get disposed(): boolean {
    return this.storageOrNull === null;
  }

  /** @internal The storage, or a clear error if the tensor was disposed. */
  storage(where: string): Storage {
    if (!this.storageOrNull) {
      throw new WgnnError(where, `tensor ${formatShape(this.shape)} ${this.dtype} was used after dispose()`);
    }
    return this.storageOrNull;
  }

  /** Copies the values to host memory (row-major). */
  async data(): Promise<TensorData> {
    this.storage('tensor.data()');
    return this.owner.read(this);
  }

  /** Frees the storage now; any later use of this tensor is an error. Disposing twice is harmless. */
  dispose(): void {
    const storage = this.storageOrNull;
    this.storageOrNull = null;
    if (!storage || --storage.holders > 0) return;
    this.owner.release(storage);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.disposed ? ', disposed' : ''})`;
  }
}
