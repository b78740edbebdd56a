// Checks of the layer-norm CPU reference (and of the layerNorm op's shape rules): hand-worked
// rows, every axis of a rank-3 tensor normalizing to mean 0 and variance 1 per row, epsilon,
// scale and bias per position, the Mean / InvStdDev outputs, the errors, and the variant choice.
import { describe, expect, it } from 'vitest';
import { selectNormalizeVariant } from '../../src/ops/normalize/dispatch.ts';
import { layerNormOp } from '../../src/ops/normalize/layer-norm.ts';
import { layerNormReference } from '../../src/ops/normalize/reference.ts';
import { makeRandom, randomTensor, tensor } from './cnn-reference-helpers.ts';

const ones = (n: number) => tensor([n], new Array(n).fill(1));
const s3 = Math.sqrt(1.5); // 1 / sqrt(2/3): the inverse std of three equally spaced values 1 apart

/** Mean and (population) variance of data[at(q)] over q < count, in float64. */
function moments(data: Float32Array, start: number, count: number): [number, number] {
  let sum = 0;
  for (let q = 0; q < count; q++) sum += data[start + q];
  const mean = sum / count;
  let squares = 0;
  for (let q = 0; q < count; q++) squares += (data[start + q] - mean) ** 2;
  return [mean, squares / count];
}

describe('layerNormReference', () => {
  it('hand case: two rows over the last axis, then scale and bias per position', () => {
    const x = tensor([2, 3], [1, 2, 3, 2, 4, 6]);
    const plain = layerNormReference(x, ones(3), undefined, -1, 0);
    const expected = [-s3, 0, s3, -s3, 0, s3];
    plain.y.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(plain.mean).toEqual(tensor([2, 1], [2, 4]));
    expect(plain.invStdDev.shape).toEqual([2, 1]);
    expect(plain.invStdDev.data[0]).toBeCloseTo(s3, 6);
    expect(plain.invStdDev.data[1]).toBeCloseTo(Math.sqrt(3 / 8), 6);

    const affine = layerNormReference(x, tensor([3], [2, 1, 0.5]), tensor([3], [0, 1, -1]), 1, 0);
    const withAffine = [-2 * s3, 1, 0.5 * s3 - 1];
    affine.y.data.forEach((v, i) => expect(v).toBeCloseTo(withAffine[i % 3], 6));
  });

  it('epsilon is added to the variance: [0, 2] with epsilon 3 -> +-1/2', () => {
    const r = layerNormReference(tensor([1, 2], [0, 2]), ones(2), undefined, 1, 3);
    expect(Array.from(r.y.data)).toEqual([-0.5, 0.5]);
    expect(Array.from(r.invStdDev.data)).toEqual([0.5]);
  });

  it('a row of one element normalizes to 0, leaving the bias', () => {
    const r = layerNormReference(tensor([3, 1], [5, -2, 7]), tensor([1], [4]), tensor([1], [0.25]), -1, 1e-5);
    expect(Array.from(r.y.data)).toEqual([0.25, 0.25, 0.25]);
  });

  it('axis 0 normalizes the whole tensor: one row, stats shaped [1, 1]', () => {
    const r = layerNormReference(tensor([2, 2], [1, 2, 3, 4]), tensor([2, 2], [1, 1, 1, 1]), undefined, 0, 0);
    const inv = 1 / Math.sqrt(1.25);
    r.y.data.forEach((v, i) => expect(v).toBeCloseTo((i + 1 - 2.5) * inv, 6));
    expect(r.mean).toEqual(tensor([1, 1], [2.5]));
  });

  it('every axis of a rank-3 tensor (seed 610): each row gets mean 0 and variance 1', () => {
    const shape = [3, 4, 5];
    const x = randomTensor(makeRandom(610), shape);
    for (const axis of [0, 1, 2, -1, -2, -3]) {
      const a = axis < 0 ? axis + 3 : axis;
      const len = shape.slice(a).reduce((p, d) => p * d, 1);
      const normalizedShape = shape.slice(a);
      const r = layerNormReference(x, tensor(normalizedShape, new Array(len).fill(1)), undefined, axis, 0);
      const rows = x.data.length / len;
      expect(r.mean.shape).toEqual([...shape.slice(0, a), ...normalizedShape.map(() => 1)]);
      for (let row = 0; row < rows; row++) {
        const [m, v] = moments(r.y.data, row * len, len);
        expect(Math.abs(m)).toBeLessThan(1e-6);
        expect(Math.abs(v - 1)).toBeLessThan(1e-5);
        expect(r.mean.data[row]).toBeCloseTo(moments(x.data, row * len, len)[0], 6);
      }
    }
  });

  it('scale and bias follow the position in the row (seed 611)', () => {
    const random = makeRandom(611);
    const x = randomTensor(random, [2, 3, 4]);
    const scale = randomTensor(random, [3, 4]);
    const bias = randomTensor(random, [1, 3, 4]); // leading 1s are allowed
    const unit = layerNormReference(x, tensor([3, 4], new Array(12).fill(1)), undefined, 1, 1e-5).y;
    const r = layerNormReference(x, scale, bias, 1, 1e-5).y;
    r.data.forEach((v, i) => expect(v).toBeCloseTo(unit.data[i] * scale.data[i % 12] + bias.data[i % 12], 5));
  });

  it('a large common offset (1000 + noise) still gives mean 0 and variance 1 (seed 612)', () => {
    const x = randomTensor(makeRandom(612), [4, 257]);
    x.data.forEach((v, i) => (x.data[i] = 1000 + v));
    const r = layerNormReference(x, ones(257), undefined, -1, 0);
    for (let row = 0; row < 4; row++) {
      const [m, v] = moments(r.y.data, row * 257, 257);
      expect(Math.abs(m)).toBeLessThan(1e-6);
      expect(Math.abs(v - 1)).toBeLessThan(1e-5);
    }
  });

  it('rejects a scale or bias not of the normalized shape and an axis out of range', () => {
    const x = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => layerNormReference(x, ones(2), undefined, -1, 0)).toThrow(/scale \[2\] must have the normalized shape \[3\]/);
    expect(() => layerNormReference(x, ones(3), tensor([3, 1], [0, 0, 0]), -1, 0)).toThrow(/bias \[3, 1\] must have the normalized shape \[3\]/);
    expect(() => layerNormReference(x, ones(3), undefined, 2, 0)).toThrow(/axis 2 is out of range for rank 2/);
  });
});

describe('layerNorm op shapes', () => {
  const f = (shape: number[]) => ({ shape, dtype: 'float32' as const });

  it('outputs y, and with stats Mean and InvStdDev shaped [leading dims, 1 per normalized axis]', () => {
    expect(layerNormOp.infer('ln', [f([2, 3, 4]), f([4])], { axis: -1, epsilon: 1e-5, stats: false })).toEqual([f([2, 3, 4])]);
    expect(layerNormOp.infer('ln', [f([2, 3, 4]), f([3, 4]), f([3, 4])], { axis: 1, epsilon: 1e-5, stats: true })).toEqual([f([2, 3, 4]), f([2, 1, 1]), f([2, 1, 1])]);
  });

  it('rejects missing or wrongly shaped operands, int32 data, empty rows and a bad epsilon', () => {
    const attrs = { axis: -1, epsilon: 1e-5, stats: false };
    expect(() => layerNormOp.infer('ln', [f([2, 3])], attrs)).toThrow(/ln: needs x and scale/);
    expect(() => layerNormOp.infer('ln', [f([2, 3]), f([2, 3])], attrs)).toThrow(/scale \[2, 3\] must have the normalized shape \[3\]/);
    expect(() => layerNormOp.infer('ln', [{ shape: [2, 3], dtype: 'int32' }, f([3])], attrs)).toThrow(/x must be float32, got int32/);
    expect(() => layerNormOp.infer('ln', [f([2, 0]), f([0])], attrs)).toThrow(/normalized axes \[0\] of x \[2, 0\] hold no elements/);
    expect(() => layerNormOp.infer('ln', [f([2, 3]), f([3])], { ...attrs, epsilon: -1 })).toThrow(/epsilon -1 must be a finite number >= 0/);
  });
});

describe('normalize variant choice', () => {
  const ctx = (forced?: string) => ({ limits: { maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 }, forcedVariants: { normalize: forced } });

  it('a workgroup per line only for a few long lines; a forced variant wins; an unknown one is named', () => {
    expect(selectNormalizeVariant(ctx(), 3136, 96)).toBe('line');
    expect(selectNormalizeVariant(ctx(), 16, 1024)).toBe('line');
    expect(selectNormalizeVariant(ctx(), 16, 4096)).toBe('workgroup');
    expect(selectNormalizeVariant(ctx('workgroup'), 3136, 96)).toBe('workgroup');
    expect(() => selectNormalizeVariant(ctx('tree'), 4, 4)).toThrow(/unknown variant 'tree'; variants: line, workgroup/);
  });
});
