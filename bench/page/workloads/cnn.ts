// The Keras tutorial CNN (Conv2D 32 3x3 relu, MaxPool 2, Conv2D 64, MaxPool, Conv2D 64, Flatten,
// Dense 64 relu, Dense 10 softmax; 28x28x1), built three ways from one set of Keras-layout
// weights: wgnn's Keras-style model API (compiled), tfjs-layers, and an ONNX graph.
import { layers, sequential } from '../../../src/index.ts';
import { nhwcToNchw, Rng, transpose } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import type { Runner } from '../engines/runner.ts';
import { tfjs, tfjsModelRunner, type Tf } from '../engines/tfjs.ts';
import { compiledRunner, wgnnEngine } from '../engines/wgnn.ts';
import { OnnxGraph } from '../onnx-graph.ts';
import { lazy, type Workload } from './workload.ts';

const CONVS = [
  { name: 'conv1', shape: [3, 3, 1, 32] },
  { name: 'conv2', shape: [3, 3, 32, 64] },
  { name: 'conv3', shape: [3, 3, 64, 64] },
];
const DENSES = [
  { name: 'dense1', shape: [576, 64] },
  { name: 'dense2', shape: [64, 10] },
];

/** Seeded Keras-layout weights and inputs of the tutorial CNN, generated once per workload. */
export function kerasCnnData(batch: number, seed = 1000 + batch) {
  return lazy(() => {
    const rng = new Rng(seed);
    const weights: Record<string, { kernel: Float32Array; bias: Float32Array }> = {};
    for (const { name, shape } of [...CONVS, ...DENSES]) {
      const fanIn = shape.slice(0, -1).reduce((p, d) => p * d, 1);
      weights[name] = { kernel: rng.glorot(shape, fanIn, shape[shape.length - 1]), bias: rng.floats(shape[shape.length - 1], -0.1, 0.1) };
    }
    return { x: rng.floats(batch * 28 * 28, 0, 1), weights, labels: Float32Array.from({ length: batch }, () => Math.floor(rng.floats(1, 0, 10)[0]) % 10) };
  });
}

export type KerasCnnWeights = Record<string, { kernel: Float32Array; bias: Float32Array }>;

/** The tutorial CNN in wgnn's model API, with the given weights. */
export function wgnnKerasCnn(weights: KerasCnnWeights) {
  const m = sequential(
    [
      layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv1' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv3' }),
      layers.flatten(),
      layers.dense({ units: 64, activation: 'relu', name: 'dense1' }),
      layers.dense({ units: 10, activation: 'softmax', name: 'dense2' }),
    ],
    { inputShape: [28, 28, 1], name: 'keras_cnn' },
  );
  for (const [name, w] of Object.entries(weights)) m.setWeights(name, w);
  return m;
}

/** The same CNN in tfjs-layers, with the same weights. */
export function tfjsKerasCnn(tf: Tf, weights: KerasCnnWeights) {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu', name: 'conv1' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', name: 'conv3' }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 64, activation: 'relu', name: 'dense1' }),
      tf.layers.dense({ units: 10, activation: 'softmax', name: 'dense2' }),
    ],
  });
  for (const { name, shape: s } of [...CONVS, ...DENSES]) {
    m.getLayer(name).setWeights([tf.tensor(weights[name].kernel, s), tf.tensor(weights[name].bias, [s[s.length - 1]])]);
  }
  return m;
}

export function kerasCnnWorkload(batch: number): Workload {
  const data = kerasCnnData(batch);
  // conv1 26x26x32, pool 13x13, conv2 11x11x64, pool 5x5, conv3 3x3x64, dense 576->64->10
  const macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 9 * 32 + 3 * 3 * 64 * 9 * 64 + 576 * 64 + 64 * 10;
  const weightCount = [...CONVS, ...DENSES].reduce((n, { shape }) => n + shape.reduce((p, d) => p * d, 1) + shape[shape.length - 1], 0);
  return {
    name: `Keras CNN batch ${batch}`,
    family: 'cnn',
    flops: 2 * batch * macs,
    bytes: 4 * (batch * 28 * 28 + weightCount + batch * 10),
    k: 576,
    async runner(engine): Promise<Runner> {
      const { x, weights } = data();
      const shape = [batch, 28, 28, 1];
      if (engine === 'wgnn' || engine === 'wgnn-cpu') return compiledRunner(await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu'), () => wgnnKerasCnn(weights), x, shape);
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        return tfjsModelRunner(tf, () => tfjsKerasCnn(tf, weights), x, shape);
      }
      const g = new OnnxGraph();
      let y = 'x';
      CONVS.forEach(({ name, shape: s }, i) => {
        y = g.op('Relu', [g.conv(y, weights[name].kernel, s, weights[name].bias)]);
        if (i < 2) y = g.maxPool(y, 2);
      });
      y = g.op('Flatten', [y]);
      // ONNX flattens NCHW as (c, h, w), Keras NHWC as (h, w, c): reorder dense1's rows to match.
      const dense1 = transpose(weights.dense1.kernel, [3, 3, 64, 64], [2, 0, 1, 3]);
      y = g.op('Relu', [g.dense(y, dense1, 576, 64, weights.dense1.bias)]);
      y = g.op('Softmax', [g.dense(y, weights.dense2.kernel, 64, 10, weights.dense2.bias)]);
      const model = g.build([{ name: 'x', shape: [batch, 1, 28, 28] }], y);
      return ortRunner(model, { data: nhwcToNchw(x, shape), dims: [batch, 1, 28, 28] });
    },
  };
}
