// Training on the CPU reference backend: the whole model's gradients against finite
// differences of its loss, learning tasks that must converge, and Keras's compile/fit contract
// (History, validation, callbacks, early stopping, class weights, schedules, trainOnBatch,
// evaluate, predict, weights back in the model), with clear errors for bad input.
import { describe, expect, it } from 'vitest';
import { createEngine, earlyStopping, exponentialDecay, layers, sequential, WgnnError, type Logs } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { blobs, circle, waves } from '../harness/training-data.ts';

const engine = createEngine({ backend: 'cpu' });

const mlp = (outputs: number, activation: string, hidden = 12) => sequential([layers.dense({ units: hidden, activation: 'tanh' }), layers.dense({ units: outputs, activation: activation as 'softmax' })], { inputShape: [2] });

describe('whole-model gradients', () => {
  for (const [loss, activation, outputs] of [['sparseCategoricalCrossentropy', 'softmax', 3], ['meanSquaredError', 'linear', 3], ['binaryCrossentropy', 'sigmoid', 1]] as const) {
    it(`an MLP with ${activation} output and ${loss}: the step's gradients match finite differences of the loss`, async () => {
      const data = blobs(12);
      const y = loss === 'sparseCategoricalCrossentropy' ? data.y : loss === 'binaryCrossentropy' ? data.y.map((c) => Number(c === 1)) : Float32Array.from({ length: 36 }, (_, i) => Math.sin(i));
      const model = mlp(outputs, activation, 5);
      // sgd at learning rate 0: one step leaves the weights and fills 'grads' with dLoss/dparams.
      const t = (await engine).compile(model, { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss });
      await t.trainOnBatch(data.x, y);
      const session = t.trainingSession;
      const grads = await session.readExternal(BUFFERS.grads);
      const params = await session.readExternal(BUFFERS.params);
      const lossAt = async (p: Float32Array) => {
        session.setExternal(BUFFERS.params, p);
        return (await t.evaluate(data.x, y, { batchSize: 12 })).loss;
      };
      let checked = 0;
      for (const slot of session.layout.slots) {
        for (const i of [0, Math.floor(slot.size / 2), slot.size - 1]) {
          const at = slot.offset + i;
          const eps = 1e-2;
          const up = params.slice();
          up[at] += eps;
          const down = params.slice();
          down[at] -= eps;
          const numeric = ((await lossAt(up)) - (await lossAt(down))) / (2 * eps);
          expect(grads[at], `${slot.name}[${i}]`).toBeCloseTo(numeric, 2);
          checked++;
        }
      }
      expect(checked).toBe(12);
    });
  }

  it('a batch-normalized MLP: the step\'s gradients (through the batch statistics) match finite differences of the training-mode loss', async () => {
    const data = blobs(12);
    const model = sequential([layers.dense({ units: 5 }), layers.batchNormalization(), layers.activation('tanh'), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });
    const t = (await engine).compile(model, { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'sparseCategoricalCrossentropy' });
    await t.trainOnBatch(data.x, data.y);
    const session = t.trainingSession;
    const grads = await session.readExternal(BUFFERS.grads);
    const params = await session.readExternal(BUFFERS.params);
    const variables = await session.readExternal(BUFFERS.variables);
    // The training-mode loss of one step (batch statistics), read from the metrics' running sum.
    const lossAt = async (p: Float32Array) => {
      session.setExternal(BUFFERS.params, p);
      session.setExternal(BUFFERS.variables, variables);
      return (await t.trainOnBatch(data.x, data.y)).loss;
    };
    for (const slot of session.layout.slots) {
      const at = slot.offset + Math.floor(slot.size / 2);
      const eps = 1e-2;
      const [up, down] = [params.slice(), params.slice()];
      up[at] += eps;
      down[at] -= eps;
      const numeric = ((await lossAt(up)) - (await lossAt(down))) / (2 * eps);
      expect(grads[at], slot.name).toBeCloseTo(numeric, 2);
    }
  });
});

describe('learning', () => {
  it('softmax classifier on three blobs (adam, sparse cross-entropy, accuracy)', async () => {
    const { x, y } = blobs(96);
    const t = (await engine).compile(mlp(3, 'softmax'), { optimizer: { name: 'adam', learningRate: 0.05 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await t.fit(x, y, { epochs: 15, batchSize: 16 });
    expect(history.loss.at(-1)).toBeLessThan(0.15);
    expect(history.get('accuracy').at(-1)).toBeGreaterThan(0.97);
  });

  it('a circle, not linearly separable (sigmoid output, binary cross-entropy, binary accuracy)', async () => {
    const { x, y } = circle(128);
    const model = sequential([layers.dense({ units: 16, activation: 'relu' }), layers.dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2] });
    const t = (await engine).compile(model, { optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const history = await t.fit(x, y, { epochs: 40, batchSize: 32 });
    expect(history.loss.at(-1)).toBeLessThan(0.25);
    expect(history.get('accuracy').at(-1)).toBeGreaterThan(0.9);
  });

  it('batch normalization and dropout (training mode: batch statistics, a new mask each step; moving statistics updated)', async () => {
    const { x, y } = blobs(96);
    const model = sequential([layers.dense({ units: 16 }), layers.batchNormalization(), layers.activation('relu'), layers.dropout({ rate: 0.2 }), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });
    const t = (await engine).compile(model, { optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await t.fit(x, y, { epochs: 10, batchSize: 16, validationSplit: 0.25 });
    // Validation runs in inference mode: the moving statistics, no dropout.
    expect(history.get('val_accuracy').at(-1)).toBeGreaterThan(0.95);
    const { movingMean, movingVariance } = model.getWeights('batch_normalization_1');
    expect(movingMean.some((v) => v !== 0)).toBe(true);
    expect(movingVariance.some((v) => v !== 1)).toBe(true);
  });

  it('a regression (mse, mae metric, rmsprop with momentum)', async () => {
    const { x, y } = waves(128);
    const model = sequential([layers.dense({ units: 16, activation: 'tanh' }), layers.dense({ units: 1 })], { inputShape: [2] });
    const t = (await engine).compile(model, { optimizer: { name: 'rmsprop', learningRate: 0.01, momentum: 0.5 }, loss: 'mse', metrics: ['mae'] });
    const history = await t.fit(x, y, { epochs: 30, batchSize: 16 });
    expect(history.loss.at(-1)).toBeLessThan(0.02);
    expect(history.get('mae').at(-1)).toBeLessThan(0.12);
  });
});

describe('the compile/fit contract', () => {
  it('History, validationSplit, callbacks in order, evaluate and predict agree with fit\'s metrics', async () => {
    const { x, y } = blobs(60);
    const t = (await engine).compile(mlp(3, 'softmax'), { optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const calls: string[] = [];
    const history = await t.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.25,
      callbacks: {
        onTrainBegin: () => void calls.push('trainBegin'),
        onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
        onBatchEnd: (b) => void calls.push(`batch ${b}`),
        onEpochEnd: (e, logs) => void calls.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
        onTrainEnd: () => void calls.push('trainEnd'),
      },
    });
    // 45 training samples in batches of 16: 3 steps an epoch.
    expect(calls).toEqual(['trainBegin', 'epochBegin 0', 'batch 0', 'batch 1', 'batch 2', 'epochEnd 0 loss,accuracy,val_loss,val_accuracy', 'epochBegin 1', 'batch 0', 'batch 1', 'batch 2', 'epochEnd 1 loss,accuracy,val_loss,val_accuracy', 'trainEnd']);
    expect(history.epoch).toEqual([0, 1]);
    expect(history.val_loss).toHaveLength(2);
    const held = { data: x.subarray(90), shape: [15, 2] };
    const evaluated = await t.evaluate(held, y.subarray(45));
    expect(evaluated.loss).toBeCloseTo(history.val_loss[1], 5);
    const probs = await t.predict(held);
    let hits = 0;
    for (let i = 0; i < 15; i++) {
      const row = Array.from(probs.subarray(3 * i, 3 * i + 3));
      hits += Number(row.indexOf(Math.max(...row)) === y[45 + i]);
    }
    expect(hits / 15).toBeCloseTo(evaluated.accuracy, 5);
  });

  it('trained weights go back to the model; the same seed gives the same weights, bit for bit', async () => {
    const { x, y } = blobs(48);
    const run = async () => {
      const model = mlp(3, 'softmax');
      const before = model.getWeights('dense_1').kernel;
      await (await engine).compile(model, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' }).fit(x, y, { epochs: 2, batchSize: 8, seed: 3 });
      const after = model.getWeights('dense_1').kernel;
      expect(after).not.toEqual(before);
      return after;
    };
    expect(await run()).toEqual(await run());
  });

  it('earlyStopping stops when the monitored loss stops improving, and restores the best weights', async () => {
    const { x, y } = blobs(30);
    // A learning rate this small changes nothing: epoch 0 sets the best, 1 and 2 do not improve by minDelta.
    const model = mlp(3, 'softmax');
    const t = (await engine).compile(model, { optimizer: { name: 'sgd', learningRate: 1e-12 }, loss: 'sparseCategoricalCrossentropy' });
    const history = await t.fit(x, y, { epochs: 50, batchSize: 30, callbacks: earlyStopping({ monitor: 'loss', minDelta: 0.01, patience: 1, restoreBestWeights: true }) });
    expect(history.epoch).toEqual([0, 1, 2]);
    // And with a rate that moves the weights, the best epoch's weights come back when it stops.
    const moving = (await engine).compile(mlp(3, 'softmax'), { optimizer: { name: 'sgd', learningRate: 50 }, loss: 'sparseCategoricalCrossentropy' });
    const best: Float32Array[] = [];
    const track = { onEpochEnd: async () => void best.push(await moving.trainingSession.readExternal(BUFFERS.params)) };
    const stopped = await moving.fit(x, y, { epochs: 30, batchSize: 30, shuffle: false, callbacks: [track, earlyStopping({ monitor: 'loss', patience: 0, restoreBestWeights: true })] });
    const losses = stopped.loss;
    const bestEpoch = losses.indexOf(Math.min(...losses));
    expect(stopped.epoch.length).toBeLessThan(30);
    expect(await moving.trainingSession.readExternal(BUFFERS.params)).toEqual(best[bestEpoch]);
  });

  it('classWeight weighs each class\'s loss; a learning-rate schedule drives the steps', async () => {
    const { x, y } = blobs(30);
    const lossWith = async (classWeight?: Record<number, number>) => {
      const t = (await engine).compile(mlp(3, 'softmax'), { optimizer: { name: 'sgd', learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) }, loss: 'sparseCategoricalCrossentropy' });
      return (await t.fit(x, y, { epochs: 1, batchSize: 30, classWeight })).loss[0];
    };
    const plain = await lossWith();
    expect(await lossWith({ 0: 1, 1: 1, 2: 1 })).toBeCloseTo(plain, 6);
    expect(await lossWith({ 0: 3, 1: 1, 2: 1 })).toBeGreaterThan(plain);
  });

  it('onBatchEnd logs are running means read without stalling (every readEvery steps)', async () => {
    const { x, y } = blobs(64);
    const seen: Logs[] = [];
    await (await engine).compile(mlp(3, 'softmax'), { optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' }).fit(x, y, { batchSize: 4, readEvery: 4, callbacks: { onBatchEnd: (_b, logs) => void seen.push(logs) } });
    expect(seen).toHaveLength(16);
    expect(seen.at(-1)!.loss).toBeGreaterThan(0);
  });
});

describe('bad input is a clear error', () => {
  const compiled = async () => (await engine).compile(mlp(3, 'softmax'), { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const { x, y } = blobs(9);

  it('x and y of different lengths; labels outside the classes; a loss that does not fit the output', async () => {
    const t = await compiled();
    await expect(t.fit(x, y.subarray(0, 8))).rejects.toThrow(/labels: 8 label samples of shape \[\] \(what sparseCategoricalCrossentropy takes for outputs of shape \[3\]\) for 9 input samples; x and y must have the same number of samples/);
    await expect(t.fit(x, y.map((v, i) => (i === 4 ? 3 : v)))).rejects.toThrow(/labels: label 4 is 3; sparseCategoricalCrossentropy takes class indices in \[0, 2\] \(the model has 3 classes\)/);
    await expect(t.fit(x, y.map((v, i) => (i === 2 ? 0.5 : v)))).rejects.toThrow(/label 2 is 0.5/);
    const mse = (await engine).compile(mlp(3, 'softmax'), { loss: 'categoricalCrossentropy' });
    await expect(mse.fit(x, y)).rejects.toThrow(/labels: 3 label samples of shape \[3\] \(what categoricalCrossentropy takes for outputs of shape \[3\]\) for 9 input samples/);
  });

  it('non-finite data, an unknown loss, optimizer or metric, fit while fit runs', async () => {
    const t = await compiled();
    await expect(t.fit(x.map((v, i) => (i === 5 ? NaN : v)), y)).rejects.toThrow(/x: value 5 \(sample 2\) is NaN; training data must be finite/);
    await expect((async () => (await engine).compile(mlp(3, 'softmax'), { loss: 'hinge' }))()).rejects.toThrow(/unknown loss 'hinge'/);
    await expect((async () => (await engine).compile(mlp(3, 'softmax'), { loss: 'mse', optimizer: 'lion' }))()).rejects.toThrow(/unknown optimizer 'lion'/);
    await expect((async () => (await engine).compile(mlp(3, 'softmax'), { loss: 'mse', metrics: ['f1'] }))()).rejects.toThrow(/unknown metric 'f1'/);
    const first = t.fit(x, y, { epochs: 3 });
    await expect(t.fit(x, y)).rejects.toThrow(/fit is already running on this model; await it before starting another/);
    await first;
  });

  it('a loss that becomes non-finite stops training, naming the epoch and the first layer with a non-finite gradient', async () => {
    const t = (await engine).compile(mlp(3, 'linear'), { optimizer: { name: 'sgd', learningRate: 1e6 }, loss: 'mse' });
    const big = Float32Array.from({ length: 27 }, (_, i) => 1e3 * (i + 1));
    await expect(t.fit(x, big, { epochs: 20, batchSize: 9 })).rejects.toSatisfy((e: unknown) => e instanceof WgnnError && /fit: the loss became (NaN|Infinity) in epoch \d+ \(by optimizer step \d+\); the first layer weight whose gradient is not finite: dense_\d+\/(kernel|bias)/.test((e as Error).message));
  });
});
