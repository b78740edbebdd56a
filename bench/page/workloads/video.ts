// A CNN+LSTM video-style model: 8 frames of 32x32x3, the same small CNN on every frame
// (Conv2D 16 3x3 relu, MaxPool 2, Conv2D 32 3x3 relu, MaxPool 2, Flatten: 6x6x32 = 1152
// features), an LSTM(64) across the frames, Dense(10, softmax). Batch 1: one clip's latency.
// wgnn and tfjs-layers run it with TimeDistributed (the same Keras model); ONNX takes the frames
// as an NCHW batch, as a converter folding TimeDistributed would.
import { layers, sequential, type Layer } from '../../../src/index.ts';
import { nhwcToNchw, Rng, transpose } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import type { Runner } from '../engines/runner.ts';
import { tfjs, tfjsModelRunner, type Tf } from '../engines/tfjs.ts';
import { compiledRunner, wgnnEngine } from '../engines/wgnn.ts';
import { OnnxGraph, onnxRecurrent } from '../onnx-graph.ts';
import { recurrentFlops, recurrentWeights, setWgnnRecurrentWeights, tfjsRecurrentLayers, wgnnRecurrentLayers } from './rnn.ts';
import { lazy, type Workload } from './workload.ts';

const T = 8;
const SIZE = 32;
const CONV1 = [3, 3, 3, 16];
const CONV2 = [3, 3, 16, 32];
const FEATURES = 6 * 6 * 32;
const H = 64;
const CLASSES = 10;

/** Seeded weights and `clips` clips of frames (the same weights for any batch). */
export function videoData(clips: number) {
  return lazy(() => {
    const rng = new Rng(424242);
    const weights = {
      conv1: { kernel: rng.glorot(CONV1, 27, 144), bias: rng.floats(16, -0.1, 0.1) },
      conv2: { kernel: rng.glorot(CONV2, 144, 288), bias: rng.floats(32, -0.1, 0.1) },
      lstm: recurrentWeights(rng, 'lstm', FEATURES, H),
      dense: { units: CLASSES, activation: 'softmax' as const, kernel: rng.glorot([H, CLASSES], H, CLASSES), bias: rng.floats(CLASSES, -0.1, 0.1) },
    };
    return { ...weights, x: rng.floats(clips * T * SIZE * SIZE * 3, 0, 1) };
  });
}

type VideoWeights = ReturnType<ReturnType<typeof videoData>>;

/** Multiply-adds of one clip through the CNN (both convs, every frame) and the LSTM, for flop counts. */
export const VIDEO_SHAPE = { T, SIZE, FEATURES, H, CLASSES, cnnMacs: T * (30 * 30 * 16 * 27 + 13 * 13 * 32 * 144) };

/** The model in wgnn's model API (TimeDistributed CNN, LSTM 'rnn0', Dense 'head'), with these weights. */
export function wgnnVideoModel(d: VideoWeights) {
  const td = (layer: Layer, name: string) => layers.timeDistributed(layer, { name });
  const m = sequential(
    [
      td(layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv1' }), 'td_conv1'),
      td(layers.maxPooling2d({ poolSize: 2 }), 'td_pool1'),
      td(layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2' }), 'td_conv2'),
      td(layers.maxPooling2d({ poolSize: 2 }), 'td_pool2'),
      td(layers.flatten(), 'td_flatten'),
      ...wgnnRecurrentLayers('lstm', [H]),
      layers.dense({ units: CLASSES, activation: 'softmax', name: 'head' }),
    ],
    { inputShape: [T, SIZE, SIZE, 3], name: 'video' },
  );
  m.setWeights('td_conv1', d.conv1);
  m.setWeights('td_conv2', d.conv2);
  setWgnnRecurrentWeights(m, [d.lstm]);
  m.setWeights('head', { kernel: d.dense.kernel, bias: d.dense.bias });
  return m;
}

/** The same model in tfjs-layers (Dense 'head'), with the same weights. */
export function tfjsVideoModel(tf: Tf, d: VideoWeights) {
  const c1 = tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' });
  const c2 = tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' });
  const [lstm] = tfjsRecurrentLayers(tf, 'lstm', [H], [d.lstm]);
  const head = tf.layers.dense({ units: CLASSES, activation: 'softmax', name: 'head' });
  const td = (layer: Parameters<typeof tf.layers.timeDistributed>[0]['layer'], inputShape?: number[]) => tf.layers.timeDistributed({ layer, ...(inputShape ? { inputShape } : {}) });
  const m = tf.sequential({
    layers: [td(c1, [T, SIZE, SIZE, 3]), td(tf.layers.maxPooling2d({ poolSize: 2 })), td(c2), td(tf.layers.maxPooling2d({ poolSize: 2 })), td(tf.layers.flatten()), lstm.layer, head],
  });
  c1.setWeights([tf.tensor(d.conv1.kernel, CONV1), tf.tensor(d.conv1.bias)]);
  c2.setWeights([tf.tensor(d.conv2.kernel, CONV2), tf.tensor(d.conv2.bias)]);
  lstm.layer.setWeights([tf.tensor(d.lstm.kernel, [FEATURES, 4 * H]), tf.tensor(d.lstm.recurrent, [H, 4 * H]), tf.tensor(d.lstm.bias)]);
  head.setWeights([tf.tensor(d.dense.kernel, [H, CLASSES]), tf.tensor(d.dense.bias)]);
  return m;
}

export function videoWorkload(): Workload {
  const data = videoData(1);
  return {
    name: 'CNN+LSTM video 8x32x32x3',
    family: 'video',
    flops: 2 * VIDEO_SHAPE.cnnMacs + recurrentFlops('lstm', 1, T, FEATURES, [H]) + 2 * H * CLASSES,
    bytes: 4 * (T * SIZE * SIZE * 3 + 27 * 16 + 16 + 144 * 32 + 32 + 4 * H * (FEATURES + H + 1) + (H + 1) * CLASSES + CLASSES),
    k: FEATURES + H,
    async runner(engine): Promise<Runner> {
      const d = data();
      const shape = [1, T, SIZE, SIZE, 3];
      if (engine === 'wgnn' || engine === 'wgnn-cpu') return compiledRunner(await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu'), () => wgnnVideoModel(d), d.x, shape);
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        return tfjsModelRunner(tf, () => tfjsVideoModel(tf, d), d.x, shape);
      }
      const g = new OnnxGraph();
      let y = g.maxPool(g.op('Relu', [g.conv('x', d.conv1.kernel, CONV1, d.conv1.bias)]), 2);
      y = g.maxPool(g.op('Relu', [g.conv(y, d.conv2.kernel, CONV2, d.conv2.bias)]), 2);
      // Frames are the time axis: [T, 32, 6, 6] -> [T, B=1, 1152], flattened (c, h, w) as ONNX
      // does, so the LSTM kernel's input rows are reordered from Keras' (h, w, c).
      y = g.op('Reshape', [y, g.ints([T, 1, FEATURES])]);
      const kernel = transpose(d.lstm.kernel, [6, 6, 32, 4 * H], [2, 0, 1, 3]);
      y = onnxRecurrent(g, 'lstm', y, FEATURES, H, { ...d.lstm, kernel }, false);
      y = g.op('Softmax', [g.dense(y, d.dense.kernel, H, CLASSES, d.dense.bias)]);
      const model = g.build([{ name: 'x', shape: [T, 3, SIZE, SIZE] }], y);
      return ortRunner(model, { data: nhwcToNchw(d.x, [T, SIZE, SIZE, 3]), dims: [T, 3, SIZE, SIZE] });
    },
  };
}
