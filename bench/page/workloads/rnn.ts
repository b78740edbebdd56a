// Recurrent models: stacked LSTM or GRU layers (all but the last return sequences), optionally a
// dense head, on a batch-major [B, T, I] input, as in the Keras tutorial
// (LSTM(64, return_sequences) -> LSTM(64) -> Dense(1, sigmoid)). One set of Keras-layout weights:
// kernel [I, G*H], recurrent_kernel [H, G*H], bias [G*H], with Keras 2's sigmoid recurrent
// activation (tfjs-layers defaults to hard sigmoid, so it is set explicitly) and, for GRU,
// reset_after=False, the only form tfjs-layers implements (ONNX linear_before_reset=0).
//
// wgnn runs its Keras-style model API (layers.lstm/gru, compiled: one submit per run).
import { layers, sequential, type Layer, type Model } from '../../../src/index.ts';
import { Rng, transpose } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import type { Runner } from '../engines/runner.ts';
import { tfjs, tfjsModelRunner, type Tf } from '../engines/tfjs.ts';
import { compiledRunner, wgnnEngine } from '../engines/wgnn.ts';
import { OnnxGraph, onnxRecurrent } from '../onnx-graph.ts';
import { lazy, type Workload } from './workload.ts';

export type Cell = 'lstm' | 'gru';

export interface RecurrentWeights {
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

export interface DenseHead {
  units: number;
  activation: 'sigmoid' | 'softmax';
}

export interface RnnSpec {
  name: string;
  cell: Cell;
  batch: number;
  T: number;
  I: number;
  /** Hidden size of each stacked layer. */
  units: number[];
  dense?: DenseHead;
}

export const gatesOf = (cell: Cell) => (cell === 'lstm' ? 4 : 3);

export function recurrentWeights(rng: Rng, cell: Cell, I: number, H: number): RecurrentWeights {
  const G = gatesOf(cell);
  return { kernel: rng.glorot([I, G * H], I, G * H), recurrent: rng.glorot([H, G * H], H, G * H), bias: rng.floats(G * H, -0.1, 0.1) };
}

/** The layers' input sizes: I, then each previous layer's hidden size. */
const inputSizes = (s: { I: number; units: number[] }) => s.units.map((_, i) => (i === 0 ? s.I : s.units[i - 1]));

export function recurrentFlops(cell: Cell, batch: number, T: number, I: number, units: number[]): number {
  const G = gatesOf(cell);
  return inputSizes({ I, units }).reduce((f, inSize, i) => f + 2 * batch * T * G * units[i] * (inSize + units[i]), 0);
}

/** wgnn: Keras-style recurrent layers (named rnn0, rnn1, ...), GRU with reset_after=False. */
export function wgnnRecurrentLayers(cell: Cell, units: number[]): Layer[] {
  return units.map((u, i) => {
    const options = { units: u, returnSequences: i < units.length - 1, name: `rnn${i}` };
    return cell === 'lstm' ? layers.lstm(options) : layers.gru({ ...options, resetAfter: false });
  });
}

/** Sets the weights of the layers made by wgnnRecurrentLayers. */
export function setWgnnRecurrentWeights(m: Model, weights: RecurrentWeights[]): void {
  weights.forEach((w, i) => m.setWeights(`rnn${i}`, { kernel: w.kernel, recurrentKernel: w.recurrent, bias: w.bias }));
}

/**
 * tfjs-layers recurrent layers with the Keras 2 activations, weights set from the same arrays.
 * Zero initializers: the weights are overwritten anyway, and tfjs-layers' default orthogonal
 * recurrent initializer runs a QR decomposition op by op on the GPU (measured: 314 s of a
 * 256-unit LSTM's first run on SwiftShader), which would time initialization, not the engine.
 */
export function tfjsRecurrentLayers(tf: Tf, cell: Cell, units: number[], weights: RecurrentWeights[], inputShape?: number[]) {
  return units.map((u, i) => {
    const options = {
      units: u, returnSequences: i < units.length - 1, recurrentActivation: 'sigmoid' as const,
      kernelInitializer: 'zeros' as const, recurrentInitializer: 'zeros' as const,
      ...(i === 0 && inputShape ? { inputShape } : {}),
    };
    const layer = cell === 'lstm' ? tf.layers.lstm(options) : tf.layers.gru(options);
    return { layer, weights: weights[i] };
  });
}

export interface DenseWeights extends DenseHead {
  kernel: Float32Array;
  bias: Float32Array;
}

/** Seeded Keras-layout weights of the spec's layers and head, and a batch of inputs. */
export function rnnData(s: RnnSpec) {
  return lazy(() => {
    const rng = new Rng(s.T * 1000 + s.I * 10 + s.batch + (s.cell === 'gru' ? 7 : 0));
    const H = s.units[s.units.length - 1];
    const weights = inputSizes(s).map((inSize, i) => recurrentWeights(rng, s.cell, inSize, s.units[i]));
    const dense: DenseWeights | undefined = s.dense && { ...s.dense, kernel: rng.glorot([H, s.dense.units], H, s.dense.units), bias: rng.floats(s.dense.units, -0.1, 0.1) };
    return { x: rng.floats(s.batch * s.T * s.I), weights, dense };
  });
}

/** The spec's model in wgnn's model API (the head named 'head'), with these weights. */
export function wgnnRnnModel(s: RnnSpec, weights: RecurrentWeights[], dense: DenseWeights | undefined): Model {
  const head = dense && layers.dense({ units: dense.units, activation: dense.activation, name: 'head' });
  const m = sequential([...wgnnRecurrentLayers(s.cell, s.units), ...(head ? [head] : [])], { inputShape: [s.T, s.I], name: s.name });
  setWgnnRecurrentWeights(m, weights);
  if (dense) m.setWeights('head', { kernel: dense.kernel, bias: dense.bias });
  return m;
}

/** The same model in tfjs-layers (the head named 'head'), with the same weights. */
export function tfjsRnnModel(tf: Tf, s: RnnSpec, weights: RecurrentWeights[], dense: DenseWeights | undefined) {
  const H = s.units[s.units.length - 1];
  const rnn = tfjsRecurrentLayers(tf, s.cell, s.units, weights, [s.T, s.I]);
  const head = dense && tf.layers.dense({ units: dense.units, activation: dense.activation, name: 'head' });
  const m = tf.sequential({ layers: [...rnn.map((r) => r.layer), ...(head ? [head] : [])] });
  const G = gatesOf(s.cell);
  rnn.forEach(({ layer, weights: w }, i) => {
    const [inSize, u] = [inputSizes(s)[i], s.units[i]];
    layer.setWeights([tf.tensor(w.kernel, [inSize, G * u]), tf.tensor(w.recurrent, [u, G * u]), tf.tensor(w.bias, [G * u])]);
  });
  if (head && dense) head.setWeights([tf.tensor(dense.kernel, [H, dense.units]), tf.tensor(dense.bias, [dense.units])]);
  return m;
}

export function rnnWorkload(s: RnnSpec, scaled?: string): Workload {
  const H = s.units[s.units.length - 1];
  const outUnits = s.dense?.units ?? H;
  const data = rnnData(s);
  const weightCount = inputSizes(s).reduce((n, inSize, i) => n + gatesOf(s.cell) * s.units[i] * (inSize + s.units[i] + 1), 0) + (s.dense ? (H + 1) * s.dense.units : 0);
  return {
    name: s.name,
    family: 'rnn',
    flops: recurrentFlops(s.cell, s.batch, s.T, s.I, s.units) + (s.dense ? 2 * s.batch * H * s.dense.units : 0),
    bytes: 4 * (s.batch * s.T * s.I + weightCount + s.batch * outUnits),
    k: Math.max(...inputSizes(s).map((inSize, i) => inSize + s.units[i])),
    scaled,
    async runner(engine): Promise<Runner> {
      const { x, weights, dense } = data();
      const shape = [s.batch, s.T, s.I];
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        return compiledRunner(await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu'), () => wgnnRnnModel(s, weights, dense), x, shape);
      }
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        return tfjsModelRunner(tf, () => tfjsRnnModel(tf, s, weights, dense), x, shape);
      }
      // ONNX LSTM/GRU with the default layout 0 read [T, B, I] (what exporters write): the same values, time-major.
      const g = new OnnxGraph();
      let y = 'x';
      inputSizes(s).forEach((inSize, i) => {
        y = onnxRecurrent(g, s.cell, y, inSize, s.units[i], weights[i], i < s.units.length - 1);
      });
      if (dense) {
        y = g.dense(y, dense.kernel, H, dense.units, dense.bias);
        y = g.op(dense.activation === 'sigmoid' ? 'Sigmoid' : 'Softmax', [y]);
      }
      const model = g.build([{ name: 'x', shape: [s.T, s.batch, s.I] }], y);
      return ortRunner(model, { data: transpose(x, shape, [1, 0, 2]), dims: [s.T, s.batch, s.I] });
    },
  };
}
