// A ResNet-style residual stage (as ResNet-18's conv2_x): two basic blocks, each
//   conv 3x3 (no bias) -> batch norm -> relu -> conv 3x3 -> batch norm -> + shortcut -> relu,
// channels kept. Batch norm is in inference form with random statistics; each engine treats it
// as it does (wgnn folds it into the conv at load, ORT fuses it in its optimizer, TF.js runs it).
import { layers, model, type SymbolicTensor } from '../../../src/index.ts';
import { nchwToNhwc, nhwcToNchw, Rng } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import type { Runner } from '../engines/runner.ts';
import { tfjs, tfjsModelRunner, type Tf } from '../engines/tfjs.ts';
import { compiledRunner, wgnnEngine } from '../engines/wgnn.ts';
import { OnnxGraph } from '../onnx-graph.ts';
import { lazy, type Workload } from './workload.ts';

const BLOCKS = 2;
const EPSILON = 1e-3; // Keras' default; given to every engine explicitly

interface BnWeights {
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
}

export function residualStageWorkload(size: number, channels: number, scaled?: string): Workload {
  const kernelShape = [3, 3, channels, channels];
  const convs = Array.from({ length: 2 * BLOCKS }, (_, i) => `conv${i}`);
  const data = lazy(() => {
    const rng = new Rng(size * 100 + channels);
    const kernels: Record<string, Float32Array> = {};
    const bns: Record<string, BnWeights> = {};
    for (const c of convs) {
      kernels[c] = rng.glorot(kernelShape, 9 * channels, 9 * channels);
      bns[c] = { gamma: rng.floats(channels, 0.5, 1.5), beta: rng.floats(channels, -0.2, 0.2), movingMean: rng.floats(channels, -0.2, 0.2), movingVariance: rng.floats(channels, 0.5, 1.5) };
    }
    return { x: rng.floats(size * size * channels), kernels, bns };
  });
  const pixels = size * size;
  return {
    name: `residual stage ${size}x${size}x${channels}`,
    family: 'cnn',
    flops: 2 * convs.length * pixels * channels * 9 * channels,
    bytes: 4 * (2 * pixels * channels + convs.length * (9 * channels * channels + 4 * channels)),
    k: 9 * channels,
    scaled,
    async runner(engine): Promise<Runner> {
      const { x, kernels, bns } = data();
      const shape = [1, size, size, channels];
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        const build = () => {
          const input = layers.input({ shape: [size, size, channels], name: 'image' });
          let y: SymbolicTensor = input;
          for (let b = 0; b < BLOCKS; b++) {
            const shortcut = y;
            for (const c of [convs[2 * b], convs[2 * b + 1]]) {
              y = layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', useBias: false, name: c }).apply(y);
              y = layers.batchNormalization({ name: `${c}_bn`, epsilon: EPSILON }).apply(y);
              if (c === convs[2 * b]) y = layers.activation('relu').apply(y);
            }
            y = layers.activation('relu').apply(layers.add().apply([y, shortcut]));
          }
          const m = model({ inputs: input, outputs: y, name: 'residual_stage' });
          for (const c of convs) {
            m.setWeights(c, { kernel: kernels[c] });
            m.setWeights(`${c}_bn`, { ...bns[c] });
          }
          return m;
        };
        return compiledRunner(await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu'), build, x, shape);
      }
      if (engine === 'tfjs-webgpu') {
        const tf: Tf = await tfjs();
        return tfjsModelRunner(tf, () => {
          const input = tf.input({ shape: [size, size, channels] });
          let y = input;
          for (let b = 0; b < BLOCKS; b++) {
            const shortcut = y;
            for (const c of [convs[2 * b], convs[2 * b + 1]]) {
              y = tf.layers.conv2d({ filters: channels, kernelSize: 3, padding: 'same', useBias: false, name: c }).apply(y);
              y = tf.layers.batchNormalization({ name: `${c}_bn`, epsilon: EPSILON }).apply(y);
              if (c === convs[2 * b]) y = tf.layers.activation({ activation: 'relu' }).apply(y);
            }
            y = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([y, shortcut]));
          }
          const m = tf.model({ inputs: input, outputs: y });
          for (const c of convs) {
            m.getLayer(c).setWeights([tf.tensor(kernels[c], kernelShape)]);
            const bn = bns[c];
            m.getLayer(`${c}_bn`).setWeights([bn.gamma, bn.beta, bn.movingMean, bn.movingVariance].map((v) => tf.tensor(v)));
          }
          return m;
        }, x, shape);
      }
      const g = new OnnxGraph();
      let y = 'x';
      for (let b = 0; b < BLOCKS; b++) {
        const shortcut = y;
        for (const c of [convs[2 * b], convs[2 * b + 1]]) {
          const bn = bns[c];
          y = g.conv(y, kernels[c], kernelShape, undefined, { pads: [1, 1, 1, 1] });
          const stats = [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance].map((v) => g.weight([channels], v, 'bn'));
          y = g.op('BatchNormalization', [y, ...stats], { epsilon: { type: 'float', value: EPSILON } });
          if (c === convs[2 * b]) y = g.op('Relu', [y]);
        }
        y = g.op('Relu', [g.op('Add', [y, shortcut])]);
      }
      const onnx = g.build([{ name: 'x', shape: [1, channels, size, size] }], y);
      return ortRunner(onnx, { data: nhwcToNchw(x, shape), dims: [1, channels, size, size] }, (out) => nchwToNhwc(out, [1, channels, size, size]));
    },
  };
}
