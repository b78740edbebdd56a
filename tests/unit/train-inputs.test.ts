// Training models of several inputs (Keras's fit([a, b], y) and fit({ a, b }, y)), on the CPU
// reference: gradients against central differences, the list and by-name forms agreeing, a
// two-input task only both inputs together can solve, ids and floats mixed (no GPU gather then),
// and the errors for inputs that do not fit.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, model, type Model } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });

function randomize(m: Model, seed: number): void {
  const rng = new Random(seed);
  for (const layer of m.layers) {
    const shapes = layer.weightShapes();
    layer.setWeights(Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, rng.floats(s.reduce((p, d) => p * d, 1), -0.6, 0.6)])));
  }
}

/** An image branch (conv + pooling) and a feature branch (dense), concatenated into a dense head. */
function twoInputModel(): Model {
  const image = layers.input({ shape: [6, 6, 1], name: 'image' });
  const features = layers.input({ shape: [3], name: 'features' });
  const seen = layers.flatten().apply(layers.maxPooling2d({ poolSize: 2 }).apply(layers.conv2d({ filters: 2, kernelSize: 3, activation: 'tanh' }).apply(image)));
  const joined = layers.concatenate().apply([seen, layers.dense({ units: 4, activation: 'tanh' }).apply(features)]);
  return model({ inputs: [image, features], outputs: layers.dense({ units: 1, activation: 'sigmoid' }).apply(joined) });
}

describe('training with several inputs', () => {
  it("every parameter's gradient matches central differences of the loss", async () => {
    const m = twoInputModel();
    randomize(m, 3);
    const rng = new Random(4);
    const x = [{ data: rng.floats(3 * 36), shape: [3, 6, 6, 1] }, { data: rng.floats(9), shape: [3, 3] }];
    const y = Float32Array.from([1, 0, 1]);
    const t = (await engine).compile(m, { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'binaryCrossentropy' });
    await t.trainOnBatch(x, y);
    const session = t.trainingSession;
    const [grads, params] = [await session.readExternal(BUFFERS.grads), await session.readExternal(BUFFERS.params)];
    const lossAt = async (p: Float32Array) => (session.setExternal(BUFFERS.params, p), (await t.evaluate(x, y, { batchSize: 3 })).loss);
    for (const slot of session.layout.slots) {
      for (const i of new Set([0, slot.size - 1])) {
        const [up, down] = [params.slice(), params.slice()];
        up[slot.offset + i] += 1e-2;
        down[slot.offset + i] -= 1e-2;
        expect(grads[slot.offset + i], `${slot.name}[${i}]`).toBeCloseTo(((await lossAt(up)) - (await lossAt(down))) / 2e-2, 3);
      }
    }
  });

  it('learns a task that needs both inputs (is the image brighter than the features say?), given as a list or by name alike', async () => {
    const rng = new Random(7);
    const n = 320;
    const image = rng.floats(n * 36, 0, 1);
    const features = rng.floats(n * 3, 0, 1);
    const y = Float32Array.from({ length: n }, (_, i) => Number(image.subarray(i * 36, (i + 1) * 36).reduce((s, v) => s + v, 0) / 36 > features.subarray(i * 3, (i + 1) * 3).reduce((s, v) => s + v, 0) / 3));
    const histories = [];
    for (const form of ['list', 'names'] as const) {
      const m = twoInputModel();
      randomize(m, 8);
      const t = (await engine).compile(m, { optimizer: { name: 'adam', learningRate: 0.02 }, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      const x = form === 'list' ? [{ data: image, shape: [n, 6, 6, 1] }, { data: features, shape: [n, 3] }] : { features: { data: features, shape: [n, 3] }, image: { data: image, shape: [n, 6, 6, 1] } };
      histories.push(await t.fit(x, y, { epochs: 20, batchSize: 32, validationSplit: 0.25 }));
      expect((await t.predict(x)).length).toBe(n);
    }
    expect(histories[1].history.loss).toEqual(histories[0].history.loss);
    expect(histories[0].history.accuracy.at(-1)!).toBeGreaterThan(0.9);
    expect(histories[0].history.val_accuracy.at(-1)!).toBeGreaterThan(0.85);
  });

  it('mixes token ids and floats (the ids are sent per batch instead of gathered)', async () => {
    const ids = layers.input({ shape: [5], name: 'ids', dtype: 'int32' });
    const scale = layers.input({ shape: [1], name: 'scale' });
    const words = layers.gru({ units: 4, resetAfter: false }).apply(layers.embedding({ inputDim: 10, outputDim: 3 }).apply(ids));
    const m = model({ inputs: [ids, scale], outputs: layers.dense({ units: 2, activation: 'softmax' }).apply(layers.concatenate().apply([words, scale])) });
    const rng = new Random(9);
    const tokens = Int32Array.from({ length: 64 * 5 }, () => rng.int(0, 9));
    const t = (await engine).compile(m, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const history = await t.fit([{ data: tokens, shape: [64, 5] }, { data: rng.floats(64), shape: [64, 1] }], Float32Array.from({ length: 64 }, (_, i) => Number(tokens[i * 5] > 4)), { epochs: 3, batchSize: 16 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('inputs that do not fit are named', async () => {
    const t = (await engine).compile(twoInputModel(), { optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const image = { data: new Float32Array(2 * 36), shape: [2, 6, 6, 1] };
    const y = Float32Array.from([0, 1]);
    await expect(t.fit(image, y)).rejects.toThrow(/the model takes 2 inputs \(image, features\): pass a list of them, or an object by name/);
    await expect(t.fit([image], y)).rejects.toThrow(/1 inputs given; the model takes 2 \(image, features\)/);
    await expect(t.fit({ image, extra: image }, y)).rejects.toThrow(/no model input named 'extra'; the inputs are image, features/);
    await expect(t.fit({ image }, y)).rejects.toThrow(/input 'features' is missing/);
    await expect(t.fit([image, { data: new Float32Array(9), shape: [3, 3] }], y)).rejects.toThrow(/input 'features' has 3 samples and 'image' 2/);
    await expect(t.fit([image, { data: new Float32Array(4), shape: [2, 2] }], y)).rejects.toThrow(/x 'features': samples of shape \[2\] do not fit the model's \[3\]/);
  });
});
