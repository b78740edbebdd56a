// Training on the GPU: one step's gradients and updated parameters against the CPU reference
// for every optimizer, a classifier and a non-linear binary task that must converge, and two
// runs with the same seed that must give the same weights bit for bit (no float atomics).
import { createEngine, layers, model as functional, sequential, type Engine, type Model } from '../../../src/index.ts';
import { Random } from '../../harness/random.ts';
import { BUFFERS } from '../../../src/train/step-graph.ts';
import type { OptimizerConfig } from '../../../src/train/optimizers.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { blobs, circle } from '../../harness/training-data.ts';
import type { GpuCase } from './case.ts';

const classifier = () => sequential([layers.dense({ units: 13, activation: 'tanh' }), layers.dense({ units: 7, activation: 'relu' }), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });

function stepCase(optimizer: OptimizerConfig): GpuCase {
  const name = `training step ${optimizer.name} ${JSON.stringify(optimizer).replace(/"/g, '')}`;
  return {
    name,
    async run(ctx) {
      const { x, y } = blobs(37);
      const results: { grads: Float32Array; params: Float32Array }[] = [];
      for (const engine of [await ctx.engine(), await createEngine({ backend: 'cpu' })] as Engine[]) {
        const t = engine.compile(classifier(), { optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        await t.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false });
        results.push({ grads: await t.trainingSession.readExternal(BUFFERS.grads), params: await t.trainingSession.readExternal(BUFFERS.params) });
        t.dispose();
      }
      const [gpu, cpu] = results;
      expectClose(`${name}: gradients of the last step`, gpu.grads, cpu.grads, reduction(37), { seed: 37, shape: [gpu.grads.length] });
      expectClose(`${name}: parameters after 3 steps`, gpu.params, cpu.params, reduction(37), { seed: 37, shape: [gpu.params.length] });
    },
  };
}

/**
 * A model of two inputs (both float: fit gathers each from its own uploaded set on the GPU; or
 * ids and floats: sent per batch): the parameters after an epoch against the CPU reference's.
 */
function twoInputCase(ids: boolean): GpuCase {
  const name = `training a model of two inputs (${ids ? 'ids and floats, sent per batch' : 'two float sets, gathered on the GPU'}) matches the CPU reference`;
  return {
    name,
    async run(ctx) {
      const rng = new Random(41);
      const n = 24;
      const first = ids ? { data: Int32Array.from({ length: n * 4 }, () => rng.int(0, 6)), shape: [n, 4] } : { data: rng.floats(n * 4), shape: [n, 4] };
      const second = { data: rng.floats(n * 3), shape: [n, 3] };
      const y = Float32Array.from({ length: n }, (_, i) => i % 3);
      const results: Float32Array[] = [];
      for (const engine of [await ctx.engine(), await createEngine({ backend: 'cpu' })] as Engine[]) {
        const a = layers.input({ shape: [4], name: 'a', dtype: ids ? 'int32' : 'float32' });
        const b = layers.input({ shape: [3], name: 'b' });
        const left = ids ? layers.flatten().apply(layers.embedding({ inputDim: 7, outputDim: 2 }).apply(a)) : layers.dense({ units: 5, activation: 'tanh' }).apply(a);
        const out = layers.dense({ units: 3, activation: 'softmax' }).apply(layers.concatenate().apply([left, layers.dense({ units: 4, activation: 'relu' }).apply(b)]));
        const t = engine.compile(functional({ inputs: [a, b], outputs: out }), { optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
        await t.fit([first, second], y, { epochs: 1, batchSize: 8, shuffle: true, seed: 5 });
        results.push(await t.trainingSession.readExternal(BUFFERS.params));
        t.dispose();
      }
      expectClose(`${name}: parameters after 3 steps`, results[0], results[1], reduction(24), { seed: 41, shape: [results[0].length] });
    },
  };
}

/**
 * conv(relu) -> pooling, where the compiler fuses relu's gradient into the pooling gradient
 * (pool2dBackward reluMask): a CNN with max and average pools, the same under TimeDistributed
 * (reshapes between them), and a relu output read by a pool and a second branch (no fusion: its
 * gradient is a sum). The gradients and parameters after an epoch of 3 steps equal the CPU
 * reference's, which runs the graph unfused; the profile shows which relu gradients remain.
 */
function poolReluCase(label: string, build: () => Model, sample: number[], remaining: number): GpuCase {
  const name = `training conv(relu) -> pooling (${label}) matches the CPU reference`;
  return {
    name,
    async run(ctx) {
      const rng = new Random(43);
      const n = 12;
      const x = { data: rng.floats(n * sample.reduce((a, b) => a * b, 1), -1, 1), shape: [n, ...sample] };
      const y = Float32Array.from({ length: n }, (_, i) => i % 3);
      const results: { grads: Float32Array; params: Float32Array }[] = [];
      for (const engine of [await ctx.engine(), await createEngine({ backend: 'cpu' })] as Engine[]) {
        const t = engine.compile(build(), { optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
        await t.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
        results.push({ grads: await t.trainingSession.readExternal(BUFFERS.grads), params: await t.trainingSession.readExternal(BUFFERS.params) });
        if (engine.info.backend === 'webgpu') {
          const profile = await t.profileStep(x, y);
          const reluGrads = profile.entries.filter((e) => e.op === 'activationGrad').length;
          if (reluGrads !== remaining) throw new Error(`${name}: ${reluGrads} activationGrad nodes left in the step, expected ${remaining}`);
        }
        t.dispose();
      }
      const [gpu, cpu] = results;
      expectClose(`${name}: gradients of the last step`, gpu.grads, cpu.grads, reduction(200), { seed: 43, shape: [gpu.grads.length] });
      expectClose(`${name}: parameters after 3 steps`, gpu.params, cpu.params, reduction(200), { seed: 43, shape: [gpu.params.length] });
    },
  };
}

const poolCnn = () => sequential([
  layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
  layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }), layers.averagePooling2d({ poolSize: 2, strides: 1 }),
  layers.flatten(), layers.dense({ units: 3, activation: 'softmax' }),
], { inputShape: [11, 10, 3] });

const poolVideo = () => sequential([
  layers.timeDistributed(layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' })), layers.timeDistributed(layers.maxPooling2d({ poolSize: 2 })),
  layers.timeDistributed(layers.flatten()), layers.lstm({ units: 5 }), layers.dense({ units: 3, activation: 'softmax' }),
], { inputShape: [3, 8, 9, 2] });

const poolBranches = () => {
  const input = layers.input({ shape: [8, 8, 2] });
  const features = layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input);
  const pooled = layers.flatten().apply(layers.maxPooling2d({ poolSize: 2 }).apply(features));
  const joined = layers.concatenate().apply([pooled, layers.globalAveragePooling2d().apply(features)]);
  return functional({ inputs: input, outputs: layers.dense({ units: 3, activation: 'softmax' }).apply(joined) });
};

export const trainingCases: GpuCase[] = [
  poolReluCase('max and average pools', poolCnn, [11, 10, 3], 0),
  poolReluCase('TimeDistributed', poolVideo, [3, 8, 9, 2], 0),
  poolReluCase('a relu output read twice: not fused', poolBranches, [8, 8, 2], 1),
  twoInputCase(false),
  twoInputCase(true),
  ...([
    { name: 'sgd', learningRate: 0.1 },
    { name: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true },
    { name: 'adam', learningRate: 0.01 },
    { name: 'adamw', learningRate: 0.01, weightDecay: 0.1 },
    { name: 'rmsprop', learningRate: 0.01, centered: true },
    { name: 'adagrad', learningRate: 0.1, clipValue: 0.05 },
    { name: 'adam', learningRate: 0.01, clipNorm: 0.05 },
    { name: 'sgd', learningRate: 0.1, momentum: 0.5, globalClipNorm: 0.1 },
  ] as OptimizerConfig[]).map(stepCase),
  {
    name: 'training a classifier on three blobs converges, and the same seed gives the same weights bit for bit',
    async run(ctx) {
      const engine = await ctx.engine();
      const { x, y } = blobs(96);
      const weights: Float32Array[] = [];
      for (let run = 0; run < 2; run++) {
        const model = classifier();
        const t = engine.compile(model, { optimizer: { name: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        const history = await t.fit(x, y, { epochs: 12, batchSize: 16, seed: 9 });
        if (!(history.get('accuracy').at(-1)! > 0.97)) throw new Error(`accuracy ${history.get('accuracy')}`);
        weights.push(model.getWeights('dense_3').kernel);
        t.dispose();
      }
      if (weights[0].some((v, i) => v !== weights[1][i])) throw new Error('two runs with one seed gave different weights');
    },
  },
  {
    name: 'evaluate: loss, accuracy and top-2 accuracy on WebGPU equal the CPU reference\'s',
    async run(ctx) {
      const { x, y } = blobs(29);
      const logs = [];
      for (const engine of [await ctx.engine(), await createEngine({ backend: 'cpu' })] as Engine[]) {
        const t = engine.compile(classifier(), { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', { name: 'sparseTopKCategoricalAccuracy', k: 2 }] });
        logs.push(await t.evaluate(x, y, { batchSize: 8 }));
        t.dispose();
      }
      const [gpu, cpu] = logs;
      for (const key of ['loss', 'accuracy', 'sparseTopKCategoricalAccuracy']) {
        if (!(Math.abs(gpu[key] - cpu[key]) <= 1e-5 * Math.max(1, Math.abs(cpu[key])))) throw new Error(`${key}: WebGPU ${gpu[key]}, CPU ${cpu[key]}`);
      }
      if (!(cpu.sparseTopKCategoricalAccuracy >= cpu.accuracy)) throw new Error(`top-2 ${cpu.sparseTopKCategoricalAccuracy} below top-1 ${cpu.accuracy}`);
    },
  },
  {
    name: 'profileStep times every node of a training step (forward, loss, backward, optimizer)',
    async run(ctx) {
      const { x, y } = blobs(16);
      const t = (await ctx.engine()).compile(classifier(), { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
      const profile = await t.profileStep(x, y);
      const ops = new Set(profile.entries.map((e) => e.op));
      for (const op of ['matmul', 'loss', 'activationGrad', 'optimizerStep']) if (!ops.has(op)) throw new Error(`no ${op} in the profile: ${[...ops]}`);
      if (!(profile.totalMs > 0)) throw new Error(`total ${profile.totalMs} ms`);
      t.dispose();
    },
  },
  {
    name: 'training on a circle (binary cross-entropy on a sigmoid output) converges',
    async run(ctx) {
      const { x, y } = circle(128);
      const model = sequential([layers.dense({ units: 16, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2] });
      const t = (await ctx.engine()).compile(model, { optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const history = await t.fit(x, y, { epochs: 40, batchSize: 32, validationSplit: 0.25 });
      if (!(history.loss.at(-1)! < 0.3 && history.get('val_accuracy').at(-1)! > 0.85)) throw new Error(`loss ${history.loss.at(-1)}, val_accuracy ${history.get('val_accuracy').at(-1)}`);
      t.dispose();
    },
  },
];
