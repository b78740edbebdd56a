// Convolution backward on the CPU: the filter-gradient reference by hand and against central
// differences of the forward reference (conv2d is linear in w, so the differences are exact up to
// rounding); the gradient rules of conv2d (both dx routes) and convTranspose2d over awkward
// geometries against finite differences of the CPU forward; the filter op's plan (variants, the
// split of K) and its errors.
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/compile/infer.ts';
import { Graph } from '../../src/graph/ir.ts';
import { LINEAR } from '../../src/ops/activation/kinds.ts';
import { resolvePads } from '../../src/ops/conv2d/geometry.ts';
import { conv2dReference } from '../../src/ops/conv2d/reference.ts';
import { conv2dBackwardFilterOp, splitRows } from '../../src/ops/conv2d-backward-filter/op.ts';
import { conv2dBackwardFilterReference } from '../../src/ops/conv2d-backward-filter/reference.ts';
import type { PlanContext } from '../../src/ops/op.ts';
import { backward, GradBuilder } from '../../src/train/grad.ts';
import { analyticGrads, buildGradCase, numericGrads, type GradCase } from '../harness/grad-check.ts';
import { CONV_SWEEP, CONV_TRANSPOSE_SWEEP, convGradCase, convName, convTransposeGradCase, weightShape, type ConvConfig } from '../harness/grad-cases-conv.ts';
import { Random, seedOf } from '../harness/random.ts';
import { tensor } from './cnn-reference-helpers.ts';

const plain = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pads: [0, 0, 0, 0] as [number, number, number, number], groups: 1 };

describe('conv2dBackwardFilterReference', () => {
  it('a 2x2 filter over a 3x3 ramp with dy of ones: each weight sums the window its tap sees', () => {
    const x = tensor([1, 3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const dy = tensor([1, 2, 2, 1], [1, 1, 1, 1]);
    expect(conv2dBackwardFilterReference(x, dy, { ...plain, kernel: [2, 2] })).toEqual(tensor([2, 2, 1, 1], [8, 12, 20, 24]));
    // Stride 2 with pads [1, 1, 0, 0]: output (0, 0) reads x[-1 + kh, -1 + kw]; only tap (1, 1) is inside.
    const one = tensor([1, 1, 1, 1], [2]);
    expect(conv2dBackwardFilterReference(x, one, { ...plain, strides: [2, 2], pads: [1, 1, 0, 0], kernel: [2, 2] })).toEqual(tensor([2, 2, 1, 1], [0, 0, 0, 0]));
    // Groups: output channel 1 only meets input channel 1.
    const x2 = tensor([1, 1, 2, 2], [1, 10, 2, 20]);
    const dy2 = tensor([1, 1, 1, 2], [3, 5]);
    expect(conv2dBackwardFilterReference(x2, dy2, { ...plain, groups: 2, kernel: [1, 2] })).toEqual(tensor([1, 2, 1, 2], [3, 50, 6, 100]));
  });

  for (const c of CONV_SWEEP) {
    it(`equals central differences of conv2dReference: ${convName(c)}`, () => {
      const rng = new Random(seedOf(convName(c)));
      const pads = resolvePads('test', c.padding, [c.x[1], c.x[2]], c.kernel, c.strides, c.dilations, 2);
      const x = { shape: [...c.x], data: rng.floats(c.x.reduce((a, b) => a * b)) };
      const w = { shape: weightShape(c), data: rng.floats(weightShape(c).reduce((a, b) => a * b)) };
      const attrs = { strides: c.strides, dilations: c.dilations, pads, groups: c.groups };
      const y = conv2dReference(x, w, attrs);
      const probe = rng.floats(y.data.length);
      const loss = (weights: Float32Array) => conv2dReference(x, { shape: w.shape, data: weights }, attrs).data.reduce((s, v, i) => s + v * probe[i], 0);
      const dw = conv2dBackwardFilterReference(x, { shape: y.shape, data: probe }, { ...attrs, kernel: c.kernel });
      expect(dw.shape).toEqual(w.shape);
      // Linear in w: a step of 1 has no truncation error, only the forward's float32 rounding.
      const worst = w.data.reduce((m, _, i) => {
        const step = (d: number) => Float32Array.from(w.data, (v, j) => (j === i ? v + d : v));
        return Math.max(m, Math.abs((loss(step(1)) - loss(step(-1))) / 2 - dw.data[i]));
      }, 0);
      expect(worst).toBeLessThan(1e-4 * Math.sqrt(y.data.length));
    });
  }

  it('rejects mismatched shapes with the shapes at fault', () => {
    const x = tensor([1, 3, 3, 2], new Array<number>(18).fill(1));
    expect(() => conv2dBackwardFilterReference(x, tensor([2, 2, 2, 1], new Array<number>(8).fill(1)), { ...plain, kernel: [2, 2] })).toThrow(/different batch sizes/);
    expect(() => conv2dBackwardFilterReference(x, tensor([1, 2, 2, 3], new Array<number>(12).fill(1)), { ...plain, groups: 2, kernel: [2, 2] })).toThrow(/groups=2 must divide Cin=2 .* and Cout=3/);
    expect(() => conv2dBackwardFilterReference(x, tensor([1, 2, 2, 1], [1, 1, 1, 1]), { ...plain, kernel: [0, 2] })).toThrow(/kernel \[0, 2\] must be 2 integers >= 1/);
  });
});

describe('gradient rules of convolutions against finite differences', () => {
  const check = (c: GradCase) => {
    const built = buildGradCase(c, seedOf(c.name));
    const analytic = analyticGrads(built);
    const numeric = numericGrads(built);
    analytic.forEach((a, k) => {
      const n = numeric[k];
      const scale = Math.max(1, ...Array.from(n, Math.abs));
      const worst = a.reduce((w, v, i) => Math.max(w, Math.abs(v - n[i])), 0);
      expect(worst, `input ${k}: max |analytic - numeric| (scale ${scale.toFixed(2)})`).toBeLessThanOrEqual(5e-3 * scale);
    });
  };
  for (const c of CONV_SWEEP) it(`conv2d ${convName(c)}`, () => check(convGradCase(c)));
  for (const c of CONV_TRANSPOSE_SWEEP) it(convTransposeGradCase(c).name, () => check(convTransposeGradCase(c)));
});

/** The kernel ops (views left out) of conv2d's backward graph for one geometry. */
function backwardOps(c: ConvConfig): string[] {
  const g = new Graph();
  const [x, w] = [g.input('x', c.x), g.input('w', weightShape(c))];
  const y = g.node('conv2d', 'conv', [x, w], { strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, activation: LINEAR })[0];
  const b = new GradBuilder(g, inferShapes(g, new Map([[x, c.x], [w, weightShape(c)]])));
  const forward = g.nodes.length;
  backward(b, new Map([[y, y]]), [x, w]);
  return g.nodes.slice(forward).map((n) => n.op).filter((op) => op !== 'reshape');
}

describe('the conv2d rule', () => {
  const base: ConvConfig = { x: [1, 6, 6, 4], kernel: [3, 3], cout: 8, strides: [1, 1], dilations: [1, 1], padding: 'same', groups: 1 };
  it('computes dx at stride 1 as a convolution with flipped weights, at other strides or pads past the kernel as a transposed convolution', () => {
    expect(backwardOps(base)).toEqual(['slice', 'transpose', 'conv2d', 'conv2dBackwardFilter']);
    expect(backwardOps({ ...base, groups: 4, cout: 4 })).toEqual(['slice', 'conv2d', 'conv2dBackwardFilter']); // depthwise: the swap moves no data
    expect(backwardOps({ ...base, strides: [2, 1] })).toEqual(['transpose', 'convTranspose2d', 'conv2dBackwardFilter']);
    expect(backwardOps({ ...base, kernel: [1, 1], padding: [1, 0, 0, 0] })).toEqual(['transpose', 'convTranspose2d', 'conv2dBackwardFilter']);
  });
});

const CTX: PlanContext = {
  limits: { maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 },
  forcedVariants: {},
};

describe('conv2dBackwardFilter op', () => {
  const spec = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  const attrs = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], padding: 'valid' as const, groups: 1, kernel: [3, 3] as [number, number] };

  it('infers [KH, KW, Cin/groups, Cout] and rejects an output gradient that is not the convolution\'s', () => {
    expect(conv2dBackwardFilterOp.infer('dw', [spec([2, 8, 8, 6]), spec([2, 6, 6, 4])], { ...attrs, groups: 2 })).toEqual([spec([3, 3, 3, 4])]);
    expect(() => conv2dBackwardFilterOp.infer('dw', [spec([2, 8, 8, 6]), spec([2, 7, 6, 4])], attrs)).toThrow(/dw: output gradient \[2, 7, 6, 4\] does not match .* expected \[2, 6, 6, Cout\]/);
    expect(() => conv2dBackwardFilterOp.infer('dw', [spec([2, 8, 8, 6]), spec([2, 6, 6, 5])], { ...attrs, groups: 2 })).toThrow(/groups 2 must be an integer >= 1 dividing/);
    expect(() => conv2dBackwardFilterOp.infer('dw', [spec([1, 2, 8, 6]), spec([1, 0, 6, 4])], attrs)).toThrow(/has no output \(0x6\)/);
  });

  it('chooses vec4, depthwise, vec4-out or scalar by the channels, and refuses a forced variant that does not fit', () => {
    const variantOf = (x: number[], dy: number[], a = attrs, forced?: string) =>
      conv2dBackwardFilterOp.plan([spec(x), spec(dy)], [spec([1])], a, { ...CTX, forcedVariants: { conv2dBackwardFilter: forced } }).dispatches[0].shader.name;
    expect(variantOf([1, 8, 8, 8], [1, 6, 6, 12])).toBe('conv2d_backward_filter_vec4.wgsl');
    expect(variantOf([1, 8, 8, 8], [1, 6, 6, 8], { ...attrs, groups: 8 })).toBe('conv2d_backward_filter_depthwise.wgsl');
    expect(variantOf([1, 8, 8, 3], [1, 6, 6, 8])).toBe('conv2d_backward_filter_vec4_out.wgsl'); // a stem: outputs in vec4s
    expect(variantOf([1, 8, 8, 3], [1, 6, 6, 6])).toBe('conv2d_backward_filter.wgsl'); // 6 output channels
    expect(() => variantOf([1, 8, 8, 3], [1, 6, 6, 6], attrs, 'vec4-out')).toThrow(/variant vec4-out needs one group and output channels that are a multiple of 4; got 3 -> 6 channels in 1 groups/);
    expect(variantOf([1, 8, 8, 8], [1, 6, 6, 12], attrs, 'scalar')).toBe('conv2d_backward_filter.wgsl');
    expect(() => variantOf([1, 8, 8, 3], [1, 6, 6, 8], attrs, 'vec4')).toThrow(/variant vec4 needs .* multiples of 4; got 3 and 8/);
    expect(() => variantOf([1, 8, 8, 8], [1, 6, 6, 8], attrs, 'depthwise')).toThrow(/variant depthwise needs groups == input channels/);
    expect(() => variantOf([1, 8, 8, 8], [1, 6, 6, 8], attrs, 'fast')).toThrow(/unknown variant 'fast'/);
    expect(() => variantOf([1, 8, 8, 8], [1, 6, 6, 8], attrs, 'vec4-quad')).toThrow(/variant vec4-quad needs the device feature 'subgroups'/);
    // With quad operations: vec4-quad where its quads fill (32 channels per group), or from 64.
    const withQuads = (x: number[], dy: number[]) => conv2dBackwardFilterOp.plan([spec(x), spec(dy)], [spec([1])], attrs, { ...CTX, quadOps: true }).dispatches[0];
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 64]).shader.name).toBe('conv2d_backward_filter_vec4_quad.wgsl');
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 64]).workgroups).toEqual([Math.ceil((5 * 8) / 8), 1, 1]); // 5 row blocks x 8 column blocks, 8 per workgroup
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 60]).shader.name).toBe('conv2d_backward_filter_vec4.wgsl');
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 68]).shader.name).toBe('conv2d_backward_filter_vec4_quad.wgsl');
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 32]).shader.name).toBe('conv2d_backward_filter_vec4_quad.wgsl');
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 48]).shader.name).toBe('conv2d_backward_filter_vec4.wgsl');
    expect(withQuads([1, 8, 8, 8], [1, 6, 6, 16]).shader.name).toBe('conv2d_backward_filter_vec4.wgsl');
    // Stems: vec4-out-quad where its 16 x 16 blocks are at least 3/4 filled.
    expect(withQuads([1, 8, 8, 3], [1, 6, 6, 16]).shader.name).toBe('conv2d_backward_filter_vec4_out_quad.wgsl'); // 27 rows: 84%
    expect(withQuads([1, 8, 8, 3], [1, 6, 6, 16]).workgroups).toEqual([1, 1, 1]); // 2 blocks, 8 invocations
    expect(withQuads([1, 8, 8, 1], [1, 6, 6, 32]).shader.name).toBe('conv2d_backward_filter_vec4_out.wgsl'); // 9 rows: 56%
    expect(withQuads([1, 8, 8, 3], [1, 6, 6, 24]).shader.name).toBe('conv2d_backward_filter_vec4_out.wgsl'); // 63%
    expect(() => variantOf([1, 8, 8, 3], [1, 6, 6, 16], attrs, 'vec4-out-quad')).toThrow(/variant vec4-out-quad needs the device feature 'subgroups'.*use vec4-out/);
  });

  it('splits a long K into chunks of output rows summed by a reduce pass; leaves a short one whole', () => {
    // Keras-sized: x [32, 26, 26, 32], 3x3 -> 64: 144 blocks, K = 18432 pixels.
    const big = conv2dBackwardFilterOp.plan([spec([32, 26, 26, 32]), spec([32, 24, 24, 64])], [spec([3, 3, 32, 64])], attrs, CTX);
    expect(big.dispatches.map((d) => d.shader.name)).toEqual(['conv2d_backward_filter_vec4.wgsl', 'reduce.wgsl (vec4)']);
    expect(big.scratchBytes).toEqual([15 * 3 * 3 * 32 * 64 * 4]);
    const small = conv2dBackwardFilterOp.plan([spec([1, 8, 8, 8]), spec([1, 6, 6, 12])], [spec([3, 3, 8, 12])], attrs, CTX);
    expect(small.dispatches).toHaveLength(1);
    expect(small.scratchBytes).toEqual([]);
    // Splits cover every row once: 768 rows of 24 pixels over 144 blocks -> 15 splits of 52 rows (the last 40).
    expect(splitRows(144, 768, 24, 1000)).toEqual({ splits: 15, rowsPerSplit: 52 });
    expect(splitRows(144, 768, 24, 4)).toEqual({ splits: 4, rowsPerSplit: 192 });
    expect(splitRows(4096, 768, 24, 1000)).toEqual({ splits: 1, rowsPerSplit: 768 });
  });
});
