// A model compiled for training: Keras's fit, evaluate, predict and trainOnBatch over a
// TrainingSession. fit uploads the training set once and gathers each batch on the GPU from a
// seeded per-epoch permutation; the loss and metrics accumulate on the GPU and are read back
// without stalling the steps (every `readEvery` steps, and at each epoch's end).
import { WgnnError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import type { Model } from '../model/model.ts';
import type { PlanContext } from '../ops/op.ts';
import type { GpuExecutor } from '../runtime/gpu-executor.ts';
import { sizeOf } from '../shape.ts';
import { History, type Callback, type Logs, type TrainingControl } from './callbacks.ts';
import { labels, permutation, pick, rowsOf, samples, type DataInput, type Samples } from './data.ts';
import { modelInputs, type ModelData } from './inputs.ts';
import type { Optimizer } from './optimizers.ts';
import type { Profile } from '../runtime/profile.ts';
import { TrainingSession, type StepStats } from './session.ts';
import type { Loss, Metric } from './spec.ts';
import { BUFFERS, dataXBuffer, LOSS_SLOT } from './step-graph.ts';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Shuffle the training samples every epoch (seeded by `seed`). */
  shuffle?: boolean;
  seed?: number;
  /** The last fraction of the samples (before shuffling) held out for validation, as Keras does. */
  validationSplit?: number;
  validationData?: [ModelData, DataInput];
  initialEpoch?: number;
  /** Per class, the weight of its samples' loss. */
  classWeight?: Record<number, number>;
  callbacks?: Callback | Callback[];
  /** Steps between the asynchronous reads of the running loss (onBatchEnd's logs); default 16. */
  readEvery?: number;
}

export class TrainableModel {
  private readonly session: TrainingSession;
  private fitting = false;
  private readonly forward: Graph;

  /** @internal Made by engine.compile(model, { optimizer, loss, metrics }). */
  constructor(
    readonly model: Model,
    readonly loss: Loss,
    readonly metrics: Metric[],
    private readonly optimizer: Optimizer,
    gpu: GpuExecutor | null,
    ctx: PlanContext,
  ) {
    this.forward = model.snapshot();
    this.session = new TrainingSession(this.forward, { loss, metrics, optimizer: optimizer.attrs }, gpu, ctx, model.name);
    if (this.session.layout.slots.length === 0) throw new WgnnError(model.name, 'has no trainable weights');
  }

  /** @internal The session (tests read its gradients and parameters). */
  get trainingSession(): TrainingSession {
    return this.session;
  }

  /** Keras's `iterations`: optimizer steps taken so far. */
  get iterations(): number {
    return this.session.iterations;
  }

  /** x: the samples of the model's input, or of each input (a list in the model's input order, or by input name). */
  async fit(x: ModelData, y: DataInput, options: FitOptions = {}): Promise<History> {
    if (this.fitting) throw new WgnnError(this.model.name, 'fit is already running on this model; await it before starting another');
    this.fitting = true;
    try {
      return await this.fitLoop(x, y, options);
    } finally {
      this.fitting = false;
    }
  }

  /** Loss and metrics over (x, y), batch by batch (Keras's evaluate). */
  async evaluate(x: ModelData, y: DataInput, options: { batchSize?: number } = {}): Promise<Logs> {
    const { xs, ys } = this.data(x, y);
    const count = ys.count;
    const batchSize = this.batchSize(options.batchSize);
    this.session.resetMetrics();
    for (let from = 0; from < count; from += batchSize) {
      const to = Math.min(count, from + batchSize);
      await this.session.run({ mode: 'evaluate', data: [...xs.map((s) => rowsOf(s, from, to).data), rowsOf(ys, from, to).data], batch: to - from, sampleShapes: shapesOf(xs), labelSample: ys.sampleShape });
    }
    return this.logs(await this.session.takeMetrics(), count);
  }

  /** The model's outputs for x, batch by batch, concatenated. */
  async predict(x: ModelData, options: { batchSize?: number } = {}): Promise<Float32Array> {
    const xs = this.inputs('predict x', x);
    const count = xs[0].count;
    const batchSize = this.batchSize(options.batchSize);
    const parts: Float32Array[] = [];
    for (let from = 0; from < count; from += batchSize) {
      const to = Math.min(count, from + batchSize);
      parts.push(await this.session.predict({ mode: 'predict', data: xs.map((s) => rowsOf(s, from, to).data), batch: to - from, sampleShapes: shapesOf(xs), labelSample: [] }));
    }
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** One optimizer step on one batch; returns its loss and metrics. */
  async trainOnBatch(x: ModelData, y: DataInput): Promise<Logs> {
    const { xs, ys } = this.data(x, y);
    this.session.resetMetrics();
    await this.session.run({ mode: 'train', data: [...xs.map((s) => s.data), ys.data], batch: ys.count, sampleShapes: shapesOf(xs), labelSample: ys.sampleShape }, this.optimizer.learningRate(this.session.iterations));
    const logs = this.logs(await this.session.takeMetrics(), ys.count);
    await this.syncWeights();
    return logs;
  }

  /** Per-node GPU time, FLOPs and bytes of one training step on (x, y) (the step runs: the weights move). */
  async profileStep(x: ModelData, y: DataInput): Promise<Profile> {
    const { xs, ys } = this.data(x, y);
    return this.session.profile({ mode: 'train', data: [...xs.map((s) => s.data), ys.data], batch: ys.count, sampleShapes: shapesOf(xs), labelSample: ys.sampleShape }, this.optimizer.learningRate(this.session.iterations));
  }

  /**
   * The GPU footprint of fit's training step for this data and batch size (the data is uploaded
   * as fit uploads it; nothing trains): dispatches, the arena against its lower bound, and the
   * persistent buffers.
   */
  async stepStats(x: ModelData, y: DataInput, options: { batchSize?: number } = {}): Promise<StepStats> {
    const { xs, ys } = this.data(x, y);
    const batch = Math.min(this.batchSize(options.batchSize), ys.count);
    const gather = this.gathers;
    if (gather) this.upload(xs, ys);
    const first = new Int32Array(batch);
    const data = gather ? [first] : [...xs.map((s) => pick(s, first)), pick(ys, first)];
    return this.session.stats({ mode: 'train', data, batch, sampleShapes: shapesOf(xs), labelSample: ys.sampleShape, gatherRows: gather ? ys.count : undefined });
  }

  /** Copies the trained parameters into the model's layers (model.getWeights then reads them). */
  async syncWeights(): Promise<void> {
    const params = await this.session.readExternal(BUFFERS.params);
    const variables = this.session.variables.slots.length ? await this.session.readExternal(BUFFERS.variables) : new Float32Array(0);
    for (const layer of this.model.layers) {
      const values: Record<string, Float32Array> = {};
      for (const [key, id] of layer.weightConstants()) {
        const param = this.session.layout.slots.find((s) => s.id === id);
        const variable = this.session.variables.slots.find((s) => s.id === id);
        if (param) values[key] = params.slice(param.offset, param.offset + param.size);
        if (variable) values[key] = variables.slice(variable.offset, variable.offset + variable.size);
      }
      if (Object.keys(values).length) layer.setTrainedWeights(values);
    }
  }

  dispose(): void {
    this.session.dispose();
  }

  private async fitLoop(x: ModelData, y: DataInput, options: FitOptions): Promise<History> {
    const { xs: all, ys: allY } = this.data(x, y);
    const epochs = options.epochs ?? 1;
    const batchSize = this.batchSize(options.batchSize);
    const readEvery = options.readEvery ?? 16;
    let [train, trainY, validation] = [all, allY, options.validationData as [ModelData, DataInput] | undefined];
    const split = options.validationSplit ?? 0;
    if (!(split >= 0 && split < 1)) throw new WgnnError('fit', `validationSplit ${split} must be in [0, 1)`);
    if (split > 0 && !validation) {
      const total = allY.count;
      const at = Math.floor(total * (1 - split));
      if (at < 1 || at >= total) throw new WgnnError('fit', `validationSplit ${split} of ${total} samples leaves no training or no validation samples`);
      [train, trainY] = [all.map((s) => rowsOf(s, 0, at)), rowsOf(allY, 0, at)];
      const held = (s: Samples) => ({ data: rowsOf(s, at, total).data, shape: [total - at, ...s.sampleShape] });
      validation = [all.map(held), held(allY)];
    }
    const weightsOf = this.classWeights(options.classWeight, trainY);
    // The training set goes to the GPU once; each step sends only its batch's indices.
    const gather = this.gathers;
    if (gather) this.upload(train, trainY);
    const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
    const control: TrainingControl = {
      stopTraining: false,
      saveParams: () => this.session.readExternal(BUFFERS.params),
      restoreParams: (params) => this.session.setExternal(BUFFERS.params, params),
    };
    for (const c of callbacks) c.setControl?.(control);
    const history = new History();
    for (const c of callbacks) await c.onTrainBegin?.({});
    this.session.resetMetrics();
    const seed = options.seed ?? 20261201;
    const rowsPerSample = this.outputRowsPerSample();
    for (let epoch = options.initialEpoch ?? 0; epoch < epochs && !control.stopTraining; epoch++) {
      for (const c of callbacks) await c.onEpochBegin?.(epoch, {});
      const order = options.shuffle === false ? Int32Array.from({ length: trainY.count }, (_, i) => i) : permutation(trainY.count, seed + epoch);
      let latest: Logs = {};
      let seen = 0;
      const steps = Math.ceil(trainY.count / batchSize);
      for (let step = 0; step < steps; step++) {
        const indices = order.subarray(step * batchSize, Math.min(trainY.count, (step + 1) * batchSize));
        const weights = weightsOf ? [Float32Array.from(indices, (i) => weightsOf[i])] : [];
        const data = gather ? [indices, ...weights] : [...train.map((s) => pick(s, indices)), pick(trainY, indices), ...weights];
        await this.session.run(
          { mode: 'train', data, batch: indices.length, sampleShapes: shapesOf(train), labelSample: trainY.sampleShape, gatherRows: gather ? trainY.count : undefined, weighted: weightsOf !== undefined },
          this.optimizer.learningRate(this.session.iterations),
        );
        seen += indices.length;
        if ((step + 1) % readEvery === 0 && step + 1 < steps) {
          // Read the running sums without waiting for them; let the page's event loop run.
          const upTo = seen;
          void this.session.readExternal(BUFFERS.metrics).then((sums) => (latest = this.logs(sums, upTo)), () => {});
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        for (const c of callbacks) await c.onBatchEnd?.(step, latest);
      }
      const logs = this.logs(await this.session.takeMetrics(), trainY.count, rowsPerSample);
      if (!Number.isFinite(logs.loss)) await this.nonFinite(epoch, logs.loss);
      if (validation) {
        for (const [name, value] of Object.entries(await this.evaluate(validation[0], validation[1], { batchSize }))) logs[`val_${name}`] = value;
      }
      history.record(epoch, logs);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs);
    }
    for (const c of callbacks) await c.onTrainEnd?.(history.epoch.length ? Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v.at(-1)!])) : {});
    await this.syncWeights();
    return history;
  }

  /** The loss went NaN or infinite: stop, naming the epoch and the first layer whose gradient is not finite. */
  private async nonFinite(epoch: number, loss: number): Promise<never> {
    const grads = await this.session.readExternal(BUFFERS.grads);
    const bad = this.session.layout.slots.find((s) => grads.subarray(s.offset, s.offset + s.size).some((v) => !Number.isFinite(v)));
    const where = bad ? `; the first layer weight whose gradient is not finite: ${bad.name}` : '';
    throw new WgnnError('fit', `the loss became ${loss} in epoch ${epoch} (by optimizer step ${this.session.iterations})${where}; lower the learning rate or check the data`);
  }

  private logs(sums: Float32Array, samplesCount: number, rowsPerSample = this.outputRowsPerSample()): Logs {
    const rows = samplesCount * rowsPerSample;
    const logs: Logs = { loss: sums[LOSS_SLOT] / rows };
    this.metrics.forEach((m, i) => (logs[m.name] = sums[LOSS_SLOT + 1 + i] / rows));
    return logs;
  }

  /** Per training sample, the weight of its loss (its class's weight), or undefined without class weights. */
  private classWeights(classWeight: Record<number, number> | undefined, ys: Samples): Float32Array | undefined {
    if (!classWeight) return undefined;
    if (this.outputRowsPerSample() !== 1) throw new WgnnError('fit', 'classWeight takes models with one output row per sample');
    const size = sizeOf(ys.sampleShape);
    return Float32Array.from({ length: ys.count }, (_, i) => {
      const row = ys.data.subarray(i * size, (i + 1) * size);
      const cls = this.loss.kind === 'sparseCategoricalCrossentropy' ? row[0] : size === 1 ? Math.round(row[0]) : row.indexOf(Math.max(...row));
      return classWeight[cls] ?? 1;
    });
  }

  private data(x: ModelData, y: DataInput): { xs: Samples[]; ys: Samples } {
    const xs = this.inputs('x', x);
    return { xs, ys: labels(y, this.loss, this.outputSample(xs[0]), xs[0].count) };
  }

  /** Each model input's samples, checked against the model and against each other. */
  private inputs(where: string, x: ModelData): Samples[] {
    const graph = this.forward;
    const declared = graph.inputs.map((id) => ({ name: graph.values[id].name, shape: (graph.values[id].shape ?? []).slice(1), dtype: graph.values[id].dtype as 'float32' | 'int32' }));
    const xs = modelInputs(where, x, declared.map((d) => d.name)).map((input, i) => samples(declared.length > 1 ? `${where} '${declared[i].name}'` : where, input, declared[i].shape, declared[i].dtype));
    if (xs[0].count === 0) throw new WgnnError(where, 'holds no samples');
    const odd = xs.findIndex((s) => s.count !== xs[0].count);
    if (odd > 0) throw new WgnnError(where, `input '${declared[odd].name}' has ${xs[odd].count} samples and '${declared[0].name}' ${xs[0].count}; every input needs one sample per label`);
    return xs;
  }

  /** fit gathers batches on the GPU from uploaded sets where every input is float32 (ids are sent per batch). */
  private get gathers(): boolean {
    return this.forward.inputs.every((id) => this.forward.values[id].dtype === 'float32');
  }

  private upload(xs: Samples[], ys: Samples): void {
    xs.forEach((s, i) => this.session.setExternal(dataXBuffer(i), s.data as Float32Array));
    this.session.setExternal(BUFFERS.dataY, ys.data as Float32Array);
  }

  private batchSize(given: number | undefined): number {
    const b = given ?? 32;
    if (!Number.isInteger(b) || b < 1) throw new WgnnError('fit', `batchSize ${b} must be an integer >= 1`);
    return b;
  }

  /** One sample's output shape (known from the model, or from an x sample). */
  private outputSample(xs?: Samples): number[] {
    const declared = this.model.outputs[0].shape.slice(1);
    if (declared.every((d) => d !== null)) return declared as number[];
    if (!xs) throw new WgnnError(this.model.name, 'the output shape depends on the input; pass data');
    throw new WgnnError(this.model.name, `outputs of open shape [${declared.map((d) => d ?? '?')}] are not supported for training yet`);
  }

  private outputRowsPerSample(): number {
    return sizeOf(this.outputSample().slice(0, -1));
  }
}

const shapesOf = (xs: Samples[]): number[][] => xs.map((s) => s.sampleShape);
