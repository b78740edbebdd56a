// Training: a model fitted for one epoch of `steps` batches per run, from the same weights and
// data on every engine: wgnn's compile/fit and tfjs-layers' compile/fit, Adam (Keras defaults),
// no shuffling (ONNX Runtime Web cannot train these models in a page). A run's output is the
// 'head' (or dense2) layer's kernel after the epoch, so the first runs are checked against the
// CPU reference's training; the time per step is a run's time / steps. Warm runs keep training
// from where the last one stopped (every engine alike).
//   - the Keras tutorial CNN, sparse categorical cross-entropy over 10 classes;
//   - the stacked LSTM and GRU models (LSTM(64, return_sequences) -> LSTM(64) -> Dense(1,
//     sigmoid)) and LSTM(256) on 128 inputs -> Dense(1, sigmoid), binary cross-entropy;
//   - the CNN+LSTM video model, sparse categorical cross-entropy over 10 classes.
import type { Runner } from '../engines/runner.ts';
import { tfjs, type Tf, type TfModel } from '../engines/tfjs.ts';
import { wgnnEngine } from '../engines/wgnn.ts';
import { Rng } from '../data.ts';
import type { Model, TrainableModel } from '../../../src/index.ts';
import { kerasCnnData, tfjsKerasCnn, wgnnKerasCnn } from './cnn.ts';
import { recurrentFlops, rnnData, tfjsRnnModel, wgnnRnnModel, type RnnSpec } from './rnn.ts';
import { tfjsVideoModel, videoData, VIDEO_SHAPE, wgnnVideoModel } from './video.ts';
import type { Workload } from './workload.ts';

type Loss = 'sparseCategoricalCrossentropy' | 'binaryCrossentropy';

interface FitSpec {
  name: string;
  /** Samples per step, and steps per run (one epoch). */
  batch: number;
  steps: number;
  sampleShape: number[];
  loss: Loss;
  /** Forward multiply-adds x 2 of one sample; a step's work is about three times the forward's. */
  forwardFlops: number;
  k: number;
  scaled?: string;
  /** The layer whose kernel is the run's output. */
  outputLayer: string;
  data(): { x: Float32Array; labels: Float32Array };
  wgnn(): Model;
  tfjs(tf: Tf): TfModel;
}

function fitWorkload(s: FitSpec): Workload {
  const samples = s.batch * s.steps;
  const sampleSize = s.sampleShape.reduce((a, b) => a * b, 1);
  return {
    name: s.name,
    family: 'train',
    flops: 3 * s.forwardFlops * samples,
    bytes: 4 * samples * (sampleSize + 1),
    k: s.k * samples,
    scaled: s.scaled,
    // A TF.js training run takes seconds per step here: five rounds keep a workload to minutes.
    maxRounds: 5,
    async runner(engine): Promise<Runner> {
      const { x, labels } = s.data();
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        const e = await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu');
        let trainable: TrainableModel | undefined;
        let model: Model | undefined;
        const xs = { data: x, shape: [samples, ...s.sampleShape] };
        return {
          async build() {
            model = s.wgnn();
            trainable = e.compile(model, { optimizer: 'adam', loss: s.loss });
          },
          async run() {
            await trainable!.fit(xs, labels, { epochs: 1, batchSize: s.batch, shuffle: false });
            return model!.getWeights(s.outputLayer).kernel;
          },
          async stats(): Promise<Record<string, number>> {
            if (!e.device) return {};
            const t = await trainable!.stepStats(xs, labels, { batchSize: s.batch });
            return { dispatches: t.dispatches, peakBytes: t.peakBytes, naiveBytes: t.naiveBytes, lowerBoundBytes: t.lowerBoundBytes };
          },
          dispose: () => trainable?.dispose(),
        };
      }
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        let model: TfModel | undefined;
        const xs = tf.tensor(x, [samples, ...s.sampleShape]);
        const ys = tf.tensor(labels, [samples, ...(s.loss === 'binaryCrossentropy' ? [1] : [])]);
        return {
          async build() {
            model = s.tfjs(tf);
            model.compile({ optimizer: tf.train.adam(0.001), loss: s.loss });
          },
          async run() {
            await model!.fit(xs, ys, { epochs: 1, batchSize: s.batch, shuffle: false });
            return (await model!.getLayer(s.outputLayer).getWeights()[0].data()) as Float32Array;
          },
          dispose: () => {
            model?.dispose();
            xs.dispose();
            ys.dispose();
          },
        };
      }
      throw new Error('ONNX Runtime Web cannot train these models in a page (its training API needs artifacts made by Python tooling)');
    },
  };
}

/** Seeded labels: class indices in [0, classes), or 0/1 for one sigmoid output. */
function labelsFor(seed: number, count: number, classes: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count }, () => Math.min(classes - 1, Math.floor(rng.floats(1, 0, classes)[0])));
}

export function kerasCnnTrainWorkload(batch: number, steps: number): Workload {
  const data = kerasCnnData(batch * steps, 4242);
  const macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 9 * 32 + 3 * 3 * 64 * 9 * 64 + 576 * 64 + 64 * 10;
  return fitWorkload({
    name: `train Keras CNN batch ${batch} x ${steps} steps`,
    batch, steps, sampleShape: [28, 28, 1], loss: 'sparseCategoricalCrossentropy', forwardFlops: 2 * macs, k: 576, outputLayer: 'dense2',
    data: () => ({ x: data().x, labels: data().labels }),
    wgnn: () => wgnnKerasCnn(data().weights),
    tfjs: (tf) => tfjsKerasCnn(tf, data().weights),
  });
}

/** A recurrent model with a Dense(1, sigmoid) head, trained on binary labels. */
export function rnnTrainWorkload(spec: Omit<RnnSpec, 'dense' | 'batch'>, batch: number, steps: number, scaled?: string): Workload {
  const s: RnnSpec = { ...spec, batch: batch * steps, dense: { units: 1, activation: 'sigmoid' } };
  const data = rnnData(s);
  const labels = labelsFor(s.T + s.I, batch * steps, 2);
  const H = s.units[s.units.length - 1];
  return fitWorkload({
    name: `train ${s.name} batch ${batch} x ${steps} steps`,
    batch, steps, sampleShape: [s.T, s.I], loss: 'binaryCrossentropy', scaled, outputLayer: 'head',
    forwardFlops: recurrentFlops(s.cell, 1, s.T, s.I, s.units) + 2 * H,
    k: Math.max(s.I, ...s.units) + H,
    data: () => ({ x: data().x, labels }),
    wgnn: () => wgnnRnnModel(s, data().weights, data().dense),
    tfjs: (tf) => tfjsRnnModel(tf, s, data().weights, data().dense),
  });
}

export function videoTrainWorkload(batch: number, steps: number): Workload {
  const data = videoData(batch * steps);
  const { T, SIZE, FEATURES, H, CLASSES, cnnMacs } = VIDEO_SHAPE;
  const labels = labelsFor(77, batch * steps, CLASSES);
  return fitWorkload({
    name: `train CNN+LSTM video batch ${batch} x ${steps} steps`,
    batch, steps, sampleShape: [T, SIZE, SIZE, 3], loss: 'sparseCategoricalCrossentropy', outputLayer: 'head',
    forwardFlops: 2 * cnnMacs + recurrentFlops('lstm', 1, T, FEATURES, [H]) + 2 * H * CLASSES,
    k: FEATURES + H,
    data: () => ({ x: data().x, labels }),
    wgnn: () => wgnnVideoModel(data()),
    tfjs: (tf) => tfjsVideoModel(tf, data()),
  });
}
