// Checks of the instance-norm CPU reference (and the instanceNorm op's shape rules): ONNX's
// documented example, mean 0 and variance 1 per (batch entry, channel), both layouts agreeing,
// epsilon, and the errors.
import { describe, expect, it } from 'vitest';
import { instanceNormOp } from '../../src/ops/normalize/instance-norm.ts';
import { instanceNormReference } from '../../src/ops/normalize/reference.ts';
import { makeRandom, randomTensor, tensor, transpose } from './cnn-reference-helpers.ts';

const s3 = Math.sqrt(1.5); // 1 / sqrt(2/3): the inverse std of three equally spaced values 1 apart

describe('instanceNormReference', () => {
  it("ONNX's example: x [1, 2, 1, 3], scale [1, 1.5], bias [0, 1]", () => {
    const x = tensor([1, 2, 1, 3], [-1, 0, 1, 2, 3, 4]);
    const y = instanceNormReference(x, tensor([2], [1, 1.5]), tensor([2], [0, 1]), 0, 'channelsFirst');
    const expected = [-s3, 0, s3, -1.5 * s3 + 1, 1, 1.5 * s3 + 1];
    expect(y.shape).toEqual([1, 2, 1, 3]);
    y.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('epsilon is added to the variance: [0, 2] with epsilon 3 -> +-1/2', () => {
    const y = instanceNormReference(tensor([1, 1, 2], [0, 2]), tensor([1], [1]), tensor([1], [0]), 3, 'channelsFirst');
    expect(Array.from(y.data)).toEqual([-0.5, 0.5]);
  });

  it('each (n, c) gets mean 0 and variance 1 over its spatial positions (seed 620)', () => {
    const x = randomTensor(makeRandom(620), [2, 3, 4, 5]);
    const y = instanceNormReference(x, tensor([3], [1, 1, 1]), undefined, 0, 'channelsFirst');
    for (let line = 0; line < 6; line++) {
      const values = Array.from(y.data.subarray(line * 20, line * 20 + 20));
      const mean = values.reduce((a, b) => a + b, 0) / 20;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 20;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-5);
    }
  });

  it('channels last is channels first transposed, rank 3 and 4 (seed 621)', () => {
    const random = makeRandom(621);
    for (const shape of [[2, 3, 7], [2, 4, 3, 5]]) {
      const r = shape.length;
      const C = shape[1];
      const x = randomTensor(random, shape);
      const [scale, bias] = [randomTensor(random, [C]), randomTensor(random, [C])];
      const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
      const first = instanceNormReference(x, scale, bias, 1e-5, 'channelsFirst');
      const last = instanceNormReference(transpose(x, toLast), scale, bias, 1e-5, 'channelsLast');
      const expected = transpose(first, toLast);
      expect(last.shape).toEqual(expected.shape);
      last.data.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 5));
    }
  });

  it('rejects rank 2 and a scale or bias not of length C', () => {
    const one = tensor([1], [1]);
    expect(() => instanceNormReference(tensor([2, 1], [1, 2]), one, one, 0, 'channelsFirst')).toThrow(/needs rank >= 3/);
    expect(() => instanceNormReference(tensor([1, 2, 1], [1, 2]), one, one, 0, 'channelsFirst')).toThrow(/scale \[1\] must be \[2\]/);
    expect(() => instanceNormReference(tensor([1, 1, 2], [1, 2]), tensor([2], [1, 1]), one, 0, 'channelsLast')).toThrow(/bias \[1\] must be \[2\]/);
  });
});

describe('instanceNorm op shapes', () => {
  const f = (shape: number[]) => ({ shape, dtype: 'float32' as const });

  it('takes C from axis 1 (channelsFirst) or the last axis (channelsLast)', () => {
    expect(instanceNormOp.infer('in', [f([2, 3, 5]), f([3]), f([3])], { epsilon: 1e-5, layout: 'channelsFirst' })).toEqual([f([2, 3, 5])]);
    expect(instanceNormOp.infer('in', [f([2, 5, 3]), f([3]), f([3])], { epsilon: 1e-5, layout: 'channelsLast' })).toEqual([f([2, 5, 3])]);
  });

  it('rejects rank 2, per-channel operands of the wrong length and a bad epsilon', () => {
    expect(() => instanceNormOp.infer('in', [f([2, 3]), f([3])], { epsilon: 1e-5, layout: 'channelsFirst' })).toThrow(/in: x \[2, 3\] needs rank >= 3/);
    expect(() => instanceNormOp.infer('in', [f([2, 3, 5]), f([3])], { epsilon: 1e-5, layout: 'channelsLast' })).toThrow(/scale \[3\] must be \[5\]/);
    expect(() => instanceNormOp.infer('in', [f([2, 3, 5]), f([3])], { epsilon: NaN, layout: 'channelsFirst' })).toThrow(/epsilon NaN/);
  });
});
