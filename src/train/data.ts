// Training data as fit, evaluate and predict take it: x and y with their sample counts and
// shapes checked against the model, labels checked against the loss (bad labels would silently
// train on garbage), split and shuffled with a seeded generator.
import { WgnnError } from '../errors.ts';
import { formatShape, sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import type { Loss } from './spec.ts';

/** An array of samples: data with its shape ([samples, ...]), or flat data whose sample shape the model knows. */
export type DataInput = TensorData | number[] | { data: TensorData | number[]; shape: number[] };

export interface Samples {
  data: Float32Array | Int32Array;
  count: number;
  /** One sample's shape. */
  sampleShape: number[];
}

/** `declared` is one sample's shape as the model declares it (null: unknown until given). */
export function samples(where: string, input: DataInput, declared: (number | null)[], dtype: 'float32' | 'int32'): Samples {
  const raw = Array.isArray(input) || ArrayBuffer.isView(input) ? { data: input as TensorData | number[], shape: undefined } : (input as { data: TensorData | number[]; shape: number[] });
  const data = dtype === 'int32' ? Int32Array.from(raw.data) : raw.data instanceof Float32Array ? raw.data : Float32Array.from(raw.data);
  let sampleShape: number[];
  if (raw.shape) {
    sampleShape = raw.shape.slice(1);
    const open = declared.length === sampleShape.length && declared.every((d, i) => d === null || d === sampleShape[i]);
    if (!open) throw new WgnnError(where, `samples of shape ${formatShape(sampleShape)} do not fit the model's [${declared.map((d) => d ?? '?').join(', ')}]`);
    if (sizeOf(raw.shape) !== data.length) throw new WgnnError(where, `${data.length} values do not fill shape ${formatShape(raw.shape)}`);
  } else {
    if (declared.some((d) => d === null)) throw new WgnnError(where, `the model's sample shape [${declared.map((d) => d ?? '?').join(', ')}] has open dims: pass { data, shape }`);
    sampleShape = declared as number[];
  }
  const size = sizeOf(sampleShape);
  if (size === 0 || data.length % size !== 0) throw new WgnnError(where, `${data.length} values are not a whole number of samples of shape ${formatShape(sampleShape)}`);
  if (dtype === 'float32' && !data.every(Number.isFinite)) {
    const i = data.findIndex((v) => !Number.isFinite(v));
    throw new WgnnError(where, `value ${i} (sample ${Math.floor(i / size)}) is ${data[i]}; training data must be finite`);
  }
  return { data, count: data.length / size, sampleShape };
}

/**
 * Labels for `loss` on a model whose output sample has shape `outputSample`: sparse labels are
 * class indices in [0, classes) (one per output row), the others the output's shape.
 */
export function labels(input: DataInput, loss: Loss, outputSample: number[], count: number): Samples {
  const where = 'labels';
  const sparse = loss.kind === 'sparseCategoricalCrossentropy';
  const expected = sparse ? outputSample.slice(0, -1) : outputSample;
  const y = samples(where, input, expected, 'float32');
  if (y.count !== count) {
    throw new WgnnError(where, `${y.count} label samples of shape ${formatShape(y.sampleShape)} (what ${loss.kind} takes for outputs of shape ${formatShape(outputSample)}) for ${count} input samples; x and y must have the same number of samples`);
  }
  if (sparse) {
    const classes = outputSample.at(-1)!;
    const bad = y.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
    if (bad >= 0) throw new WgnnError(where, `label ${bad} is ${y.data[bad]}; ${loss.kind} takes class indices in [0, ${classes - 1}] (the model has ${classes} classes)`);
  }
  return y;
}

/** Rows [from, to) of a set of samples. */
export function rowsOf(s: Samples, from: number, to: number): Samples {
  const size = sizeOf(s.sampleShape);
  return { data: s.data.subarray(from * size, to * size), count: to - from, sampleShape: s.sampleShape };
}

/** The samples at `indices`, in that order. */
export function pick(s: Samples, indices: ArrayLike<number>): Float32Array | Int32Array {
  const size = sizeOf(s.sampleShape);
  const out = new (s.data.constructor as new (n: number) => Float32Array | Int32Array)(indices.length * size);
  for (let i = 0; i < indices.length; i++) out.set(s.data.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
  return out;
}

/** A seeded permutation of 0..n-1 (mulberry32 + Fisher-Yates): the same seed, the same order. */
export function permutation(n: number, seed: number): Int32Array {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
