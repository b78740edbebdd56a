// Training through convolutions on the CPU reference backend: a tiny CNN (conv2d with relu ->
// flatten -> dense softmax) learns to tell horizontal from vertical bars, and the gradients one
// step writes to 'grads' match finite differences of evaluate()'s loss for every conv weight.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, sequential } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });

/** 8x8x1 images: class 0 a horizontal bar, class 1 a vertical one (length 4-8, anywhere), plus noise. */
function bars(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const x = rng.floats(n * 64, -0.2, 0.2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const [line, length] = [rng.int(0, 7), rng.int(4, 8)];
    const start = rng.int(0, 8 - length);
    for (let k = start; k < start + length; k++) {
      const [row, col] = y[i] === 0 ? [line, k] : [k, line];
      x[i * 64 + row * 8 + col] += 1;
    }
  }
  return { x, y };
}

const cnn = () =>
  sequential([layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.flatten(), layers.dense({ units: 2, activation: 'softmax' })], { inputShape: [8, 8, 1] });

describe('training a CNN', () => {
  it('learns horizontal vs vertical bars (adam, sparse cross-entropy): accuracy > 0.9 on held-out images', async () => {
    const train = bars(128, 1);
    const t = (await engine).compile(cnn(), { optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await t.fit({ data: train.x, shape: [128, 8, 8, 1] }, train.y, { epochs: 12, batchSize: 16, seed: 5 });
    expect(history.get('accuracy').at(-1)).toBeGreaterThan(0.9);
    expect(history.loss.at(-1)).toBeLessThan(history.loss[0]);
    const test = bars(64, 2);
    expect((await t.evaluate({ data: test.x, shape: [64, 8, 8, 1] }, test.y)).accuracy).toBeGreaterThan(0.9);
  });

  it('whole-model gradients: every conv weight and bias, and some dense ones, match finite differences of the loss', async () => {
    const data = bars(12, 3);
    const x = { data: data.x, shape: [12, 8, 8, 1] };
    // sgd at a learning rate of ~0: one step leaves the weights and fills 'grads' with dLoss/dparams.
    const t = (await engine).compile(cnn(), { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'sparseCategoricalCrossentropy' });
    await t.trainOnBatch(x, data.y);
    const session = t.trainingSession;
    const grads = await session.readExternal(BUFFERS.grads);
    const params = await session.readExternal(BUFFERS.params);
    const lossAt = async (p: Float32Array) => {
      session.setExternal(BUFFERS.params, p);
      return (await t.evaluate(x, data.y, { batchSize: 12 })).loss;
    };
    let checked = 0;
    for (const slot of session.layout.slots) {
      const conv = slot.name.startsWith('conv2d');
      const indices = conv ? Array.from({ length: slot.size }, (_, i) => i) : [0, Math.floor(slot.size / 2), slot.size - 1];
      for (const i of indices) {
        const at = slot.offset + i;
        // A step small enough that no pre-activation crosses relu's kink (at 1e-2 and 1e-3 some do,
        // and the difference then misses the derivative by ~5e-3); float32 losses still resolve it.
        const eps = 1e-4;
        const up = params.slice();
        up[at] += eps;
        const down = params.slice();
        down[at] -= eps;
        const numeric = ((await lossAt(up)) - (await lossAt(down))) / (2 * eps);
        expect(grads[at], `${slot.name}[${i}]`).toBeCloseTo(numeric, 2);
        checked++;
      }
    }
    expect(checked).toBe(36 + 4 + 3 + 3);
  });
});
