// Whole models built with the Keras-style API, compiled and run on the GPU, compared with the
// same graph run unfused on the CPU references; plus the executor's promises: memory plans that
// validate, several runs in flight, no leaks over 500 runs, profiles.
import { createEngine, layers, model, sequential, type CompiledModel, type Engine, type Model } from '../../../src/index.ts';
import { validateMemoryPlan } from '../../../src/compile/memory.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';

/** Gives every weight of every layer seeded random values (Keras layouts). */
export function randomizeWeights(m: Model, seed: number): void {
  const rng = new Random(seed);
  for (const layer of m.layers) {
    const values: Record<string, Float32Array> = {};
    for (const [key, shape] of Object.entries(layer.weightShapes())) {
      const n = shape.reduce((p, d) => p * d, 1);
      values[key] = key === 'movingVariance' ? rng.floats(n, 0.5, 1.5) : rng.floats(n, -0.5, 0.5);
    }
    layer.setWeights(values);
  }
}

/** Runs `m` on the GPU and on the CPU references and compares every output. */
export async function expectModelMatches(label: string, engine: Engine, m: Model, inputs: (Float32Array | Int32Array)[], k: number): Promise<CompiledModel> {
  const cpu = await createEngine({ backend: 'cpu' });
  const expected = await cpu.compile(m).run(inputs);
  const compiled = engine.compile(m);
  const actual = await compiled.run(inputs);
  for (const name of Object.keys(expected)) {
    expectClose(`${label}: output ${name}`, actual[name], expected[name], reduction(k), { seed: 0, shape: [actual[name].length] });
  }
  return compiled;
}

export function kerasCnn(): Model {
  return sequential(
    [
      layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      layers.flatten(),
      layers.dense({ units: 64, activation: 'relu' }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
    { inputShape: [28, 28, 1], name: 'keras_cnn' },
  );
}

/** A ResNet-style block: conv-bn-relu, conv-bn, add the shortcut, relu; then pooling and a head. */
export function residualBlock(): Model {
  const x = layers.input({ shape: [12, 12, 8], name: 'image' });
  let y = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'conv_a' }).apply(x);
  y = layers.batchNormalization({ name: 'bn_a' }).apply(y);
  y = layers.activation('relu').apply(y);
  y = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'conv_b' }).apply(y);
  y = layers.batchNormalization({ name: 'bn_b' }).apply(y);
  y = layers.add({ name: 'residual' }).apply([y, x]);
  y = layers.activation('relu').apply(y);
  const pooled = layers.globalAveragePooling2d().apply(y);
  const logits = layers.dense({ units: 5, name: 'head' }).apply(pooled);
  return model({ inputs: x, outputs: logits, name: 'residual_block' });
}

function modelCase(name: string, build: () => Model, inputShape: number[], k: number, check?: (c: CompiledModel, m: Model) => Promise<void>): GpuCase {
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const m = build();
      randomizeWeights(m, seedOf(name));
      const rng = new Random(seedOf(`${name} input`));
      const compiled = await expectModelMatches(name, engine, m, [rng.floats(inputShape.reduce((p, d) => p * d, 1))], k);
      validateMemoryPlan((await compiled.program([inputShape])).memory);
      await check?.(compiled, m);
      compiled.dispose();
    },
  };
}

const layerZoo = (): Model =>
  sequential(
    [
      layers.conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'elu', name: 'conv1d' }),
      layers.maxPooling1d({ poolSize: 2 }),
      layers.reshape({ targetShape: [4, 2, 6] }),
      layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, activation: 'relu6' }),
      layers.batchNormalization(),
      layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
      layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
      layers.globalMaxPooling2d(),
      layers.dropout({ rate: 0.5 }),
      layers.dense({ units: 4, activation: 'sigmoid' }),
    ],
    { inputShape: [16, 5], name: 'zoo' },
  );

const twoInputs = (): Model => {
  const a = layers.input({ shape: [6], name: 'a' });
  const b = layers.input({ shape: [4], name: 'b' });
  const joined = layers.concatenate().apply([layers.dense({ units: 5, activation: 'relu' }).apply(a), b]);
  const out1 = layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(joined);
  const out2 = layers.dense({ units: 2, name: 'value' }).apply(joined);
  return model({ inputs: [a, b], outputs: [out1, out2], name: 'two_inputs' });
};

/** The Keras tutorial RNN: LSTM(64, return_sequences) -> LSTM(64) -> Dense(1, sigmoid) on [100, 64]. */
export function kerasLstm(cell: 'lstm' | 'gru' = 'lstm'): Model {
  const rnn = cell === 'lstm' ? layers.lstm : layers.gru;
  return sequential([rnn({ units: 64, returnSequences: true }), rnn({ units: 64 }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [100, 64], name: `keras_${cell}` });
}

/** Video pattern: a small CNN on each of 8 frames (TimeDistributed), then an LSTM across frames. */
export function videoModel(): Model {
  return sequential(
    [
      layers.timeDistributed(layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' })),
      layers.timeDistributed(layers.maxPooling2d({ poolSize: 2 })),
      layers.timeDistributed(layers.flatten()),
      layers.lstm({ units: 16 }),
      layers.dense({ units: 4, activation: 'softmax' }),
    ],
    { inputShape: [8, 12, 12, 3], name: 'video' },
  );
}

/** Token ids -> embedding -> bidirectional GRU (summed) -> simple RNN returning its state. */
const textModel = (): Model => {
  const ids = layers.input({ shape: [9], dtype: 'int32', name: 'ids' });
  const embedded = layers.embedding({ inputDim: 20, outputDim: 6 }).apply(ids);
  const both = layers.bidirectional(layers.gru({ units: 5, returnSequences: true, resetAfter: false }), { mergeMode: 'sum' }).apply(embedded);
  const [seq, state] = layers.simpleRNN({ units: 3, returnSequences: true, returnState: true }).applyAll(both);
  return model({ inputs: ids, outputs: [seq, state], name: 'text' });
};

const repeatedInputs = (): Model => {
  const x = layers.input({ shape: [3, 4], name: 'x' });
  const doubled = layers.add({ name: 'x_plus_x' }).apply([x, x]);
  const flat = layers.flatten().apply(x);
  const squared = layers.concatenate({ name: 'cat_self' }).apply([flat, flat]);
  return model({ inputs: x, outputs: [doubled, squared], name: 'repeated_inputs' });
};

export const modelCases: GpuCase[] = [
  modelCase('Keras tutorial LSTM, batch 2', () => kerasLstm('lstm'), [2, 100, 64], 128, async (c) => {
    const stats = await c.stats([[2, 100, 64]]);
    if (stats.peakBytes > stats.lowerBoundBytes * 1.1) throw new Error(`peak ${stats.peakBytes} vs lower bound ${stats.lowerBoundBytes}`);
  }),
  modelCase('Keras tutorial GRU, batch 2', () => kerasLstm('gru'), [2, 100, 64], 128),
  modelCase('TimeDistributed CNN feeding an LSTM, batch 2', videoModel, [2, 8, 12, 12, 3], 200),
  {
    name: 'embedding, bidirectional GRU (sum), simple RNN with its state',
    async run(ctx) {
      const engine = await ctx.engine();
      const m = textModel();
      randomizeWeights(m, 31);
      const ids = Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % 20);
      const cpu = await createEngine({ backend: 'cpu' });
      const expected = await cpu.compile(m).run([ids]);
      const actual = await engine.compile(m).run([ids]);
      for (const name of Object.keys(expected)) expectClose(`text ${name}`, actual[name], expected[name], reduction(10), { seed: 31, shape: [actual[name].length] });
    },
  },
  {
    name: 'a node reading one value twice (add(x, x), concat of a view with itself)',
    async run(ctx) {
      const engine = await ctx.engine();
      await expectModelMatches(this.name, engine, repeatedInputs(), [new Random(21).floats(2 * 12)], 1);
      const t = engine.tensor([3, 3], new Random(22).floats(9));
      const square = await engine.matmul(t, t).data();
      const cpu = await createEngine({ backend: 'cpu' });
      const c = cpu.tensor([3, 3], await t.data());
      expectClose('matmul(t, t)', square, await cpu.matmul(c, c).data(), reduction(3), { seed: 22, shape: [3, 3] });
    },
  },
  modelCase('Keras tutorial CNN, batch 3', kerasCnn, [3, 28, 28, 1], 576, async (c) => {
    const stats = await c.stats([[3, 28, 28, 1]]);
    if (stats.peakBytes !== stats.lowerBoundBytes) throw new Error(`peak ${stats.peakBytes} != lower bound ${stats.lowerBoundBytes}`);
    // One dispatch per layer: conv 1 (one input channel) is the scalar implicit GEMM, convs 2 and 3 the vec4 one.
    if (stats.dispatchCount !== 8) throw new Error(`expected 8 dispatches (3 conv, 2 pool, 2 dense, 1 softmax), got ${stats.dispatchCount}`);
  }),
  modelCase('residual block with batch norm folded, batch 2', residualBlock, [2, 12, 12, 8], 72, async (c) => {
    const stats = await c.stats([[2, 12, 12, 8]]);
    if (stats.fusions.batchNormFolds !== 2 || stats.fusions.activationFusions !== 2) throw new Error(`fusions ${JSON.stringify(stats.fusions)}`);
  }),
  modelCase('layer zoo: conv1d, pool1d, reshape, depthwise, batch norm, transposed conv, avg pool, global max, dropout, dense', layerZoo, [2, 16, 5], 64),
  {
    name: 'two inputs, concatenate, two outputs',
    async run(ctx) {
      const engine = await ctx.engine();
      const m = twoInputs();
      randomizeWeights(m, 11);
      const rng = new Random(12);
      await expectModelMatches(this.name, engine, m, [rng.floats(3 * 6), rng.floats(3 * 4)], 9);
    },
  },
  {
    name: 'several runs in flight each get their own result',
    async run(ctx) {
      const engine = await ctx.engine();
      const m = residualBlock();
      randomizeWeights(m, 5);
      const compiled = engine.compile(m);
      const cpu = (await createEngine({ backend: 'cpu' })).compile(m);
      const rng = new Random(6);
      const inputs = [1, 2, 3, 4].map(() => rng.floats(2 * 12 * 12 * 8));
      const results = await Promise.all(inputs.map((x) => compiled.run([x])));
      for (let i = 0; i < inputs.length; i++) {
        const expected = await cpu.run([inputs[i]]);
        expectClose(`run ${i}`, results[i].head, expected.head, reduction(72), { seed: 6, shape: [2, 5] });
      }
      compiled.dispose();
    },
  },
  {
    name: 'dynamic batch: one plan per input shape, each correct',
    async run(ctx) {
      const engine = await ctx.engine();
      const m = kerasCnn();
      randomizeWeights(m, 8);
      const compiled = engine.compile(m);
      const cpu = (await createEngine({ backend: 'cpu' })).compile(m);
      const rng = new Random(9);
      for (const batch of [1, 4, 1]) {
        const x = rng.floats(batch * 784);
        expectClose(`batch ${batch}`, (await compiled.run([x]))['dense_2/softmax'] ?? Object.values(await compiled.run([x]))[0], Object.values(await cpu.run([x]))[0], reduction(576), { seed: 9, shape: [batch, 10] });
      }
      compiled.dispose();
    },
  },
  {
    name: 'no GPU buffers leak over 500 runs, and dispose frees everything',
    async run() {
      const engine = await createEngine();
      const before = engine.memoryStats();
      const m = residualBlock();
      randomizeWeights(m, 3);
      const compiled = engine.compile(m);
      const x = new Random(4).floats(12 * 12 * 8);
      await compiled.run([x]);
      const afterFirst = engine.memoryStats();
      for (let i = 0; i < 499; i++) await compiled.run([x]);
      const after500 = engine.memoryStats();
      if (after500.liveBuffers !== afterFirst.liveBuffers || after500.liveBytes !== afterFirst.liveBytes) {
        throw new Error(`after 1 run ${JSON.stringify(afterFirst)}, after 500 ${JSON.stringify(after500)}`);
      }
      compiled.dispose();
      await new Promise((r) => setTimeout(r, 0));
      const end = engine.memoryStats();
      if (end.liveBuffers !== before.liveBuffers || end.liveBytes !== before.liveBytes) throw new Error(`after dispose ${JSON.stringify(end)}, before ${JSON.stringify(before)}`);
      engine.dispose();
    },
  },
  {
    name: 'profile gives per-node times, FLOPs and a Chrome trace',
    async run(ctx) {
      const engine = await ctx.engine();
      const m = kerasCnn();
      const compiled = engine.compile(m);
      const profile = await compiled.profile([new Random(1).floats(784)]);
      if (profile.entries.length !== 8) throw new Error(`expected 8 profiled nodes, got ${profile.entries.length}`);
      const conv = profile.entries.find((e) => e.node === 'conv2d_2')!;
      if (conv.flops !== 2 * 11 * 11 * 64 * 9 * 32) throw new Error(`conv2d_2 flops ${conv.flops}`);
      if (!(profile.totalMs > 0) || profile.entries.some((e) => !(e.gpuMs >= 0))) throw new Error(`times ${profile.table()}`);
      if (!/conv2d_1\s+conv2d/.test(profile.table())) throw new Error(profile.table());
      const trace = profile.trace();
      if (trace.traceEvents.length !== 8 || JSON.parse(JSON.stringify(trace)).traceEvents[0].ph !== 'X') throw new Error('bad trace');
      compiled.dispose();
    },
  },
];
