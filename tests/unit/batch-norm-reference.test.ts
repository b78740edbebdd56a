// Checks of the inference batch-norm CPU reference: a hand case, and normalization by the data's
// own statistics producing zero mean and unit variance per channel.
import { describe, expect, it } from 'vitest';
import { batchNormReference } from '../../src/ops/batch-norm/reference.ts';
import { makeRandom, randomTensor, tensor } from './cnn-reference-helpers.ts';

const f32 = (v: number[]): Float32Array => Float32Array.from(v);

describe('batchNormReference', () => {
  it('hand case over the last axis, with epsilon', () => {
    const x = tensor([2, 2], [1, 2, 3, 4]);
    const y = batchNormReference(x, { scale: f32([2, 0.5]), bias: f32([0, 1]), mean: f32([1, 2]), variance: f32([4, 0.25]), epsilon: 0 });
    expect(y).toEqual(tensor([2, 2], [0, 1, 2, 3]));
    const withEps = batchNormReference(x, { scale: f32([1, 1]), bias: f32([0, 0]), mean: f32([0, 0]), variance: f32([0.75, 3.75]), epsilon: 0.25 });
    expect(withEps).toEqual(tensor([2, 2], [1, 1, 3, 2]));
  });

  it('normalizing NHWC data by its own per-channel mean and variance gives mean 0, variance 1 (seed 600)', () => {
    const x = randomTensor(makeRandom(600), [2, 3, 4, 5]);
    const C = 5;
    const count = x.data.length / C;
    const mean = new Float32Array(C);
    const variance = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let i = c; i < x.data.length; i += C) s += x.data[i];
      mean[c] = s / count;
      let v = 0;
      for (let i = c; i < x.data.length; i += C) v += (x.data[i] - mean[c]) ** 2;
      variance[c] = v / count;
    }
    const y = batchNormReference(x, { scale: new Float32Array(C).fill(1), bias: new Float32Array(C), mean, variance, epsilon: 0 });
    expect(y.shape).toEqual(x.shape);
    for (let c = 0; c < C; c++) {
      let s = 0;
      let s2 = 0;
      for (let i = c; i < y.data.length; i += C) {
        s += y.data[i];
        s2 += y.data[i] ** 2;
      }
      expect(Math.abs(s / count)).toBeLessThan(1e-6);
      expect(Math.abs(s2 / count - 1)).toBeLessThan(1e-5);
    }
  });

  it('rejects parameters of the wrong length and a negative epsilon', () => {
    const x = tensor([1, 3], [1, 2, 3]);
    const p = { scale: f32([1, 1, 1]), bias: f32([0, 0, 0]), mean: f32([0, 0, 0]), variance: f32([1, 1, 1]), epsilon: 1e-5 };
    expect(() => batchNormReference(x, { ...p, mean: f32([0, 0]) })).toThrow(/mean has 2 values; x \[1, 3\] has C=3/);
    expect(() => batchNormReference(x, { ...p, epsilon: -1 })).toThrow(/epsilon -1/);
  });
});
