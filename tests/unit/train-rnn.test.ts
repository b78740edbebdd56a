// Training recurrent layers on the CPU reference backend: the whole model's gradients (the step's
// 'grads' buffer) against central finite differences of evaluate()'s loss, for stacked LSTMs, a
// bidirectional GRU (reset_after true and false) and simple RNNs; learning tasks that must
// converge (an LSTM on the sign of a sum, a GRU forecasting a sine); trained weights that go back
// to the layers in Keras's layout and give the same predictions compiled for inference; and
// inference still lowered to the one fused recurrent node.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, model, sequential, type Model } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import type { TrainableModel } from '../../src/train/trainable.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });

/** Sets every weight of the model to seeded values in [-scale, scale) (biases too, so none is 0). */
function randomize(model: Model, seed: number, scale = 0.6): void {
  const rng = new Random(seed);
  for (const layer of model.layers) {
    const shapes = layer.weightShapes();
    const values = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, rng.floats(s.reduce((p, d) => p * d, 1), -scale, scale)]));
    if (Object.keys(values).length) layer.setWeights(values);
  }
}

/** The step's gradient of every parameter element checked against central differences of the loss. */
async function expectGradientsMatch(t: TrainableModel, x: { data: Float32Array; shape: number[] }, y: Float32Array, picks = 3): Promise<number> {
  // sgd at learning rate 0: one step leaves the weights and fills 'grads' with dLoss/dparams.
  await t.trainOnBatch(x, y);
  const session = t.trainingSession;
  const grads = await session.readExternal(BUFFERS.grads);
  const params = await session.readExternal(BUFFERS.params);
  const lossAt = async (p: Float32Array) => {
    session.setExternal(BUFFERS.params, p);
    return (await t.evaluate(x, y, { batchSize: x.shape[0] })).loss;
  };
  let checked = 0;
  for (const slot of session.layout.slots) {
    const at = Array.from({ length: picks }, (_, i) => Math.floor(((slot.size - 1) * i) / Math.max(picks - 1, 1)));
    for (const i of new Set(at)) {
      const eps = 1e-2;
      const [up, down] = [params.slice(), params.slice()];
      up[slot.offset + i] += eps;
      down[slot.offset + i] -= eps;
      const numeric = ((await lossAt(up)) - (await lossAt(down))) / (2 * eps);
      expect(grads[slot.offset + i], `${slot.name}[${i}]`).toBeCloseTo(numeric, 3);
      checked++;
    }
  }
  session.setExternal(BUFFERS.params, params);
  return checked;
}

const sgdZero = { name: 'sgd' as const, learningRate: 1e-30 };

describe('whole-model gradients through time', () => {
  it('stacked LSTM (returnSequences) -> LSTM -> dense sigmoid, binary cross-entropy', async () => {
    const model = sequential([layers.lstm({ units: 3, returnSequences: true }), layers.lstm({ units: 2 }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [4, 2] });
    randomize(model, 1);
    const rng = new Random(2);
    const t = (await engine).compile(model, { optimizer: sgdZero, loss: 'binaryCrossentropy' });
    const checked = await expectGradientsMatch(t, { data: rng.floats(3 * 4 * 2), shape: [3, 4, 2] }, Float32Array.of(1, 0, 1));
    // Per LSTM: kernel, recurrentKernel, bias; then the dense kernel and bias.
    expect(t.trainingSession.layout.slots.map((s) => s.name)).toEqual(['lstm_1/kernel', 'lstm_1/recurrentKernel', 'lstm_1/bias', 'lstm_2/kernel', 'lstm_2/recurrentKernel', 'lstm_2/bias', 'dense_1/kernel', 'dense_1/bias']);
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  for (const resetAfter of [true, false]) {
    it(`bidirectional GRU (reset_after=${resetAfter}, concat) -> dense softmax; each direction's Keras weights (both GRU bias rows) get their own gradient`, async () => {
      const model = sequential([layers.bidirectional(layers.gru({ units: 3, resetAfter })), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [5, 2] });
      randomize(model, resetAfter ? 3 : 4);
      const rng = new Random(5);
      const t = (await engine).compile(model, { optimizer: sgdZero, loss: 'sparseCategoricalCrossentropy' });
      await expectGradientsMatch(t, { data: rng.floats(2 * 5 * 2), shape: [2, 5, 2] }, Float32Array.of(2, 0), 4);
      const bias = t.trainingSession.layout.slots.find((s) => s.name.endsWith('backward/bias'))!;
      expect(bias.shape).toEqual(resetAfter ? [2, 9] : [9]);
    });
  }

  it('simple RNN (relu, returnSequences) -> bidirectional simple RNN (mul) -> dense, mean squared error', async () => {
    const model = sequential(
      [layers.simpleRNN({ units: 4, activation: 'relu', returnSequences: true }), layers.bidirectional(layers.simpleRNN({ units: 2, returnSequences: true }), { mergeMode: 'mul' }), layers.dense({ units: 1 })],
      { inputShape: [3, 2] },
    );
    // Seeded so that no relu pre-activation lies within the finite-difference step of its kink at 0
    // (where central differences average the two slopes; the derivative itself is checked at every
    // point in tests/unit/recurrent-train-reference.test.ts).
    randomize(model, 26);
    const rng = new Random(7);
    const t = (await engine).compile(model, { optimizer: sgdZero, loss: 'mse' });
    await expectGradientsMatch(t, { data: rng.floats(3 * 3 * 2), shape: [3, 3, 2] }, rng.floats(3 * 3), 4);
  });

  for (const mergeMode of ['sum', 'ave', 'mul'] as const) {
    it(`bidirectional LSTM without returnSequences, last outputs merged by ${mergeMode} -> dense, mean squared error`, async () => {
      const model = sequential([layers.bidirectional(layers.lstm({ units: 3 }), { mergeMode }), layers.dense({ units: 2 })], { inputShape: [4, 2] });
      randomize(model, 31);
      const rng = new Random(12);
      const t = (await engine).compile(model, { optimizer: sgdZero, loss: 'mse' });
      await expectGradientsMatch(t, { data: rng.floats(2 * 4 * 2), shape: [2, 4, 2] }, rng.floats(2 * 2));
    });
  }

  it("a bidirectional LSTM returning each direction's states: a loss on the backward c reaches the weights", async () => {
    const input = layers.input({ shape: [3, 2] });
    const [, , , , cBackward] = layers.bidirectional(layers.lstm({ units: 2, returnState: true })).applyAll(input);
    const m = model({ inputs: input, outputs: layers.dense({ units: 1 }).apply(cBackward) });
    randomize(m, 13);
    const rng = new Random(14);
    const t = (await engine).compile(m, { optimizer: sgdZero, loss: 'mse' });
    await expectGradientsMatch(t, { data: rng.floats(2 * 3 * 2), shape: [2, 3, 2] }, rng.floats(2));
  });

  it('an LSTM returning its states (returnState): a loss on the final c reaches the weights', async () => {
    const input = layers.input({ shape: [3, 2] });
    const [, , c] = layers.lstm({ units: 2, returnState: true }).applyAll(input);
    const m = model({ inputs: input, outputs: layers.dense({ units: 1 }).apply(c) });
    randomize(m, 8);
    const rng = new Random(9);
    const t = (await engine).compile(m, { optimizer: sgdZero, loss: 'mse' });
    await expectGradientsMatch(t, { data: rng.floats(2 * 3 * 2), shape: [2, 3, 2] }, rng.floats(2));
  });
});

/** Sequences of T values in [-1, 1); label 1 where their sum is positive. */
function signOfSum(n: number, T: number, seed: number) {
  const rng = new Random(seed);
  const x = rng.floats(n * T);
  const y = Float32Array.from({ length: n }, (_, i) => Number(x.subarray(i * T, (i + 1) * T).reduce((s, v) => s + v, 0) > 0));
  return { x: { data: x, shape: [n, T, 1] }, y };
}

/** Windows of 10 samples of a sine (random phase and step); the label is the next sample. */
function sineWindows(n: number, seed: number) {
  const rng = new Random(seed);
  const x = new Float32Array(n * 10);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [phase, step] = [rng.uniform(0, 2 * Math.PI), rng.uniform(0.2, 0.4)];
    for (let k = 0; k <= 10; k++) {
      const v = Math.sin(phase + k * step);
      if (k < 10) x[i * 10 + k] = v;
      else y[i] = v;
    }
  }
  return { x: { data: x, shape: [n, 10, 1] }, y };
}

describe('learning', () => {
  it('an LSTM learns the sign of the sum of 8 values (> 90% accuracy)', async () => {
    const train = signOfSum(256, 8, 10);
    const model = sequential([layers.lstm({ units: 8 }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [8, 1] });
    const t = (await engine).compile(model, { optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    await t.fit(train.x, train.y, { epochs: 25, batchSize: 32 });
    const held = signOfSum(128, 8, 11);
    expect((await t.evaluate(held.x, held.y)).accuracy).toBeGreaterThan(0.9);
  });

  it('a GRU forecasts a sine from its last 10 samples (mse < 0.01)', async () => {
    const train = sineWindows(192, 12);
    const model = sequential([layers.gru({ units: 8 }), layers.dense({ units: 1 })], { inputShape: [10, 1] });
    const t = (await engine).compile(model, { optimizer: { name: 'adam', learningRate: 0.02 }, loss: 'mse' });
    const history = await t.fit(train.x, train.y, { epochs: 30, batchSize: 32 });
    expect(history.loss.at(-1)).toBeLessThan(0.01);
    const held = sineWindows(64, 13);
    expect((await t.evaluate(held.x, held.y)).loss).toBeLessThan(0.01);
  });
});

describe('trained weights', () => {
  it('go back to the layers in Keras layout; the model compiled for inference predicts what the trained one does', async () => {
    const model = sequential(
      [layers.bidirectional(layers.lstm({ units: 3, returnSequences: true }), { mergeMode: 'ave' }), layers.gru({ units: 4, resetAfter: false, returnSequences: true }), layers.simpleRNN({ units: 2 }), layers.dense({ units: 1 })],
      { inputShape: [5, 2] },
    );
    const before = model.getWeights('lstm_1')['forward/recurrentKernel'];
    const train = signOfSum(24, 5, 14);
    const data = { data: new Random(15).floats(24 * 5 * 2), shape: [24, 5, 2] };
    const t = (await engine).compile(model, { optimizer: 'adam', loss: 'mse' });
    await t.fit(data, train.y, { epochs: 2, batchSize: 8 });
    await t.syncWeights();
    const after = model.getWeights('lstm_1');
    expect(after['forward/recurrentKernel']).toHaveLength(before.length);
    expect(after['forward/recurrentKernel']).not.toEqual(before);
    expect(Object.keys(after)).toEqual(['forward/kernel', 'forward/recurrentKernel', 'forward/bias', 'backward/kernel', 'backward/recurrentKernel', 'backward/bias']);
    const trained = await t.predict(data);
    const inference = (await engine).compile(model);
    const predicted = (await inference.run([data.data]))[inference.outputNames[0]];
    expect(predicted).toHaveLength(trained.length);
    predicted.forEach((v, i) => expect(Math.abs(v - trained[i]), `prediction ${i}`).toBeLessThanOrEqual(1e-5));
  });

  it('inference still runs the one fused recurrent node, over canonical weights converted once for every signature', async () => {
    const model = sequential([layers.lstm({ units: 5, returnSequences: true }), layers.gru({ units: 3 })], { inputShape: [null, 2] });
    const compiled = (await engine).compile(model);
    const [a, b] = await Promise.all([compiled.program([[2, 4, 2]]), compiled.program([[3, 7, 2]])]);
    expect(a.steps.map((s) => s.node.op).filter((op) => op !== 'reshape')).toEqual(['recurrent', 'recurrent']);
    const weights = (p: typeof a) => p.constants.map((c) => c.data);
    expect(weights(a)).toHaveLength(6);
    weights(a).forEach((data, i) => expect(data).toBe(weights(b)[i]));
  });
});
