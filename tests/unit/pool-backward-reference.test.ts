// Checks of the pooling gradient's CPU reference (pool2dBackward): hand-worked cases, central
// finite differences of the forward reference over strides, dilation, padding, ceil mode,
// count_include_pad and global pooling (inputs without ties, spaced wider than the step), the
// exact tie rule (the first maximum in window order), the op's shape errors and its variant choice.
import { describe, expect, it } from 'vitest';
import { pool2dBackwardOp, selectPoolBackwardVariant } from '../../src/ops/pool2d/backward.ts';
import { globalPoolBackwardReference, pool2dBackwardReference } from '../../src/ops/pool2d/backward-reference.ts';
import { pool2dOp, selectPoolVariant, type Pool2dAttrs } from '../../src/ops/pool2d/op.ts';
import { selectActivationGradVariant } from '../../src/ops/activation-grad/op.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { Random, seedOf } from '../harness/random.ts';

const BASE: Pool2dAttrs = { kind: 'max', kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
const pool = (attrs: Partial<Pool2dAttrs>): Pool2dAttrs => ({ ...BASE, ...attrs });
const tensor = (shape: number[], values: number[]): HostTensor => ({ shape, data: Float32Array.from(values) });
const forward = (x: HostTensor, attrs: Pool2dAttrs) => pool2dOp.reference([x], attrs)[0];
const backward = (x: HostTensor, dy: HostTensor, attrs: Pool2dAttrs) => pool2dBackwardOp.reference([x, dy], attrs)[0];

/** Distinct values 0.05 apart in a seeded order: no ties, and no swap of a maximum within a 1e-2 step. */
function distinct(rng: Random, size: number): Float32Array {
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Float32Array.from(order, (k) => (k - size / 2) * 0.05);
}

const EPS = 1e-2;

/** d/dx of sum(pool(x) * dY) by central differences, the loss summed in float64. */
function numericGrad(x: HostTensor, dy: HostTensor, attrs: Pool2dAttrs): Float64Array {
  const loss = (data: Float32Array) => forward({ shape: x.shape, data }, attrs).data.reduce((s, v, i) => s + v * dy.data[i], 0);
  return Float64Array.from(x.data, (v, i) => {
    const shifted = (delta: number) => Float32Array.from(x.data, (u, j) => (j === i ? v + delta : u));
    return (loss(shifted(EPS)) - loss(shifted(-EPS))) / (2 * EPS);
  });
}

const FD_CASES: Array<{ shape: number[]; attrs: Pool2dAttrs }> = [
  { shape: [2, 5, 7, 3], attrs: pool({}) },
  { shape: [1, 6, 5, 2], attrs: pool({ kernel: [3, 3], strides: [1, 1], padding: 'same' }) },
  { shape: [1, 7, 8, 1], attrs: pool({ kernel: [2, 2], strides: [3, 3] }) }, // gaps between windows
  { shape: [2, 7, 6, 2], attrs: pool({ kernel: [3, 2], strides: [2, 1], dilations: [2, 2], padding: [1, 0, 2, 1] }) },
  { shape: [1, 6, 7, 2], attrs: pool({ kernel: [3, 3], strides: [2, 2], padding: [1, 1, 1, 1], ceilMode: true }) },
  { shape: [1, 9, 3, 2], attrs: pool({ kernel: [5, 1], strides: [3, 1], ceilMode: true }) },
  { shape: [1, 1, 10, 3], attrs: pool({ kernel: [1, 3], strides: [1, 2], padding: [0, 1, 0, 1], ceilMode: true }) }, // 1-D
  { shape: [2, 4, 5, 3], attrs: pool({ kernel: undefined, strides: [1, 1] }) }, // global
];

describe('pool2dBackward reference against finite differences of the forward', () => {
  for (const { shape, attrs: base } of FD_CASES) {
    for (const kind of ['max', 'avg'] as const) {
      for (const countIncludePad of kind === 'avg' ? [false, true] : [false]) {
        const attrs = { ...base, kind, countIncludePad };
        const name = `${kind} [${shape}] kernel ${attrs.kernel ? `[${attrs.kernel}]` : 'global'} strides [${attrs.strides}] dilations [${attrs.dilations}] padding ${JSON.stringify(attrs.padding)}${attrs.ceilMode ? ' ceil' : ''}${countIncludePad ? ' include-pad' : ''}`;
        it(name, () => {
          const rng = new Random(seedOf(name));
          const x = { shape, data: distinct(rng, shape.reduce((a, b) => a * b, 1)) };
          const yShape = forward(x, attrs).shape;
          const dy = { shape: yShape, data: rng.floats(yShape.reduce((a, b) => a * b, 1)) };
          const analytic = backward(x, dy, attrs).data;
          const numeric = numericGrad(x, dy, attrs);
          const worst = analytic.reduce((w, v, i) => Math.max(w, Math.abs(v - numeric[i])), 0);
          // The forward rounds to float32: differences good to ~1e-5 at this step.
          expect(worst, `max |analytic - numeric| (seed ${rng.seed})`).toBeLessThanOrEqual(1e-4);
          expect(analytic.some((v) => v !== 0)).toBe(true);
        });
      }
    }
  }
});

describe('pool2dBackward reference: hand-worked cases', () => {
  const ramp = tensor([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i + 1));
  const dy4 = tensor([1, 2, 2, 1], [10, 20, 30, 40]);

  it('2x2 stride 2 max of a ramp: each dY goes to its window\'s bottom-right element', () => {
    expect(Array.from(backward(ramp, dy4, pool({})).data)).toEqual([0, 0, 0, 0, 0, 10, 0, 20, 0, 0, 0, 0, 0, 30, 0, 40]);
  });

  it('2x2 stride 2 average spreads dY / 4', () => {
    expect(Array.from(backward(ramp, dy4, pool({ kind: 'avg' })).data)).toEqual([2.5, 2.5, 5, 5, 2.5, 2.5, 5, 5, 7.5, 7.5, 10, 10, 7.5, 7.5, 10, 10]);
  });

  it('overlapping max windows add up at a shared maximum', () => {
    // 3x3 stride 1 on a 4x4 ramp: the four windows' maxima are 11, 12, 15, 16.
    expect(Array.from(backward(ramp, dy4, pool({ kernel: [3, 3], strides: [1, 1] })).data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 20, 0, 0, 30, 40]);
    // A 1-D peak covered by three stride-1 windows of 3 gets all three dY.
    const peak = tensor([1, 1, 5, 1], [0, 1, 9, 2, 3]);
    expect(Array.from(backward(peak, tensor([1, 1, 3, 1], [1, 2, 4]), pool({ kernel: [1, 3], strides: [1, 1] })).data)).toEqual([0, 0, 7, 0, 0]);
  });

  it('average with padding: count_include_pad divides by the padded window, else by the input taps', () => {
    // 1-D [a, b, c], kernel 2, stride 2, pads [1, 1]: windows {pad, a} {b, c}.
    const x = tensor([1, 1, 3, 1], [1, 2, 3]);
    const dy = tensor([1, 1, 2, 1], [6, 8]);
    const attrs = pool({ kind: 'avg', kernel: [1, 2], strides: [1, 2], padding: [0, 1, 0, 1] });
    expect(Array.from(backward(x, dy, attrs).data)).toEqual([6, 4, 4]);
    expect(Array.from(backward(x, dy, { ...attrs, countIncludePad: true }).data)).toEqual([3, 4, 4]);
  });

  it('ceil mode: the overhanging last window divides by its taps, with or without count_include_pad', () => {
    // [1..5], kernel 2, stride 2, ceil: windows {1,2} {3,4} {5}; the overhang is never counted.
    const x = tensor([1, 1, 5, 1], [1, 2, 3, 4, 5]);
    const dy = tensor([1, 1, 3, 1], [2, 4, 6]);
    for (const countIncludePad of [false, true]) {
      const attrs = pool({ kind: 'avg', kernel: [1, 2], strides: [1, 2], ceilMode: true, countIncludePad });
      expect(Array.from(backward(x, dy, attrs).data)).toEqual([1, 1, 2, 2, 6]);
    }
  });

  it('global pooling: max sends dY to the maximum, avg spreads dY / (H*W)', () => {
    const x = tensor([1, 2, 2, 2], [1, -1, 2, -2, 6, -3, 3, -6]);
    const dy = tensor([1, 1, 1, 2], [4, 8]);
    expect(Array.from(globalPoolBackwardReference(x, dy, 'max').data)).toEqual([0, 8, 0, 0, 4, 0, 0, 0]);
    expect(Array.from(globalPoolBackwardReference(x, dy, 'avg').data)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(backward(x, dy, pool({ kernel: undefined, strides: [1, 1] }))).toEqual(globalPoolBackwardReference(x, dy, 'max'));
  });
});

describe('pool2dBackward reference: ties go to the first maximum in window order (row-major)', () => {
  it('a window of equal values sends dY to its top-left element', () => {
    const x = tensor([1, 2, 2, 1], [5, 5, 5, 5]);
    expect(Array.from(backward(x, tensor([1, 1, 1, 1], [3]), pool({})).data)).toEqual([3, 0, 0, 0]);
  });

  it('a tie across rows: the first row\'s element wins over an earlier column in a later row', () => {
    const x = tensor([1, 2, 2, 1], [1, 7, 7, 2]);
    expect(Array.from(backward(x, tensor([1, 1, 1, 1], [3]), pool({})).data)).toEqual([0, 3, 0, 0]);
  });

  it('overlapping windows each choose their own first maximum', () => {
    // [5, 5, 5], kernel 2, stride 1: window 0 picks element 0, window 1 picks element 1.
    const x = tensor([1, 1, 3, 1], [5, 5, 5]);
    expect(Array.from(backward(x, tensor([1, 1, 2, 1], [1, 2]), pool({ kernel: [1, 2], strides: [1, 1] })).data)).toEqual([1, 2, 0]);
  });

  it('padding never wins, even against negative inputs', () => {
    const x = tensor([1, 1, 2, 1], [-4, -4]);
    const attrs = pool({ kernel: [1, 2], strides: [1, 1], padding: [0, 1, 0, 1] });
    // Windows {pad, -4a} {-4a, -4b} {-4b, pad}.
    expect(Array.from(backward(x, tensor([1, 1, 3, 1], [1, 2, 4]), attrs).data)).toEqual([3, 4]);
  });

  it('channels choose independently; global max ties pick the first position in (h, w) order', () => {
    const x = tensor([1, 2, 2, 2], [0, 9, 3, 9, 3, 1, 3, 9]);
    const dy = tensor([1, 1, 1, 2], [5, 7]);
    expect(Array.from(globalPoolBackwardReference(x, dy, 'max').data)).toEqual([0, 7, 5, 0, 0, 0, 0, 0]);
  });
});

describe('pool2dBackward: errors', () => {
  const x = { shape: [1, 4, 4, 2], dtype: 'float32' as const };
  it('rejects a dY whose shape is not the pooled output\'s, naming both', () => {
    expect(() => pool2dBackwardOp.infer('pool/grad', [x, { shape: [1, 3, 2, 2], dtype: 'float32' }], BASE)).toThrow(/dY \[1, 3, 2, 2\].*\[1, 2, 2, 2\].*x \[1, 4, 4, 2\]/);
    const data = { shape: [1, 4, 4, 2], data: new Float32Array(32) };
    expect(() => pool2dBackwardReference(data, { shape: [1, 2, 2, 1], data: new Float32Array(4) }, { ...BASE, kernel: [2, 2], pads: [0, 0, 0, 0] })).toThrow(/dY \[1, 2, 2, 1\]/);
  });
  it('rejects a missing input and non-float32 inputs', () => {
    expect(() => pool2dBackwardOp.infer('pool/grad', [x, undefined], BASE)).toThrow(/needs two inputs/);
    expect(() => pool2dBackwardOp.infer('pool/grad', [x, { shape: [1, 2, 2, 2], dtype: 'int32' }], BASE)).toThrow(/float32/);
  });
  it('gives dX the input\'s shape', () => {
    expect(pool2dBackwardOp.infer('pool/grad', [x, { shape: [1, 2, 2, 2], dtype: 'float32' }], BASE)).toEqual([{ shape: [1, 4, 4, 2], dtype: 'float32' }]);
  });
});

describe('pool2dBackward: variant choice', () => {
  const ctx = (forced?: string) => ({ limits: {} as never, forcedVariants: forced ? { pool2dBackward: forced } : {} });
  it('takes 4 channels per invocation where C % 4 == 0, else one', () => {
    expect(selectPoolBackwardVariant(32, ctx())).toBe('vec4');
    expect(selectPoolBackwardVariant(32, ctx(), true)).toBe('tiled'); // windows that tile the input
    expect(selectPoolBackwardVariant(32, ctx('vec4'), true)).toBe('vec4');
    expect(() => selectPoolBackwardVariant(32, ctx('tiled'), false)).toThrow(/variant tiled needs windows that tile the input/);
    expect(selectPoolBackwardVariant(13, ctx())).toBe('scalar');
    expect(selectPoolBackwardVariant(32, ctx('scalar'))).toBe('scalar');
  });
  it('rejects an unknown variant and vec4 on channels it cannot split', () => {
    expect(() => selectPoolBackwardVariant(8, ctx('wide'))).toThrow(/unknown variant 'wide'; variants: scalar, vec4, tiled/);
    expect(() => selectPoolBackwardVariant(6, ctx('vec4'))).toThrow(/multiple of 4, got 6/);
  });
});

describe('pool2d and activationGrad: variant choice', () => {
  const ctx = (op: string, forced?: string) => ({ limits: {} as never, forcedVariants: forced ? { [op]: forced } : {} });
  it('pools 4 channels per invocation where C % 4 == 0, else one; refuses vec4 elsewhere', () => {
    expect(selectPoolVariant(16, ctx('pool2d'))).toBe('vec4');
    expect(selectPoolVariant(3, ctx('pool2d'))).toBe('scalar');
    expect(selectPoolVariant(16, ctx('pool2d', 'scalar'))).toBe('scalar');
    expect(() => selectPoolVariant(6, ctx('pool2d', 'vec4'))).toThrow(/pool2d: variant vec4 needs channels that are a multiple of 4, got 6/);
    expect(() => selectPoolVariant(8, ctx('pool2d', 'wide'))).toThrow(/unknown variant 'wide'; variants: vec4, scalar/);
    const plan = (C: number) => pool2dOp.plan([{ shape: [2, 4, 4, C], dtype: 'float32' }], [{ shape: [2, 2, 2, C], dtype: 'float32' }], BASE, { ...ctx('pool2d'), limits: { maxComputeWorkgroupsPerDimension: 65535 } } as never).dispatches[0];
    expect(plan(8).shader.name).toBe('pool2d.wgsl (vec4)');
    expect(plan(8).params).toMatchObject({ count: 2 * 2 * 2 * 2, C: 2 });
    expect(plan(6).shader.name).toBe('pool2d.wgsl');
  });
  it('differentiates 4 elements per invocation where the count is whole vec4s', () => {
    expect(selectActivationGradVariant(1028, ctx('activationGrad'))).toBe('vec4');
    expect(selectActivationGradVariant(1025, ctx('activationGrad'))).toBe('scalar');
    expect(selectActivationGradVariant(1028, ctx('activationGrad', 'scalar'))).toBe('scalar');
    expect(() => selectActivationGradVariant(7, ctx('activationGrad', 'vec4'))).toThrow(/activationGrad: variant vec4 needs a count that is a multiple of 4, got 7/);
  });
});
