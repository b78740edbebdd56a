// Checks of batch normalization in training (batchNormTrain, batchNormBackward) on the CPU
// reference: a hand-worked batch, the biased variance, statistics over every axis but the last
// against moments written out again here, inputs with a large common offset, the backward against
// central finite differences of the forward reference (the batch statistics move with x), the
// op's shape rules, and movingAverage's update of its external buffer.
import { describe, expect, it } from 'vitest';
import { WgnnError } from '../../src/errors.ts';
import { createEngine } from '../../src/index.ts';
import { batchNormBackwardOp } from '../../src/ops/batch-norm-train/backward.ts';
import { batchNormTrainOp } from '../../src/ops/batch-norm-train/op.ts';
import { batchNormBackwardReference, batchNormTrainReference } from '../../src/ops/batch-norm-train/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { movingAverageOp } from '../../src/ops/moving-average/op.ts';
import { Random, seedOf } from '../harness/random.ts';
import { tensor } from './cnn-reference-helpers.ts';

const spec = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ shape, dtype });

/** Per-channel mean and biased variance over the rows of data viewed as [rows, C], in float64. */
function moments(data: Float32Array, C: number): { mean: number[]; variance: number[] } {
  const rows = data.length / C;
  const mean = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * C + c];
    return s / rows;
  });
  const variance = mean.map((m, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (data[r * C + c] - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

describe('batchNormTrainReference', () => {
  it('hand case [2, 2]: mean [2, 20], biased variance [1, 100], then gamma and beta', () => {
    const r = batchNormTrainReference(tensor([2, 2], [1, 10, 3, 30]), tensor([2], [1, 2]), tensor([2], [0, 1]), 0);
    expect(Array.from(r.mean.data)).toEqual([2, 20]);
    // Divided by M = 2, not M - 1 = 1 (which would give [2, 200]).
    expect(Array.from(r.variance.data)).toEqual([1, 100]);
    expect(Array.from(r.y.data)).toEqual([-1, -1, 1, 3]);
    expect(r.y.shape).toEqual([2, 2]);
  });

  it('epsilon is added to the variance: x [0, 2] one channel, epsilon 3 -> +-1/2', () => {
    const r = batchNormTrainReference(tensor([2, 1], [0, 2]), tensor([1], [1]), tensor([1], [0]), 3);
    expect(Array.from(r.y.data)).toEqual([-0.5, 0.5]);
  });

  it('a batch of one row has variance 0: y is beta', () => {
    const r = batchNormTrainReference(tensor([1, 3], [5, -2, 7]), tensor([3], [4, 4, 4]), tensor([3], [0.25, -1, 2]), 1e-3);
    expect(Array.from(r.variance.data)).toEqual([0, 0, 0]);
    expect(Array.from(r.y.data)).toEqual([0.25, -1, 2]);
  });

  it('NHWC [2, 3, 5, 4]: statistics over N, H and W per channel; y has mean beta and variance gamma^2 var/(var+eps)', () => {
    const rng = new Random(seedOf('bn nhwc'));
    const C = 4;
    const x = { shape: [2, 3, 5, C], data: rng.floats(120, -2, 3) };
    const gamma = tensor([C], [1.5, -0.5, 2, 1]);
    const beta = tensor([C], [0.1, 0.2, -0.3, 0]);
    const epsilon = 1e-3;
    const r = batchNormTrainReference(x, gamma, beta, epsilon);
    const want = moments(x.data, C);
    const got = moments(r.y.data, C);
    for (let c = 0; c < C; c++) {
      expect(r.mean.data[c]).toBeCloseTo(want.mean[c], 6);
      expect(r.variance.data[c]).toBeCloseTo(want.variance[c], 6);
      expect(got.mean[c]).toBeCloseTo(beta.data[c], 5);
      expect(got.variance[c]).toBeCloseTo((gamma.data[c] ** 2 * want.variance[c]) / (want.variance[c] + epsilon), 5);
    }
  });

  it('a large common offset (x ~ 10000 + noise) loses nothing: the same y as without it', () => {
    const rng = new Random(seedOf('bn offset'));
    const noise = rng.floats(60, -1, 1);
    const gamma = tensor([3], [1, 2, 0.5]);
    const beta = tensor([3], [0, 0, 0]);
    const plain = batchNormTrainReference({ shape: [20, 3], data: noise }, gamma, beta, 1e-5);
    const shifted = batchNormTrainReference({ shape: [20, 3], data: noise.map((v) => v + 10000) }, gamma, beta, 1e-5);
    // Adding 10000 in float32 rounds the noise to multiples of 2^-10: y moves by that much at most.
    shifted.y.data.forEach((v, i) => expect(Math.abs(v - plain.y.data[i])).toBeLessThan(1e-2));
    shifted.variance.data.forEach((v, c) => expect(v).toBeCloseTo(plain.variance.data[c], 3));
  });
});

/** sum(y * probe) as a function of x, gamma and beta, from the forward reference. */
function probeLoss(shape: number[], probe: Float32Array, epsilon: number) {
  return (x: Float32Array, gamma: Float32Array, beta: Float32Array) => {
    const C = shape[shape.length - 1];
    const { y } = batchNormTrainReference({ shape, data: x }, { shape: [C], data: gamma }, { shape: [C], data: beta }, epsilon);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += y.data[i] * probe[i];
    return s;
  };
}

/** Central differences of f with respect to every element of inputs[k]. */
function centralDifferences(f: (...inputs: Float32Array[]) => number, inputs: Float32Array[], k: number, eps: number): Float64Array {
  return Float64Array.from(inputs[k], (_, i) => {
    const at = (delta: number) => inputs.map((d, j) => (j === k ? Float32Array.from(d, (v, m) => (m === i ? v + delta : v)) : d));
    return (f(...at(eps)) - f(...at(-eps))) / (2 * eps);
  });
}

describe('batchNormBackwardReference against central differences of the forward', () => {
  const cases: [number[], number][] = [[[4, 3], 0], [[2, 3, 5, 4], 0], [[6, 2], 20], [[5, 1], 0]];
  for (const [shape, offset] of cases) {
    it(`x [${shape}]${offset ? ` offset ${offset}` : ''}`, () => {
      const rng = new Random(seedOf(`bn backward ${shape} ${offset}`));
      const C = shape[shape.length - 1];
      const count = shape.reduce((p, d) => p * d, 1);
      const x = rng.floats(count).map((v) => v + offset);
      const gamma = rng.floats(C, 0.5, 1.5).map((v) => (rng.next() < 0.5 ? -v : v));
      const beta = rng.floats(C);
      const probe = rng.floats(count);
      const epsilon = 1e-3;
      const forward = batchNormTrainReference({ shape, data: x }, { shape: [C], data: gamma }, { shape: [C], data: beta }, epsilon);
      const { dX, dGamma, dBeta } = batchNormBackwardReference({ shape, data: probe }, { shape, data: x }, { shape: [C], data: gamma }, forward.mean, forward.variance, epsilon);
      const loss = probeLoss(shape, probe, epsilon);
      [dX, dGamma, dBeta].forEach((analytic, k) => {
        const numeric = centralDifferences(loss, [x, gamma, beta], k, 1e-3);
        const scale = Math.max(1, ...Array.from(numeric, Math.abs));
        analytic.data.forEach((v, i) => expect(Math.abs(v - numeric[i]), `input ${k} element ${i}`).toBeLessThan(2e-3 * scale));
      });
    });
  }

  it('dBeta is the sum of dY and dGamma the sum of dY * xhat (hand case)', () => {
    // x [[1], [3]]: mean 2, variance 1, epsilon 0 -> xhat [-1, 1].
    const r = batchNormBackwardReference(tensor([2, 1], [0.5, 2]), tensor([2, 1], [1, 3]), tensor([1], [3]), tensor([1], [2]), tensor([1], [1]), 0);
    expect(Array.from(r.dBeta.data)).toEqual([2.5]);
    expect(Array.from(r.dGamma.data)).toEqual([1.5]);
    // dX = gamma / M (M dY - dBeta - xhat dGamma) = 1.5 * ([1, 4] - 2.5 - [-1.5, 1.5]) = [0, 0].
    expect(Array.from(r.dX.data)).toEqual([0, 0]);
  });
});

describe('batchNormTrain and batchNormBackward shape rules', () => {
  const attrs = { epsilon: 1e-3 };
  it('outputs y, mean [C] and variance [C]', () => {
    expect(batchNormTrainOp.infer('bn', [spec([2, 3, 4]), spec([4]), spec([4])], attrs)).toEqual([spec([2, 3, 4]), spec([4]), spec([4])]);
    expect(batchNormBackwardOp.infer('bnb', [spec([5, 2]), spec([5, 2]), spec([2]), spec([2]), spec([2])], attrs)).toEqual([spec([5, 2]), spec([2]), spec([2])]);
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['gamma of the wrong length', () => batchNormTrainOp.infer('bn', [spec([2, 3]), spec([2]), spec([3])], attrs), /gamma \[2\] must be \[3\] for x \[2, 3\] \(channels last\)/],
    ['a missing beta', () => batchNormTrainOp.infer('bn', [spec([2, 3]), spec([3]), undefined], attrs), /needs beta/],
    ['an empty x', () => batchNormTrainOp.infer('bn', [spec([0, 3]), spec([3]), spec([3])], attrs), /x \[0, 3\] must be \[\.\.\., C\] with at least one element/],
    ['an int32 x', () => batchNormTrainOp.infer('bn', [spec([2, 3], 'int32'), spec([3]), spec([3])], attrs), /x must be float32, got int32/],
    ['a negative epsilon', () => batchNormTrainOp.infer('bn', [spec([2, 3]), spec([3]), spec([3])], { epsilon: -1 }), /epsilon -1 must be a finite number >= 0/],
    ['dY of another shape', () => batchNormBackwardOp.infer('bnb', [spec([3, 2]), spec([2, 3]), spec([3]), spec([3]), spec([3])], attrs), /dY \[3, 2\] \(float32\) must be float32 of x's shape \[2, 3\]/],
    ['variance of the wrong length', () => batchNormBackwardOp.infer('bnb', [spec([2, 3]), spec([2, 3]), spec([3]), spec([3]), spec([1])], attrs), /variance \[1\] must be \[3\]/],
  ];
  for (const [label, run, message] of bad) {
    it(`rejects ${label}`, () => {
      expect(run).toThrow(WgnnError);
      expect(run).toThrow(message);
    });
  }
});

describe('movingAverage', () => {
  const value = (values: number[]): HostTensor => tensor([values.length], values);

  it('moving = moving * momentum + value * (1 - momentum) at its offset; the rest of the buffer stays', () => {
    const buffer = Float32Array.of(1, 2, 3, 4, 5);
    movingAverageOp.referenceEffects!([value([10, 20])], { buffer: 'stats', offset: 1, momentum: 0.9 }, new Map([['stats', buffer]]));
    expect(Array.from(buffer)).toEqual([1, Math.fround(2 * 0.9 + 10 * 0.1), Math.fround(3 * 0.9 + 20 * 0.1), 4, 5]);
  });

  it('momentum 0 takes the value, momentum 1 keeps the average', () => {
    const buffer = Float32Array.of(1, 2);
    movingAverageOp.referenceEffects!([value([7])], { buffer: 'b', offset: 0, momentum: 0 }, new Map([['b', buffer]]));
    movingAverageOp.referenceEffects!([value([9])], { buffer: 'b', offset: 1, momentum: 1 }, new Map([['b', buffer]]));
    expect(Array.from(buffer)).toEqual([7, 2]);
  });

  it('runs through the CPU engine on the given external tensor', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const moving = engine.tensor([3], [1, 2, 3]);
    expect(engine.runOp('movingAverage', [engine.tensor([2], [5, 6])], { buffer: 'moving', offset: 1, momentum: 0.75 }, { moving })).toEqual([]);
    expect(Array.from(await moving.data())).toEqual([1, 2 * 0.75 + 5 * 0.25, 3 * 0.75 + 6 * 0.25]);
  });

  it('has no outputs and checks its attributes and buffer', () => {
    expect(movingAverageOp.effects).toBe(true);
    expect(movingAverageOp.infer('ma', [spec([3])], { buffer: 'b', offset: 4, momentum: 0.99 })).toEqual([]);
    expect(() => movingAverageOp.infer('ma', [spec([3])], { buffer: '', offset: 0, momentum: 0.99 })).toThrow(/buffer  must name an external buffer/);
    expect(() => movingAverageOp.infer('ma', [spec([3])], { buffer: 'b', offset: -1, momentum: 0.99 })).toThrow(/offset -1 must be an integer >= 0/);
    expect(() => movingAverageOp.infer('ma', [spec([3])], { buffer: 'b', offset: 0, momentum: 1.5 })).toThrow(/momentum 1.5 must be in \[0, 1\]/);
    expect(() => movingAverageOp.referenceEffects!([value([1, 2])], { buffer: 'b', offset: 0, momentum: 0.5 }, new Map())).toThrow(/needs the external buffer 'b', which was not given/);
    expect(() => movingAverageOp.referenceEffects!([value([1, 2])], { buffer: 'b', offset: 2, momentum: 0.5 }, new Map([['b', new Float32Array(3)]]))).toThrow(/\[2, 4\) runs past the end of 'b' \(3 values\)/);
  });
});
