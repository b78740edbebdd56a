// Which matmul kernel a GEMM gets: vec4-quad (with quad operations) or vec4 where the operands' rows
// are whole vec4s, regtile otherwise, a forced variant where it can run. The GPU suites check each kernel's numbers; this checks that
// the shapes they give vec4 really reach it.
import { describe, expect, it } from 'vitest';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { gemmDispatch, selectMatmulVariant, type GemmView } from '../../src/ops/matmul/gemm.ts';
import type { PlanContext } from '../../src/ops/op.ts';

const limits = { maxComputeWorkgroupsPerDimension: 65535 } as PlanContext['limits'];
const ctx = (matmul?: string, quadOps = false): PlanContext => ({ limits, forcedVariants: matmul ? { matmul } : {}, quadOps });

function view(M: number, N: number, K: number, extra: Partial<GemmView> = {}): GemmView {
  return {
    M, N, K, transposeA: false, transposeB: false, lda: K, ldb: N, ldc: N,
    batchShape: [], aBatchStrides: [], bBatchStrides: [], outBatchStride: M * N, outOffset: 0,
    activation: resolveActivation('test', undefined), ...extra,
  };
}

describe('matmul variant selection', () => {
  it('picks vec4 when K and the row lengths are multiples of 4', () => {
    expect(selectMatmulVariant(ctx(), view(17, 36, 20))).toBe('vec4');
    expect(selectMatmulVariant(ctx(), view(3, 8, 12, { transposeA: true, lda: 4 }))).toBe('vec4');
    expect(selectMatmulVariant(ctx('vec4'), view(1, 8, 4))).toBe('vec4');
  });

  it('picks vec4-quad instead where the device has quad operations, and only there', () => {
    expect(selectMatmulVariant(ctx(undefined, true), view(17, 36, 20))).toBe('vec4-quad');
    expect(selectMatmulVariant(ctx(undefined, true), view(16, 16, 13))).toBe('regtile');
    expect(selectMatmulVariant(ctx('vec4-quad', true), view(16, 18, 16))).toBe('regtile');
    expect(selectMatmulVariant(ctx('vec4', true), view(16, 16, 16))).toBe('vec4');
    expect(() => selectMatmulVariant(ctx('vec4-quad'), view(16, 16, 16))).toThrow(/matmul: variant 'vec4-quad' needs the device feature 'subgroups'/);
  });

  it('falls back to regtile for K, a row length or a batch stride off the vec4 grid', () => {
    expect(selectMatmulVariant(ctx(), view(16, 16, 13))).toBe('regtile');
    expect(selectMatmulVariant(ctx(), view(16, 18, 16))).toBe('regtile');
    expect(selectMatmulVariant(ctx(), view(16, 16, 16, { transposeA: true, lda: 17 }))).toBe('regtile');
    expect(selectMatmulVariant(ctx('vec4'), view(4, 4, 4, { batchShape: [2], aBatchStrides: [18], bBatchStrides: [16] }))).toBe('regtile');
  });

  it('keeps regtile and shared when forced, and rejects unknown names', () => {
    expect(selectMatmulVariant(ctx('regtile'), view(16, 16, 16))).toBe('regtile');
    expect(selectMatmulVariant(ctx('shared'), view(16, 16, 16))).toBe('shared');
    expect(() => selectMatmulVariant(ctx('fast'), view(16, 16, 16))).toThrow(/matmul: unknown variant 'fast'; variants: vec4-quad, vec4, regtile, shared/);
  });

  it('sizes the grid by the variant tile (vec4: 16x8 per invocation, 8x4 invocations)', () => {
    const bindings = { a: { input: 0 }, b: { input: 1 }, out: { output: 0 } };
    expect(gemmDispatch('t', view(65, 68, 8), bindings, ctx()).workgroups).toEqual([2, 2, 1]);
    expect(gemmDispatch('t', view(65, 68, 7), bindings, ctx()).workgroups).toEqual([3, 3, 1]);
  });
});
