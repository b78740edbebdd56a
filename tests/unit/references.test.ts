// The issue-2 references against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationKind } from '../../src/index.ts';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { applyActivation } from '../../src/ops/activation/reference.ts';
import { binaryReference } from '../../src/ops/binary/reference.ts';
import { matmulReference } from '../../src/ops/matmul/reference.ts';
import { softmaxReference } from '../../src/ops/softmax/reference.ts';

const act = (kind: ActivationKind, alpha?: number, beta?: number) => resolveActivation('t', { kind, alpha, beta });

describe('activation reference', () => {
  it('matches hand values', () => {
    expect(applyActivation(-2, act('relu'))).toBe(0);
    expect(applyActivation(7, act('relu6'))).toBe(6);
    expect(applyActivation(-2, act('leakyRelu', 0.1))).toBeCloseTo(-0.2, 12);
    expect(applyActivation(-1, act('elu'))).toBeCloseTo(Math.exp(-1) - 1, 12);
    expect(applyActivation(1, act('selu'))).toBeCloseTo(1.0507009873554805, 12);
    expect(applyActivation(0, act('sigmoid'))).toBe(0.5);
    expect(applyActivation(1, act('hardSigmoid'))).toBeCloseTo(0.7, 12);
    expect(applyActivation(0, act('softplus'))).toBeCloseTo(Math.LN2, 12);
    expect(applyActivation(3, act('softsign'))).toBe(0.75);
    expect(applyActivation(5, act('clip', -1, 2))).toBe(2);
    // gelu(1) = 0.5 (1 + erf(1/sqrt2)) = 0.8413447460685429
    expect(applyActivation(1, act('gelu'))).toBeCloseTo(0.8413447460685429, 12);
    expect(applyActivation(-3, act('gelu'))).toBeCloseTo(-3 * 0.0013498980316301, 12); // -3 Phi(-3)
  });

  it('every kind is covered by the reference', () => {
    for (const kind of Object.keys(ACTIVATIONS) as ActivationKind[]) expect(Number.isFinite(applyActivation(0.3, act(kind)))).toBe(true);
  });
});

describe('matmul reference', () => {
  it('batch broadcast, transposes and a column bias', () => {
    // A: batch [2] of 1x2, B: one 2x1 (transposed from 1x2), bias [M=1, 1]
    const a = { shape: [2, 1, 2], data: new Float32Array([1, 2, 3, 4]) };
    const b = { shape: [1, 2], data: new Float32Array([10, 100]) };
    const out = matmulReference(a, b, { transposeA: false, transposeB: true, bias: { shape: [1, 1], data: new Float32Array([1]) }, activation: act('linear') });
    expect(out.shape).toEqual([2, 1, 1]);
    expect([...out.data]).toEqual([211, 431]);
  });
});

describe('binary and softmax references', () => {
  it('broadcast a column against a row', () => {
    const out = binaryReference('sub', { shape: [2, 1], data: new Float32Array([10, 20]) }, { shape: [3], data: new Float32Array([1, 2, 3]) });
    expect(out.shape).toEqual([2, 3]);
    expect([...out.data]).toEqual([9, 8, 7, 19, 18, 17]);
  });

  it('softmax over the middle axis', () => {
    const out = softmaxReference({ shape: [1, 2, 2], data: new Float32Array([0, 1, Math.log(3), 1]) }, 1, false);
    expect([...out.data].map((v) => +v.toFixed(6))).toEqual([0.25, 0.5, 0.75, 0.5]);
  });
});
