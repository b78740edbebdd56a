// layers.depthToSpace (tf.nn.depth_to_space: NHWC, DCR) on the CPU backend: values against TF's
// definition (its documented examples, and its reshape/transpose form on random data), symbolic
// shapes with open dims, clear errors, and training through it: a sub-pixel convolution model's
// gradients match finite differences, it learns, and its trained weights predict the same when
// compiled for inference. (The op's GPU cases, forward and gradient, run in the GPU suites.)
import { describe, expect, it } from 'vitest';
import { createEngine, layers, sequential } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { Random } from '../harness/random.ts';
import { makeRandom, randomTensor, transpose } from './cnn-reference-helpers.ts';

const engine = createEngine({ backend: 'cpu' });

/** TF's definition: x.reshape(N, H, W, b, b, C').transpose(0, 1, 3, 2, 4, 5).reshape(N, H*b, W*b, C'). */
function tfDepthToSpace(data: Float32Array, [n, h, w, c]: number[], b: number): Float32Array {
  return transpose({ shape: [n, h, w, b, b, c / (b * b)], data }, [0, 1, 3, 2, 4, 5]).data;
}

async function runLayer(blockSize: number, shape: number[], data: Float32Array): Promise<Float32Array> {
  const m = sequential([layers.depthToSpace({ blockSize, name: 'd2s' })], { inputShape: [null, null, shape[3]] });
  return (await (await engine).compile(m).run([{ data, shape }])).d2s;
}

describe('layers.depthToSpace', () => {
  it("reproduces tf.nn.depth_to_space's documented examples (block 2)", async () => {
    const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);
    expect([...(await runLayer(2, [1, 1, 1, 4], iota(4)))]).toEqual([1, 2, 3, 4]);
    expect([...(await runLayer(2, [1, 1, 1, 12], iota(12)))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // [1, 2, 2, 4] -> [1, 4, 4, 1]: rows [1 2 5 6], [3 4 7 8], [9 10 13 14], [11 12 15 16].
    expect([...(await runLayer(2, [1, 2, 2, 4], iota(16)))]).toEqual([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16]);
  });

  for (const [shape, b] of [[[2, 3, 2, 18], 3], [[1, 2, 5, 8], 2], [[1, 1, 1, 3], 1]] as [number[], number][]) {
    it(`equals TF's reshape/transpose definition on random data: x [${shape.join(', ')}], block ${b}`, async () => {
      const x = randomTensor(makeRandom(700 + b), shape);
      expect(await runLayer(b, shape, x.data)).toEqual(tfDepthToSpace(x.data, shape, b));
    });
  }

  it('keeps open dims open and checks its input, naming the layer', () => {
    const m = sequential([layers.conv2d({ filters: 18, kernelSize: 3, padding: 'same' }), layers.depthToSpace({ blockSize: 3 })], { inputShape: [null, null, 1] });
    expect(m.outputs[0].shape).toEqual([null, null, null, 2]);
    expect(m.layers[1].name).toBe('depthToSpace_1');
    expect(() => sequential([layers.depthToSpace({ blockSize: 2, name: 'up' })], { inputShape: [4, 4, 6] })).toThrow(/up: channels 6 must be a multiple of blockSize\^2 = 4/);
    expect(() => sequential([layers.depthToSpace({ blockSize: 0, name: 'up' })], { inputShape: [4, 4, 4] })).toThrow(/up: blockSize 0 must be an integer >= 1/);
    expect(() => sequential([layers.depthToSpace({ blockSize: 2, name: 'up' })], { inputShape: [4, 4] })).toThrow(/up: input \[\?,4,4\] must be \[batch, H, W, C\]/);
  });
});

describe('training through depthToSpace', () => {
  /** Low-res [n, 4, 4, 1] images and their 2x upscale by pixel replication, [n, 8, 8, 1]: a target the model can reach. */
  function upscaleTask(n: number, seed: number) {
    const rng = new Random(seed);
    const x = rng.floats(n * 16, 0, 1);
    const y = new Float32Array(n * 64);
    for (let i = 0; i < n; i++) for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) y[i * 64 + r * 8 + c] = x[i * 16 + (r >> 1) * 4 + (c >> 1)];
    return { x, y };
  }
  const subPixelModel = () =>
    sequential([
      layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'features' }),
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'subpixels' }),
      layers.depthToSpace({ blockSize: 2, name: 'up' }),
    ], { inputShape: [4, 4, 1] });

  it('gradients of the weights under it match finite differences', async () => {
    const { x, y } = upscaleTask(6, 21);
    const t = (await engine).compile(subPixelModel(), { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'meanSquaredError' });
    const data = { data: x, shape: [6, 4, 4, 1] };
    const labels = { data: y, shape: [6, 8, 8, 1] };
    await t.trainOnBatch(data, labels);
    const session = t.trainingSession;
    const grads = await session.readExternal(BUFFERS.grads);
    const params = await session.readExternal(BUFFERS.params);
    const lossAt = async (p: Float32Array) => {
      session.setExternal(BUFFERS.params, p);
      return (await t.evaluate(data, labels, { batchSize: 6 })).loss;
    };
    for (const slot of session.layout.slots) {
      for (const at of [slot.offset, slot.offset + Math.floor(slot.size / 2), slot.offset + slot.size - 1]) {
        const [up, down] = [params.slice(), params.slice()];
        up[at] += 1e-2;
        down[at] -= 1e-2;
        const numeric = ((await lossAt(up)) - (await lossAt(down))) / 2e-2;
        expect(Math.abs(grads[at] - numeric), `${slot.name}[${at - slot.offset}]: analytic ${grads[at]}, numeric ${numeric}`).toBeLessThan(2e-4 + 2e-2 * Math.abs(numeric));
      }
    }
  });

  it('a sub-pixel convolution model learns a 2x upscale, and its trained weights predict the same at inference', async () => {
    const { x, y } = upscaleTask(64, 5);
    const m = subPixelModel();
    const t = (await engine).compile(m, { optimizer: { name: 'adam', learningRate: 0.02 }, loss: 'meanSquaredError' });
    const data = { data: x, shape: [64, 4, 4, 1] };
    const history = await t.fit(data, { data: y, shape: [64, 8, 8, 1] }, { epochs: 15, batchSize: 16 });
    expect(history.loss.at(-1)).toBeLessThan(0.25 * history.loss[0]);
    const trained = await t.predict(data);
    const inference = (await (await engine).compile(m).run([data])).up;
    expect(Math.max(...Array.from(inference, (v, i) => Math.abs(v - trained[i])))).toBeLessThan(1e-5);
  });
});
