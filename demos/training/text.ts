// `npm run train:text`: the text generator's character model (demos/text/model.ts: embedding 16,
// two stacked LSTMs, a softmax over ␣ and a-z at every step) trained by wgnn on WebGPU (Node,
// Dawn) from demos/text/words.txt (a subset of Debian's wamerican word list, SCOWL's licence:
// demos/text/words-LICENSE.txt), with Adam and sparse categorical cross-entropy at every step.
// Every tenth word is held out; the per-character cross-entropy on them is printed with what a
// unigram and a bigram model counted on the training words score on the same characters.
// The weights are written as safetensors (demos/text/text.safetensors, committed).
//   npm run train:text -- [--epochs 2] [--batch 64] [--limit words] [--lr 0.01] [--cpu] [--out file.safetensors]
// It also writes the measured numbers beside the weights (demos/text/text.json), which the page shows.
// Measured (SwiftShader, Node, 2 cores shared with other heavy jobs, load 15-25: expect several
// times faster on an idle machine; 2 epochs, batch 64, 366 steps of 64 windows x 16 characters per
// epoch): 958 s and 1128 s per epoch (validation included); held-out cross-entropy 2.211 nats per
// character after one epoch, 2.148 (3.10 bits, perplexity 8.6) after two, next-character accuracy
// 31.5%; on the same held-out characters a bigram model scores 2.525 nats (3.64 bits), a unigram
// 2.976 (4.29 bits), a uniform guess ln 27 = 3.296 (4.75 bits).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cosineDecay, createEngine, createNodeEngine } from '../../src/node.ts';
import { textModel } from '../text/model.ts';
import type { Measured } from '../text/scores.ts';
import { baselines, splitWords, stream, windows, WINDOW } from '../text/words.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const epochs = option('epochs', 2);
const batchSize = option('batch', 64);
const limit = option('limit', Infinity);
const learningRate = option('lr', 0.01);

const engine = args.includes('--cpu') ? await createEngine({ backend: 'cpu' }) : await createNodeEngine();
console.log(`adapter: ${engine.info.adapter ? `${engine.info.adapter.vendor} ${engine.info.adapter.architecture}` : 'CPU reference'}`);
const { train, heldOut } = splitWords(readFileSync(resolve(import.meta.dirname, '../text/words.txt'), 'utf8'));
const trainWords = train.slice(0, Math.min(train.length, limit));
const heldWords = heldOut.slice(0, Math.min(heldOut.length, Math.ceil(limit / 9)));
const trainSet = windows(stream(trainWords, 1));
const heldSet = windows(stream(heldWords, 2));
console.log(`${trainWords.length} words to train on (${trainSet.count} windows of ${WINDOW} characters), ${heldWords.length} held out (${heldSet.count} windows)`);
const { unigram, bigram } = baselines(trainSet, heldSet);
const bits = (nats: number) => `${nats.toFixed(3)} nats = ${(nats / Math.LN2).toFixed(2)} bits per character (perplexity ${Math.exp(nats).toFixed(1)})`;
console.log(`held-out baselines: uniform over 27 ${bits(Math.log(27))}; unigram ${bits(unigram)}; bigram ${bits(bigram)}`);

const { model } = textModel(WINDOW);
// Adam at 1e-2 decayed to 0 over the run (a cosine), the global gradient norm clipped at 1:
// recurrent gradients spike now and then, and one such step undoes minutes of training.
const decaySteps = epochs * Math.ceil(trainSet.count / batchSize);
const optimizer = { name: 'adam', learningRate: cosineDecay({ initialLearningRate: learningRate, decaySteps }), globalClipNorm: 1 };
const trainable = engine.compile(model, { optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const steps = Math.ceil(trainSet.count / batchSize);
let started = performance.now();
let lastLoss: number | undefined;
const epochSeconds: number[] = [];
let last: Record<string, number> = {};
await trainable.fit({ data: trainSet.x, shape: [trainSet.count, WINDOW] }, trainSet.y, {
  epochs,
  batchSize,
  validationData: [{ data: heldSet.x, shape: [heldSet.count, WINDOW] }, heldSet.y],
  callbacks: {
    onEpochBegin: () => void (started = performance.now()),
    // Steps are queued without waiting for the GPU, so this shows progress, not the time per step.
    onBatchEnd: (batch, logs) => {
      lastLoss = logs.loss ?? lastLoss;
      if ((batch + 1) % 100 === 0 && lastLoss !== undefined) console.log(`  step ${batch + 1}/${steps}: running loss ${lastLoss.toFixed(3)} (as last read back)`);
    },
    onEpochEnd: (epoch, logs) => {
      const seconds = (performance.now() - started) / 1000;
      epochSeconds.push(seconds);
      last = logs;
      console.log(`epoch ${epoch + 1}: ${seconds.toFixed(1)} s (${((seconds * 1000) / steps).toFixed(0)} ms/step, ${((trainSet.count * WINDOW) / seconds).toFixed(0)} characters/s, validation included), loss ${logs.loss.toFixed(4)}, held-out loss ${logs.val_loss.toFixed(4)} (${(logs.val_loss / Math.LN2).toFixed(3)} bits/char), held-out next-character accuracy ${logs.val_accuracy.toFixed(4)}`);
    },
  },
});
const file = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]) : resolve(import.meta.dirname, '../text/text.safetensors');
writeFileSync(file, model.saveWeights());
// What the page shows about these weights, beside them.
const measured: Measured = {
  trainWords: trainWords.length,
  heldWords: heldWords.length,
  epochs,
  secondsPerEpoch: epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length,
  heldOut: { model: last.val_loss, bigram, unigram, uniform: Math.log(27) },
  heldOutAccuracy: last.val_accuracy,
};
writeFileSync(file.replace(/\.safetensors$/, '') + '.json', JSON.stringify(measured, null, 2) + '\n');
console.log(`weights written to ${file}, the measured numbers beside it (.json)`);
trainable.dispose();
engine.dispose();
