// `npm run train:motion`: the motion classifier of demos/motion/ (a CNN on every frame, an LSTM
// across frames, a dense softmax over nine motions) trained by wgnn on WebGPU (Node, Dawn) on
// clips that demos/motion/clips.ts generates from a seed, with Adam and sparse categorical
// cross-entropy. Held-out clips come from another seed; the accuracy on them and the wall time
// of each epoch are printed. The weights go to demos/motion/motion.safetensors (committed).
//   npm run train:motion -- [--clips 8000] [--held 2000] [--epochs 10] [--batch 32] [--lr 0.003] [--cpu] [--out file.safetensors]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cosineDecay, createEngine, createNodeEngine } from '../../src/node.ts';
import { clipSet, SIZE, T } from '../motion/clips.ts';
import { motionModel } from '../motion/model.ts';

/** Seeds of the training and held-out clips (the page's test draws from seeds far from both). */
export const TRAIN_SEED = 1;
export const HELD_OUT_SEED = 2;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const clips = option('clips', 8000);
const heldOut = option('held', 2000);
const epochs = option('epochs', 10);
const batchSize = option('batch', 32);
const learningRate = option('lr', 3e-3);

const engine = args.includes('--cpu') ? await createEngine({ backend: 'cpu' }) : await createNodeEngine();
console.log(`adapter: ${engine.info.adapter ? `${engine.info.adapter.vendor} ${engine.info.adapter.architecture}` : 'CPU reference'}`);
let started = performance.now();
const train = clipSet(TRAIN_SEED, clips);
const held = clipSet(HELD_OUT_SEED, heldOut);
console.log(`${clips} clips to train on, ${heldOut} held out, ${T} frames of ${SIZE}x${SIZE} each (generated in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

// The page's model (demos/motion/model.ts): the same layers, so the same weight names.
const { model } = motionModel();
const decaySteps = epochs * Math.ceil(clips / batchSize);
const optimizer = { name: 'adam', learningRate: cosineDecay({ initialLearningRate: learningRate, decaySteps }) };
const trainable = engine.compile(model, { optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const clipShape = (n: number) => [n, T, SIZE, SIZE, 1];
await trainable.fit({ data: train.x, shape: clipShape(clips) }, train.y, {
  epochs,
  batchSize,
  validationData: [{ data: held.x, shape: clipShape(heldOut) }, held.y],
  callbacks: {
    onEpochBegin: () => void (started = performance.now()),
    onEpochEnd: (epoch, logs) => {
      const seconds = (performance.now() - started) / 1000;
      const steps = Math.ceil(clips / batchSize);
      console.log(`epoch ${epoch + 1}: ${seconds.toFixed(1)} s (${((seconds * 1000) / steps).toFixed(0)} ms/step, validation included), loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(4)}, held-out loss ${logs.val_loss.toFixed(4)}, held-out accuracy ${logs.val_accuracy.toFixed(4)}`);
    },
  },
});
const file = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]) : resolve(import.meta.dirname, '../motion/motion.safetensors');
writeFileSync(file, model.saveWeights());
console.log(`weights written to ${file}`);
trainable.dispose();
engine.dispose();
