// Training: the Keras tutorial CNN trained with Adam on sparse categorical cross-entropy, one
// epoch of `steps` batches per run, from the same weights and data on every engine: wgnn's
// compile/fit and tfjs-layers' compile/fit (ONNX Runtime Web cannot train these models in a
// page). A run's output is dense2's kernel after the epoch, so the first runs are checked
// against the CPU reference's training; the time per step is a run's time / steps.
import type { Runner } from '../engines/runner.ts';
import { tfjs, type TfModel } from '../engines/tfjs.ts';
import { wgnnEngine } from '../engines/wgnn.ts';
import type { TrainableModel } from '../../../src/index.ts';
import { kerasCnnData, tfjsKerasCnn, wgnnKerasCnn } from './cnn.ts';
import type { Workload } from './workload.ts';

export function kerasCnnTrainWorkload(batch: number, steps: number): Workload {
  const samples = batch * steps;
  const data = kerasCnnData(samples, 4242);
  // Forward and backward: about three times the forward's multiply-adds per sample.
  const macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 9 * 32 + 3 * 3 * 64 * 9 * 64 + 576 * 64 + 64 * 10;
  return {
    name: `train Keras CNN batch ${batch} x ${steps} steps`,
    family: 'train',
    flops: 3 * 2 * samples * macs,
    bytes: 4 * samples * (28 * 28 + 1),
    k: 576 * samples,
    async runner(engine): Promise<Runner> {
      const { x, labels, weights } = data();
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        const e = await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu');
        let trainable: TrainableModel | undefined;
        let model: ReturnType<typeof wgnnKerasCnn> | undefined;
        return {
          async build() {
            model = wgnnKerasCnn(weights);
            trainable = e.compile(model, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
          },
          async run() {
            await trainable!.fit({ data: x, shape: [samples, 28, 28, 1] }, labels, { epochs: 1, batchSize: batch, shuffle: false });
            return model!.getWeights('dense2').kernel;
          },
          dispose: () => trainable?.dispose(),
        };
      }
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        let model: TfModel | undefined;
        const xs = tf.tensor(x, [samples, 28, 28, 1]);
        const ys = tf.tensor(labels, [samples]);
        return {
          async build() {
            model = tfjsKerasCnn(tf, weights);
            model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
          },
          async run() {
            await model!.fit(xs, ys, { epochs: 1, batchSize: batch, shuffle: false });
            return (await model!.getLayer('dense2').getWeights()[0].data()) as Float32Array;
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
