// The engine: owns a backend (a WebGPU device, or the CPU reference), makes tensors, and runs
// ops on them (src/runtime/eager.ts: infer, then the GPU plan or the CPU reference).
import { acquireDevice } from './device/acquire.ts';
import type { ConvOptions, ConvTransposeOptions, EngineInfo, EngineOptions, MatmulOptions, PoolOptions, TrainingOptions } from './engine-options.ts';
import { WgnnError } from './errors.ts';
import { resolveActivation, type Activation, type ActivationKind } from './ops/activation/kinds.ts';
import { activationOp } from './ops/activation/op.ts';
import { binaryOp, type BinaryOp } from './ops/binary/op.ts';
import { matmulOp } from './ops/matmul/op.ts';
import type { OpDefinition, PlanContext } from './ops/op.ts';
import { softmaxOp } from './ops/softmax/op.ts';
import { transposeOp } from './ops/transpose/op.ts';
import { padOp } from './ops/pad/op.ts';
import { pairOf } from './ops/conv2d/geometry.ts';
import { conv2dOp, type Conv2dAttrs } from './ops/conv2d/op.ts';
import { convTranspose2dOp } from './ops/conv-transpose2d/op.ts';
import { pool2dOp, type Pool2dAttrs, type PoolKind } from './ops/pool2d/op.ts';
import { depthToSpaceOp, type DepthToSpaceMode } from './ops/depth-to-space/op.ts';
import { channelAffineOp } from './ops/batch-norm/op.ts';
import { foldBatchNorm, type BatchNormParams } from './ops/batch-norm/fold.ts';
import { checkIds, embeddingOp } from './ops/gather/op.ts';
import { checkSequenceLens, type LstmOptions, type LstmResult, PreparedRecurrent, prepareRecurrent, recurrentAttrs, recurrentInputs, type RecurrentOptions, type RecurrentResult, recurrentResult } from './ops/recurrent/api.ts';
import type { GruWeightsSpec, LstmWeightsSpec, SimpleRnnWeightsSpec, WeightArray } from './ops/recurrent/convert.ts';
import type { CellKind } from './ops/recurrent/layout.ts';
import { recurrentOp } from './ops/recurrent/op.ts';
import { runEager } from './runtime/eager.ts';
import { GpuExecutor } from './runtime/gpu-executor.ts';
import { CompiledModel } from './runtime/compiled-model.ts';
import { Model } from './model/model.ts';
import type { Graph } from './graph/ir.ts';
import { KERNEL_OPS } from './graph/ops.ts';
import { resolveOptimizer } from './train/optimizers.ts';
import { resolveLoss, resolveMetrics } from './train/spec.ts';
import { TrainableModel } from './train/trainable.ts';
import { checkShape, formatShape, sizeOf } from './shape.ts';
import { Tensor, type Storage, type TensorData, type TensorOwner } from './tensor.ts';
import type { DType } from './tensor-spec.ts';

export type { ConvOptions, ConvTransposeOptions, EngineInfo, EngineOptions, MatmulOptions, PoolOptions, TrainingOptions } from './engine-options.ts';

let nextEngineId = 1;

/** Output padding: one number or a pair, each >= 0 (the op checks the upper bound). */
function pairOfZeroable(where: string, value: number | readonly number[] | undefined): [number, number] {
  const v = value === undefined ? [0, 0] : typeof value === 'number' ? [value, value] : [...value];
  if (v.length !== 2 || v.some((p) => !Number.isInteger(p) || p < 0)) throw new WgnnError(where, `outputPadding [${v.join(', ')}] must be 2 integers >= 0`);
  return [v[0], v[1]];
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const backend = options.backend ?? 'webgpu';
  if (backend === 'cpu') return new Engine(options, null);
  if (backend !== 'webgpu') throw new WgnnError('createEngine', `unknown backend '${String(backend)}'; use 'webgpu' or 'cpu'`);
  const acquired = await acquireDevice(options.gpu, options.powerPreference);
  const executor = new GpuExecutor(acquired, { poisonOutputs: options.poisonOutputs ?? false });
  const engine = new Engine(options, executor);
  Object.assign(engine.info, { adapter: acquired.adapter, limits: acquired.limits, features: acquired.features });
  return engine;
}

export class Engine implements TensorOwner {
  readonly id = nextEngineId++;
  readonly info: EngineInfo;
  private readonly planContext: PlanContext;

  /** @internal Use createEngine(). */
  constructor(
    options: EngineOptions,
    private readonly gpu: GpuExecutor | null,
  ) {
    this.info = { backend: gpu ? 'webgpu' : 'cpu', adapter: null, limits: {}, features: [] };
    this.planContext = {
      limits: gpu?.limits ?? { maxStorageBufferBindingSize: 2 ** 31, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 },
      forcedVariants: { ...options.variants },
      im2colMaxBytes: options.im2colMaxBytes,
      quadOps: gpu?.quadOps ?? false,
    };
  }

  /** The WebGPU device (null on the CPU backend), for interop with other WebGPU code. */
  get device(): GPUDevice | null {
    return this.gpu?.device ?? null;
  }

  /** Number of GPU dispatches encoded by this engine so far. */
  get dispatchCount(): number {
    return this.gpu?.dispatchCount ?? 0;
  }

  /** Makes a tensor; `data` must hold exactly one value per element (zeros when omitted). */
  tensor(shape: readonly number[], data?: ArrayLike<number> | TensorData, dtype?: DType): Tensor {
    const where = `tensor ${formatShape(shape)}`;
    checkShape(where, shape);
    const type: DType = dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
    if (type !== 'float32' && type !== 'int32') throw new WgnnError(where, `unsupported dtype '${String(type)}'; use float32 or int32`);
    const count = sizeOf(shape);
    if (data !== undefined && data.length !== count) {
      throw new WgnnError(where, `data has ${data.length} values but the shape needs ${count}`);
    }
    const values = type === 'int32' ? new Int32Array(count) : new Float32Array(count);
    if (data !== undefined) values.set(data);
    if (!this.gpu) return new Tensor(this, shape, type, { kind: 'cpu', data: values, holders: 0 });
    return new Tensor(this, shape, type, { kind: 'gpu', buffer: this.gpu.upload(`tensor${formatShape(shape)}`, values), holders: 0 });
  }

  /**
   * A view of `x` with another shape and the same row-major values; no copy. One dimension may
   * be -1 (inferred). The view and `x` share storage, which is freed when both are disposed.
   */
  reshape(x: Tensor, shape: readonly number[]): Tensor {
    const where = `reshape ${formatShape(x.shape)} to ${formatShape(shape)}`;
    const storage = x.storage(where);
    const inferred = shape.indexOf(-1);
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    const resolved = [...shape];
    if (inferred >= 0 && shape.lastIndexOf(-1) === inferred && known > 0 && x.size % known === 0) resolved[inferred] = x.size / known;
    checkShape(where, resolved);
    if (sizeOf(resolved) !== x.size) throw new WgnnError(where, `the new shape holds ${sizeOf(resolved)} elements, the tensor ${x.size}`);
    return new Tensor(this, resolved, x.dtype, storage);
  }

  matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
    const activation = resolveActivation('matmul', options.activation);
    const attrs = { transposeA: options.transposeA ?? false, transposeB: options.transposeB ?? false, activation };
    return this.execute('matmul', matmulOp, [a, b, options.bias], attrs)[0];
  }

  /** 2-D convolution: x [N, H, W, Cin], weights [KH, KW, Cin/groups, Cout] -> [N, OH, OW, Cout]. */
  conv2d(x: Tensor, weights: Tensor, options: ConvOptions = {}): Tensor {
    return this.execute('conv2d', conv2dOp, [x, weights, options.bias], this.convAttrs('conv2d', options, 2))[0];
  }

  /** 1-D convolution: x [N, L, Cin], weights [K, Cin/groups, Cout] -> [N, OL, Cout]; a 2-D convolution of height 1. */
  conv1d(x: Tensor, weights: Tensor, options: ConvOptions = {}): Tensor {
    const where = 'conv1d';
    if (x.shape.length !== 3) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, L, Cin]`);
    const groups = options.groups ?? 1;
    if (weights.shape.length !== 3 || weights.shape[1] * groups !== x.shape[2]) {
      throw new WgnnError(where, `weights ${formatShape(weights.shape)} do not match input ${formatShape(x.shape)} with groups ${groups}: expected [K, ${x.shape[2] / groups}, Cout]`);
    }
    return this.withViews([this.reshape(x, [x.shape[0], 1, ...x.shape.slice(1)]), this.reshape(weights, [1, ...weights.shape])], ([x2, w2]) => {
      const out = this.execute(where, conv2dOp, [x2, w2, options.bias], this.convAttrs(where, options, 1))[0];
      return this.withViews([out], ([o]) => this.reshape(o, [o.shape[0], o.shape[2], o.shape[3]]));
    });
  }

  /** Depthwise 2-D convolution with Keras weights [KH, KW, Cin, multiplier] -> [N, OH, OW, Cin * multiplier]. */
  depthwiseConv2d(x: Tensor, weights: Tensor, options: Omit<ConvOptions, 'groups'> = {}): Tensor {
    const where = 'depthwiseConv2d';
    if (weights.shape.length !== 4 || x.shape.length !== 4 || weights.shape[2] !== x.shape[3]) {
      throw new WgnnError(where, `weights ${formatShape(weights.shape)} must be [KH, KW, Cin, multiplier] for input ${formatShape(x.shape)} [N, H, W, Cin]`);
    }
    const [KH, KW, Cin, multiplier] = weights.shape;
    // [KH, KW, Cin, m] and [KH, KW, 1, Cin*m] are the same bytes: output channel c*m + j.
    return this.withViews([this.reshape(weights, [KH, KW, 1, Cin * multiplier])], ([w]) =>
      this.execute(where, conv2dOp, [x, w, options.bias], this.convAttrs(where, { ...options, groups: Cin }, 2))[0],
    );
  }

  /** Transposed 2-D convolution: x [N, H, W, Cin], weights [Cin, KH, KW, Cout/groups] -> [N, OH, OW, Cout]. */
  convTranspose2d(x: Tensor, weights: Tensor, options: ConvTransposeOptions = {}): Tensor {
    const where = 'convTranspose2d';
    const attrs = { ...this.convAttrs(where, options, 2), outputPadding: pairOfZeroable(where, options.outputPadding) };
    return this.execute(where, convTranspose2dOp, [x, weights, options.bias], attrs)[0];
  }

  maxPool2d(x: Tensor, options: PoolOptions): Tensor {
    return this.pool('maxPool2d', 'max', x, options, 2);
  }
  avgPool2d(x: Tensor, options: PoolOptions): Tensor {
    return this.pool('avgPool2d', 'avg', x, options, 2);
  }
  /** x [N, L, C] */
  maxPool1d(x: Tensor, options: PoolOptions): Tensor {
    return this.pool('maxPool1d', 'max', x, options, 1);
  }
  /** x [N, L, C] */
  avgPool1d(x: Tensor, options: PoolOptions): Tensor {
    return this.pool('avgPool1d', 'avg', x, options, 1);
  }
  /** x [N, H, W, C] -> [N, C] (or [N, 1, 1, C] with keepDims). */
  globalAvgPool2d(x: Tensor, options: { keepDims?: boolean } = {}): Tensor {
    return this.globalPool('globalAvgPool2d', 'avg', x, options.keepDims ?? false);
  }
  globalMaxPool2d(x: Tensor, options: { keepDims?: boolean } = {}): Tensor {
    return this.globalPool('globalMaxPool2d', 'max', x, options.keepDims ?? false);
  }

  /** Depth-to-space (PixelShuffle is mode 'CRD'): [N, H, W, C] -> [N, H*b, W*b, C/b^2]. */
  depthToSpace(x: Tensor, blockSize: number, mode: DepthToSpaceMode = 'DCR'): Tensor {
    return this.execute('depthToSpace', depthToSpaceOp, [x], { blockSize, mode })[0];
  }

  /**
   * Batch normalization (inference) over the last axis, optionally followed by an activation.
   * The statistics are folded into a per-channel scale and shift on the host; a compiled model
   * folds them once at load (or into the preceding convolution), this eager call on each call.
   */
  batchNorm(x: Tensor, params: BatchNormParams, activation?: Activation | ActivationKind): Tensor {
    const where = 'batchNorm';
    const { scale, shift } = foldBatchNorm(where, params);
    const tensors = [this.tensor([scale.length], scale), this.tensor([shift.length], shift)];
    return this.withViews(tensors, ([sc, sh]) => this.execute(where, channelAffineOp, [x, sc, sh], { activation: resolveActivation(where, activation) })[0]);
  }

  activation(x: Tensor, activation: Activation | ActivationKind): Tensor {
    const resolved = resolveActivation('activation', activation);
    return this.execute(resolved.kind, activationOp, [x], resolved)[0];
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.binary('add', a, b);
  }
  sub(a: Tensor, b: Tensor): Tensor {
    return this.binary('sub', a, b);
  }
  mul(a: Tensor, b: Tensor): Tensor {
    return this.binary('mul', a, b);
  }
  div(a: Tensor, b: Tensor): Tensor {
    return this.binary('div', a, b);
  }

  /** PRelu: x >= 0 ? x : slope * x, the slope broadcast to x. */
  prelu(x: Tensor, slope: Tensor): Tensor {
    return this.binary('prelu', x, slope);
  }

  /** Permutes axes: out.shape[d] = x.shape[perm[d]]. */
  transpose(x: Tensor, perm: number[]): Tensor {
    return this.execute('transpose', transposeOp, [x], { perm })[0];
  }

  /** Pads with a constant, or by reflecting or repeating the edges; pads = [begin per axis..., end per axis...]. */
  pad(x: Tensor, pads: number[], options: { mode?: 'constant' | 'reflect' | 'edge'; value?: number } = {}): Tensor {
    return this.execute('pad', padOp, [x], { pads, mode: options.mode ?? 'constant', value: options.value ?? 0 })[0];
  }

  softmax(x: Tensor, axis = -1): Tensor {
    return this.execute('softmax', softmaxOp, [x], { axis, log: false })[0];
  }

  logSoftmax(x: Tensor, axis = -1): Tensor {
    return this.execute('logSoftmax', softmaxOp, [x], { axis, log: true })[0];
  }

  /** Converts LSTM weights (ONNX, Keras or PyTorch convention) once into the engine's layout and uploads them. */
  prepareLstm(spec: LstmWeightsSpec): PreparedRecurrent<'lstm'> {
    return prepareRecurrent(this, 'prepareLstm', 'lstm', spec);
  }
  prepareGru(spec: GruWeightsSpec): PreparedRecurrent<'gru'> {
    return prepareRecurrent(this, 'prepareGru', 'gru', spec);
  }
  prepareSimpleRnn(spec: SimpleRnnWeightsSpec): PreparedRecurrent<'simpleRnn'> {
    return prepareRecurrent(this, 'prepareSimpleRnn', 'simpleRnn', spec);
  }

  /** An LSTM layer over x [T, B, I] (or [B, T, I] batch-major): y, and the final states yH, yC. */
  lstm(x: Tensor, weights: PreparedRecurrent<'lstm'>, options: LstmOptions = {}): LstmResult {
    return this.recurrent('lstm', x, weights, options) as LstmResult;
  }
  gru(x: Tensor, weights: PreparedRecurrent<'gru'>, options: RecurrentOptions = {}): RecurrentResult {
    return this.recurrent('gru', x, weights, options);
  }
  simpleRnn(x: Tensor, weights: PreparedRecurrent<'simpleRnn'>, options: RecurrentOptions = {}): RecurrentResult {
    return this.recurrent('simpleRnn', x, weights, options);
  }

  /**
   * Rows of table [V, E] picked by ids (negative ids count from the end) -> [...ids, E]. Host ids
   * are validated; ids in a GPU tensor cannot be, and an out-of-range one gives a row of NaN.
   */
  embedding(table: Tensor, ids: Tensor | WeightArray | Int32Array | readonly number[]): Tensor {
    const where = 'embedding';
    if (ids instanceof Tensor) return this.execute(where, embeddingOp, [table, ids], {})[0];
    const host: WeightArray = 'shape' in ids ? ids : { shape: [ids.length], data: ids };
    const data = checkIds(where, host.data, table.shape[0] ?? 0);
    return this.withViews([this.tensor(host.shape, data)], ([t]) => this.execute(where, embeddingOp, [table, t], {})[0]);
  }

  /**
   * Compiles a model (or a graph) for this engine. Plans are made per input-shape signature on
   * first use and cached; weights are uploaded once per plan. Later setWeights calls on the
   * model do not affect this compiled model: compile again.
   */
  compile(model: Model | Graph, options?: { name?: string }): CompiledModel;
  /**
   * Compiles a model for training, as Keras's model.compile: `{ optimizer: 'adam', loss:
   * 'sparseCategoricalCrossentropy', metrics: ['accuracy'] }`. The result fits, evaluates and
   * predicts (src/train/); its weights start as the model's and go back to it after each fit.
   */
  compile(model: Model, options: TrainingOptions): TrainableModel;
  compile(model: Model | Graph, options: { name?: string } | TrainingOptions = {}): CompiledModel | TrainableModel {
    if ('loss' in options) {
      if (!(model instanceof Model)) throw new WgnnError('compile', 'training takes a model built with the model API (sequential or model)');
      const loss = resolveLoss(options.loss);
      const metrics = resolveMetrics(options.metrics, loss, model.outputs[0].shape.slice(1).map((d) => d ?? 1));
      return new TrainableModel(model, loss, metrics, resolveOptimizer(options.optimizer), this.gpu, this.planContext);
    }
    const graph = model instanceof Model ? model.snapshot() : model;
    return new CompiledModel(graph, this.gpu, this.planContext, (options as { name?: string }).name ?? (model instanceof Model ? model.name : 'graph'));
  }

  /**
   * @internal Runs one op of the graph IR (src/graph/ops.ts) on tensors, as a compiled model's
   * step would: the GPU tests run every kernel this way, outputs poisoned, against its reference.
   * `externals` stand in for the external buffers an effect op (an optimizer step) binds by name;
   * the op updates them in place and returns no tensors.
   */
  runOp(op: string, inputs: (Tensor | undefined)[], attrs: unknown, externals: Record<string, Tensor> = {}): Tensor[] {
    const def = Object.hasOwn(KERNEL_OPS, op) ? KERNEL_OPS[op] : undefined;
    if (!def) throw new WgnnError('runOp', `unknown op '${op}'`);
    return this.execute(op, def, inputs, attrs, externals);
  }

  /** Releases the device (WebGPU) or nothing (CPU). Tensors of this engine become unusable. */
  dispose(): void {
    this.gpu?.destroy();
  }

  /** Live GPU buffers and their bytes (tensors, compiled models, internal buffers); zeros on the CPU backend. */
  memoryStats(): { liveBuffers: number; liveBytes: number } {
    return this.gpu?.memoryStats() ?? { liveBuffers: 0, liveBytes: 0 };
  }

  /** @internal */
  release(storage: Storage): void {
    if (storage.kind === 'gpu') this.gpu?.destroyBuffer(storage.buffer);
  }

  /** @internal */
  async read(tensor: Tensor): Promise<TensorData> {
    const storage = tensor.storage('tensor.data()');
    if (storage.kind === 'cpu') return storage.data.slice();
    return this.gpu!.read(storage.buffer, tensor.size, tensor.dtype);
  }

  /** Runs `body` on temporary views and disposes them afterwards (the storage lives on in its owners). */
  private withViews<T>(views: Tensor[], body: (views: Tensor[]) => T): T {
    try {
      return body(views);
    } finally {
      for (const v of views) v.dispose();
    }
  }

  private pool(where: string, kind: PoolKind, x: Tensor, options: PoolOptions, rank: 1 | 2): Tensor {
    const kernel = pairOf(where, 'kernel', options.kernel, 1, rank);
    const attrs: Pool2dAttrs = {
      kind,
      kernel,
      strides: options.strides === undefined ? kernel : pairOf(where, 'strides', options.strides, 1, rank),
      dilations: pairOf(where, 'dilations', options.dilations, 1, rank),
      padding: rank === 1 && Array.isArray(options.padding) ? [0, options.padding[0], 0, options.padding[1]] : (options.padding ?? 'valid'),
      ceilMode: options.ceilMode ?? false,
      countIncludePad: options.countIncludePad ?? false,
    };
    if (rank === 2) return this.execute(where, pool2dOp, [x], attrs)[0];
    if (x.shape.length !== 3) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, L, C]`);
    return this.withViews([this.reshape(x, [x.shape[0], 1, x.shape[1], x.shape[2]])], ([x2]) => {
      const out = this.execute(where, pool2dOp, [x2], attrs)[0];
      return this.withViews([out], ([o]) => this.reshape(o, [o.shape[0], o.shape[2], o.shape[3]]));
    });
  }

  private globalPool(where: string, kind: PoolKind, x: Tensor, keepDims: boolean): Tensor {
    const attrs: Pool2dAttrs = { kind, strides: [1, 1], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
    const out = this.execute(where, pool2dOp, [x], attrs)[0];
    if (keepDims) return out;
    return this.withViews([out], ([o]) => this.reshape(o, [o.shape[0], o.shape[3]]));
  }

  private convAttrs(where: string, options: ConvOptions, rank: 1 | 2): Conv2dAttrs {
    return {
      strides: pairOf(where, 'strides', options.strides, 1, rank),
      dilations: pairOf(where, 'dilations', options.dilations, 1, rank),
      padding: rank === 1 && Array.isArray(options.padding) ? [0, options.padding[0], 0, options.padding[1]] : (options.padding ?? 'valid'),
      groups: options.groups ?? 1,
      activation: resolveActivation(where, options.activation),
    };
  }

  private recurrent(cell: CellKind, x: Tensor, weights: PreparedRecurrent, options: LstmOptions): RecurrentResult {
    const where = options.name ? `${cell} '${options.name}'` : cell;
    const attrs = recurrentAttrs(where, cell, weights, options);
    if (!(x instanceof Tensor)) throw new WgnnError(where, `x must be a wgnn Tensor, got ${String(x)}`);
    const lens = options.sequenceLens && checkSequenceLens(where, options.sequenceLens, x, attrs.layout);
    const temporaries = lens ? [this.tensor([lens.length], lens)] : [];
    return this.withViews(temporaries, ([lengths]) => recurrentResult(this.execute(where, recurrentOp, recurrentInputs(x, weights, lengths, options), attrs), attrs));
  }

  private binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
    return this.execute(op, binaryOp, [a, b], { op })[0];
  }

  private execute<A>(where: string, op: OpDefinition<A>, inputs: (Tensor | undefined)[], attrs: A, externals: Record<string, Tensor> = {}): Tensor[] {
    return runEager({ owner: this, gpu: this.gpu, planContext: this.planContext }, where, op, inputs, attrs, externals);
  }
}
