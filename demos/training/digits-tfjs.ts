// `npm run train:digits:tfjs`: the same training as `npm run train:digits` (the Keras tutorial CNN,
// Adam, sparse categorical cross-entropy, batch 32, the same digits and held-out fifth) with
// TensorFlow.js 4.22 (tfjs-layers fit) on its WebGPU backend in Node, through the same Dawn
// (the `webgpu` package) that wgnn/node uses: per-epoch wall time and held-out accuracy, for a
// side-by-side with wgnn's. TF.js is slow on SwiftShader, so --limit takes a subset.
//   npm run train:digits:tfjs -- [--epochs 1] [--batch 32] [--limit 1000]
import { create, globals } from 'webgpu';
import { digitSplit } from './mnist-digits.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const epochs = option('epochs', 1);
const batchSize = option('batch', 32);
const limit = option('limit', 1000);

// tfjs-backend-webgpu finds the GPU as a page would: navigator.gpu and the WebGPU globals.
Object.assign(globalThis, globals);
// (Node 20 has no navigator; Node 21 and later have one without gpu.)
if (typeof globalThis.navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
Object.defineProperty(globalThis.navigator, 'gpu', { value: create([]), configurable: true });
const tf = { ...(await import('@tensorflow/tfjs-core')), ...(await import('@tensorflow/tfjs-layers/dist/tf-layers.fesm.js')) };
await import('@tensorflow/tfjs-backend-webgpu');
if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not initialize');
await tf.ready();

const { trainX, trainY, testX, testY, count } = digitSplit(limit);
console.log(`TF.js ${tf.version_core} on ${tf.getBackend()}; ${count} digits: ${trainY.length} to train on, ${testY.length} held out`);
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 64, activation: 'relu' }),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const [xs, ys] = [tf.tensor(trainX, [trainY.length, 28, 28, 1]), tf.tensor(trainY)];
const [vx, vy] = [tf.tensor(testX, [testY.length, 28, 28, 1]), tf.tensor(testY)];
let started = performance.now();
await model.fit(xs, ys, {
  epochs,
  batchSize,
  validationData: [vx, vy],
  callbacks: {
    onEpochBegin: async () => void (started = performance.now()),
    onEpochEnd: async (epoch: number, logs?: Record<string, number>) => {
      const seconds = (performance.now() - started) / 1000;
      const steps = Math.ceil(trainY.length / batchSize);
      console.log(`epoch ${epoch + 1}: ${seconds.toFixed(1)} s (${((seconds * 1000) / steps).toFixed(0)} ms/step, ${(trainY.length / seconds).toFixed(0)} samples/s, validation included), loss ${logs!.loss.toFixed(4)}, accuracy ${logs!.acc.toFixed(4)}, held-out loss ${logs!.val_loss.toFixed(4)}, held-out accuracy ${logs!.val_acc.toFixed(4)}`);
    },
  },
});
process.exit(0);
