// Which kernel a convolution gets (selectConv2dVariant): the rule bench/NOTES.md measured.
import { describe, expect, it } from 'vitest';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { convGeometry, selectConv2dVariant } from '../../src/ops/conv2d/op.ts';
import type { PlanContext } from '../../src/ops/op.ts';

const limits = { maxStorageBufferBindingSize: 2 ** 30 } as PlanContext['limits'];
const activation = resolveActivation('test', undefined);

function choose(x: number[], w: number[], options: { groups?: number; strides?: [number, number]; im2colMaxBytes?: number; forced?: string; quadOps?: boolean } = {}) {
  const attrs = { strides: options.strides ?? [1, 1], dilations: [1, 1] as [number, number], padding: 'same' as const, groups: options.groups ?? 1, activation };
  const g = convGeometry('t', { shape: x, dtype: 'float32' }, { shape: w, dtype: 'float32' }, attrs);
  const ctx: PlanContext = { limits, forcedVariants: options.forced ? { conv2d: options.forced } : {}, im2colMaxBytes: options.im2colMaxBytes, quadOps: options.quadOps };
  return selectConv2dVariant(g, ctx);
}

describe('conv2d variant selection', () => {
  it('depthwise with multiplier 1 and channels a multiple of 4 -> depthwise, other depthwise -> direct', () => {
    expect(choose([1, 8, 8, 16], [3, 3, 1, 16], { groups: 16 })).toBe('depthwise');
    expect(choose([1, 56, 56, 128], [3, 3, 1, 128], { groups: 128, strides: [2, 2] })).toBe('depthwise');
    expect(choose([1, 8, 8, 4], [1, 1, 1, 4], { groups: 4 })).toBe('depthwise'); // 1x1 depthwise is not a GEMM
    expect(choose([1, 8, 8, 6], [3, 3, 1, 6], { groups: 6 })).toBe('direct'); // 6 channels: not whole vec4s
    expect(choose([1, 8, 8, 8], [3, 3, 1, 16], { groups: 8 })).toBe('direct'); // multiplier 2
    expect(choose([1, 8, 8, 16], [3, 3, 2, 16], { groups: 8 })).toBe('implicit'); // 2 input channels per group
  });

  it('1x1 stride 1 -> pointwise', () => {
    expect(choose([1, 8, 8, 16], [1, 1, 16, 32])).toBe('pointwise');
  });

  it('implicit-vec4 where channels per group are whole vec4s, else im2col where its GEMM reads vec4s (padded rows from 64 output channels) and a patch row fits the cap, else implicit-vec4-out for one group with output channels in vec4s, else implicit', () => {
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64])).toBe('implicit-vec4');
    expect(choose([1, 8, 8, 64], [1, 1, 64, 64], { strides: [2, 2] })).toBe('implicit-vec4');
    expect(choose([1, 8, 8, 64], [3, 3, 16, 16], { groups: 4 })).toBe('implicit-vec4');
    expect(choose([1, 8, 8, 2], [2, 2, 2, 8])).toBe('im2col'); // 2 input channels, patch 8
    expect(choose([1, 8, 8, 2], [2, 2, 2, 8], { im2colMaxBytes: 16 })).toBe('implicit-vec4-out'); // row of 32 bytes
    expect(choose([1, 8, 8, 3], [7, 7, 3, 64], { strides: [2, 2] })).toBe('im2col'); // patch 147, rows padded to 148
    expect(choose([1, 8, 8, 3], [3, 3, 3, 32])).toBe('implicit-vec4-out'); // patch 27: padded rows pay from 64 output channels
    expect(choose([1, 8, 8, 1], [3, 3, 1, 32])).toBe('implicit-vec4-out'); // the Keras tutorial's first layer
    expect(choose([1, 8, 8, 3], [3, 3, 3, 64], { im2colMaxBytes: 64 })).toBe('implicit-vec4-out'); // padded row of 112 bytes
    expect(choose([1, 8, 8, 3], [3, 3, 3, 30])).toBe('implicit'); // 30 output channels
    expect(choose([1, 8, 8, 64], [3, 3, 64, 30])).toBe('implicit'); // 30 output channels
    expect(choose([1, 8, 8, 64], [3, 3, 32, 4], { groups: 2 })).toBe('implicit'); // 2 output channels per group
  });

  it('implicit-vec4-quad instead of implicit-vec4 where the device has quad operations, and only there', () => {
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64], { quadOps: true })).toBe('implicit-vec4-quad');
    expect(choose([1, 8, 8, 64], [3, 3, 32, 64], { groups: 2, quadOps: true })).toBe('implicit-vec4-quad');
    // The narrow form where it idles fewer output channels (CoutG mod 32 in [1, 16]).
    expect(choose([1, 8, 8, 64], [3, 3, 16, 16], { groups: 4, quadOps: true })).toBe('implicit-vec4-quad-narrow');
    expect(choose([1, 8, 8, 32], [3, 3, 32, 16], { quadOps: true })).toBe('implicit-vec4-quad-narrow');
    expect(choose([1, 8, 8, 32], [3, 3, 32, 8], { quadOps: true })).toBe('implicit-vec4-quad-narrow');
    expect(choose([1, 8, 8, 32], [3, 3, 32, 48], { quadOps: true })).toBe('implicit-vec4-quad-narrow');
    expect(choose([1, 8, 8, 32], [3, 3, 32, 52], { quadOps: true })).toBe('implicit-vec4-quad');
    expect(choose([1, 8, 8, 32], [3, 3, 32, 16])).toBe('implicit-vec4');
    // Stems take implicit-vec4-out's quad form.
    expect(choose([1, 8, 8, 3], [3, 3, 3, 16], { quadOps: true })).toBe('implicit-vec4-out-quad');
    expect(choose([1, 8, 8, 1], [3, 3, 1, 32], { quadOps: true })).toBe('implicit-vec4-out-quad');
    expect(choose([1, 8, 8, 3], [7, 7, 3, 64], { strides: [2, 2], quadOps: true })).toBe('im2col');
    expect(choose([1, 8, 8, 3], [3, 3, 3, 30], { quadOps: true })).toBe('implicit');
    expect(() => choose([1, 8, 8, 3], [3, 3, 3, 16], { forced: 'implicit-vec4-out-quad' })).toThrow(/variant implicit-vec4-out-quad needs the device feature 'subgroups'/);
    expect(() => choose([1, 8, 8, 3], [3, 3, 3, 6], { forced: 'implicit-vec4-out-quad', quadOps: true })).toThrow(/variant implicit-vec4-out-quad needs one group and output channels that are a multiple of 4/);
    expect(() => choose([1, 8, 8, 32], [3, 3, 32, 16], { forced: 'implicit-vec4-quad-narrow' })).toThrow(/variant implicit-vec4-quad-narrow needs the device feature 'subgroups'/);
    expect(() => choose([1, 8, 8, 6], [3, 3, 6, 8], { forced: 'implicit-vec4-quad-narrow', quadOps: true })).toThrow(/variant implicit-vec4-quad-narrow needs input and output channels per group that are multiples of 4/);
    expect(choose([1, 8, 8, 64], [3, 3, 64, 30], { quadOps: true })).toBe('implicit');
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64], { quadOps: true, forced: 'implicit-vec4' })).toBe('implicit-vec4');
    expect(() => choose([1, 8, 8, 64], [3, 3, 64, 64], { forced: 'implicit-vec4-quad' })).toThrow(/variant implicit-vec4-quad needs the device feature 'subgroups'/);
    expect(() => choose([1, 8, 8, 6], [3, 3, 6, 8], { forced: 'implicit-vec4-quad', quadOps: true })).toThrow(/variant implicit-vec4-quad needs input and output channels per group that are multiples of 4/);
  });

  it('a forced variant wins', () => {
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64], { forced: 'implicit' })).toBe('implicit');
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64], { forced: 'direct' })).toBe('direct');
    expect(choose([1, 8, 8, 16], [3, 3, 1, 16], { groups: 16, forced: 'direct' })).toBe('direct');
    expect(choose([1, 8, 8, 64], [3, 3, 64, 64], { forced: 'im2col' })).toBe('im2col');
    expect(() => choose([1, 8, 8, 6], [3, 3, 6, 6], { forced: 'implicit-vec4-out' })).toThrow(/variant implicit-vec4-out needs one group and output channels that are a multiple of 4; got weights \[3, 3, 6, 6\], groups 1/);
    expect(() => choose([1, 8, 8, 6], [3, 3, 6, 8], { forced: 'implicit-vec4' })).toThrow(/variant implicit-vec4 needs input and output channels per group that are multiples of 4; got input \[1, 8, 8, 6\], weights \[3, 3, 6, 8\], groups 1; use the implicit variant/);
  });

  it('forcing depthwise on a convolution it cannot run names the condition and the shapes', () => {
    const misuse = [
      { x: [1, 8, 8, 16], w: [3, 3, 16, 16], groups: 1 }, // not depthwise
      { x: [1, 8, 8, 8], w: [3, 3, 1, 16], groups: 8 }, // multiplier 2
      { x: [1, 8, 8, 6], w: [3, 3, 1, 6], groups: 6 }, // 6 channels
    ];
    for (const { x, w, groups } of misuse) {
      expect(() => choose(x, w, { groups, forced: 'depthwise' })).toThrow(/variant depthwise needs groups == input channels == output channels .*multiple of 4/);
    }
    expect(() => choose([1, 8, 8, 6], [3, 3, 1, 6], { groups: 6, forced: 'depthwise' })).toThrow('input [1, 8, 8, 6], weights [3, 3, 1, 6], groups 6');
  });
});
