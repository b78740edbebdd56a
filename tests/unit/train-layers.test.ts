// Every convolution and pooling layer of the model API trains (on the CPU reference), and its
// trained weights go back to the model in Keras's layout: the model compiled for inference from
// them predicts what the trained model predicts.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, model, sequential, type Model } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });

/** Images of a horizontal (0) or vertical (1) bar with noise, [n, 8, 8, 1] (or [n, 8, 8] as sequences). */
function bars(n: number, seed: number) {
  const rng = new Random(seed);
  const x = rng.floats(n * 64, 0, 0.2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const at = rng.int(1, 6);
    for (let k = 0; k < 8; k++) x[i * 64 + (y[i] ? k * 8 + at : at * 8 + k)] += 1;
  }
  return { x, y };
}

async function trainsAndRoundTrips(model: Model, shape: number[]) {
  const { x, y } = bars(48, 3);
  const before = model.layers.map((l) => l.getWeights());
  const t = (await engine).compile(model, { optimizer: { name: 'adam', learningRate: 0.02 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const history = await t.fit({ data: x, shape: [48, ...shape] }, y, { epochs: 12, batchSize: 16 });
  expect(history.loss.at(-1)).toBeLessThan(history.loss[0]);
  expect(history.get('accuracy').at(-1)).toBeGreaterThan(0.85);
  model.layers.forEach((layer, i) => {
    for (const [key, value] of Object.entries(layer.getWeights())) expect(value, `${layer.name}/${key} trained`).not.toEqual(before[i][key]);
  });
  const trained = await t.predict({ data: x, shape: [48, ...shape] });
  const inference = await (await engine).compile(model).run([{ data: x, shape: [48, ...shape] }]);
  const out = Object.values(inference)[0];
  expect(Math.max(...Array.from(out, (v, i) => Math.abs(v - trained[i])))).toBeLessThan(1e-5);
}

describe('convolution and pooling layers train, and their weights go back in Keras layout', () => {
  it('conv2d, depthwiseConv2d (stride 2), maxPooling2d, conv2dTranspose (stride 2), averagePooling2d, globalAveragePooling2d', async () => {
    const model = sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, activation: 'relu' }),
      layers.averagePooling2d({ poolSize: 2 }),
      layers.globalAveragePooling2d(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ], { inputShape: [8, 8, 1] });
    await trainsAndRoundTrips(model, [8, 8, 1]);
  });

  it('conv1d, maxPooling1d, averagePooling1d, globalMaxPooling2d over a reshape', async () => {
    const model = sequential([
      layers.conv1d({ filters: 6, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling1d({ poolSize: 2 }),
      layers.averagePooling1d({ poolSize: 1 }),
      layers.reshape({ targetShape: [3, 1, 6] }),
      layers.globalMaxPooling2d(),
      layers.dense({ units: 2, activation: 'softmax' }),
    ], { inputShape: [8, 8] });
    await trainsAndRoundTrips(model, [8, 8]);
  });
});

describe('a functional model with merges and every Keras activation trains', () => {
  it('add, concatenate, activation layers (each Keras activation), reshape, flatten, a softmax layer: gradients match finite differences, and it learns', async () => {
    const x = layers.input({ shape: [8, 8, 1] });
    const a = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'elu', name: 'a' }).apply(x);
    const b = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'selu', name: 'b' }).apply(x);
    const summed = layers.add({ name: 'sum' }).apply([a, b]);
    const joined = layers.concatenate({ name: 'join' }).apply([summed, layers.conv2d({ filters: 2, kernelSize: 1, activation: 'softsign', name: 'c' }).apply(x)]);
    let h = layers.maxPooling2d({ poolSize: 2 }).apply(joined);
    h = layers.reshape({ targetShape: [4, 20] }).apply(h);
    h = layers.flatten().apply(h);
    for (const activation of ['relu6', 'leakyRelu', 'hardSigmoid', 'softplus', 'gelu', 'sigmoid', 'tanh', 'linear'] as const) {
      h = layers.activation(activation, `act_${activation}`).apply(layers.dense({ units: 8, name: `d_${activation}` }).apply(h));
    }
    const out = layers.softmax({ name: 'probabilities' }).apply(layers.dense({ units: 2, name: 'logits' }).apply(h));
    const m = model({ inputs: x, outputs: out });
    const { x: data, y } = bars(16, 9);
    const shape = [16, 8, 8, 1];
    // One sgd step at a negligible rate leaves the weights and fills 'grads' with dLoss/dparams.
    const t = (await engine).compile(m, { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'sparseCategoricalCrossentropy' });
    await t.trainOnBatch({ data, shape }, y);
    const session = t.trainingSession;
    const grads = await session.readExternal(BUFFERS.grads);
    const params = await session.readExternal(BUFFERS.params);
    const lossAt = async (p: Float32Array) => {
      session.setExternal(BUFFERS.params, p);
      return (await t.evaluate({ data, shape }, y, { batchSize: 16 })).loss;
    };
    for (const slot of session.layout.slots) {
      const at = slot.offset + Math.floor(slot.size / 2);
      const [up, down] = [params.slice(), params.slice()];
      up[at] += 1e-2;
      down[at] -= 1e-2;
      const numeric = ((await lossAt(up)) - (await lossAt(down))) / 2e-2;
      expect(Math.abs(grads[at] - numeric), `${slot.name}: analytic ${grads[at]}, numeric ${numeric}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
    }
    session.setExternal(BUFFERS.params, params);
    await trainsAndRoundTrips(m, [8, 8, 1]);
  });
});

describe('saving and loading weights (safetensors)', () => {
  it('a trained model\'s weights saved and loaded into a fresh model predict the same; bad files are clear errors', async () => {
    const build = () => sequential([layers.conv2d({ filters: 3, kernelSize: 3, name: 'c' }), layers.batchNormalization({ name: 'bn' }), layers.flatten({ name: 'f' }), layers.dense({ units: 2, activation: 'softmax', name: 'd' })], { inputShape: [8, 8, 1] });
    const model = build();
    const { x, y } = bars(16, 5);
    await (await engine).compile(model, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' }).fit({ data: x, shape: [16, 8, 8, 1] }, y, { epochs: 2, batchSize: 8 });
    const file = model.saveWeights();
    // The safetensors layout: an 8-byte header length, then a JSON header naming each tensor.
    const headerLength = Number(new DataView(file.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
    expect(header['bn/movingMean']).toEqual({ dtype: 'F32', shape: [3], data_offsets: expect.any(Array) });
    const fresh = build();
    fresh.loadWeights(file);
    const run = async (m: Model) => Object.values(await (await engine).compile(m).run([{ data: x, shape: [16, 8, 8, 1] }]))[0];
    expect(await run(fresh)).toEqual(await run(model));
    expect(() => fresh.loadWeights(file.subarray(0, 40))).toThrow(/loadWeights sequential: header length \d+ does not fit the file's 40 bytes/);
    const other = sequential([layers.dense({ units: 3, name: 'd' })], { inputShape: [4] });
    expect(() => other.loadWeights(file)).toThrow(/'d\/kernel' is F32 \[108, 2\]; the model needs F32 \[4, 3\]/);
  });
});
