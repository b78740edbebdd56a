// conv2d / conv1d / depthwiseConv2d on the GPU vs the direct 7-loop CPU reference, over a
// seeded grid of configurations (kernel 1..7 non-square, stride 1..3, dilation 1..3, asymmetric
// pads, groups 1 / divisor / depthwise, channels not multiples of 4, batch 1 and 3, odd sizes)
// plus hand-picked edges, each run with every applicable variant forced.
import type { ActivationKind } from '../../../src/index.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { convOutputSize, resolvePads, type Padding } from '../../../src/ops/conv2d/geometry.ts';
import { CONV2D_VARIANTS, type Conv2dVariant } from '../../../src/ops/conv2d/op.ts';
import { conv2dReference } from '../../../src/ops/conv2d/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { EPILOGUE_ACTIVATIONS, product, type GpuCase } from './case.ts';

interface ConvConfig {
  batch: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  groups: number;
  activation: ActivationKind;
  bias: boolean;
}

function label(c: ConvConfig): string {
  const pad = typeof c.padding === 'string' ? c.padding : `[${c.padding}]`;
  return `${c.batch}x${c.H}x${c.W}x${c.Cin}->${c.Cout} k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilations.join('x')} p${pad} g${c.groups}${c.bias ? ' bias' : ''} ${c.activation}`;
}

function outputSize(c: ConvConfig): [number, number] {
  const pads = resolvePads('test', c.padding, [c.H, c.W], c.kernel, c.strides, c.dilations, 2);
  return [
    convOutputSize(c.H, c.kernel[0], c.strides[0], c.dilations[0], pads[0], pads[2]),
    convOutputSize(c.W, c.kernel[1], c.strides[1], c.dilations[1], pads[1], pads[3]),
  ];
}

const isPointwise = (c: ConvConfig) =>
  c.kernel.every((k) => k === 1) && c.strides.every((s) => s === 1) && (c.padding === 'valid' || (Array.isArray(c.padding) && c.padding.every((p) => p === 0)));
const isImplicitVec4 = (c: ConvConfig) => (c.Cin / c.groups) % 4 === 0 && (c.Cout / c.groups) % 4 === 0;
const isDepthwiseVec4 = (c: ConvConfig) => c.groups > 1 && c.groups === c.Cin && c.Cout === c.Cin && c.Cin % 4 === 0;

function convCase(c: ConvConfig, variant: Conv2dVariant, im2colMaxBytes?: number): GpuCase {
  const name = `conv2d ${variant}${im2colMaxBytes ? ` cap ${im2colMaxBytes}B` : ''} ${label(c)}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ conv2d: variant }, { im2colMaxBytes });
      const rng = new Random(seedOf(name));
      const xShape = [c.batch, c.H, c.W, c.Cin];
      const wShape = [...c.kernel, c.Cin / c.groups, c.Cout];
      const x = { shape: xShape, data: rng.floats(product(xShape)) };
      const w = { shape: wShape, data: rng.floats(product(wShape)) };
      const bias = c.bias ? { shape: [c.Cout], data: rng.floats(c.Cout) } : undefined;
      const pads = resolvePads('test', c.padding, [c.H, c.W], c.kernel, c.strides, c.dilations, 2);
      const activation = resolveActivation('test', c.activation);
      const expected = conv2dReference(x, w, { strides: c.strides, dilations: c.dilations, pads, groups: c.groups, bias, activation });
      const out = engine.conv2d(engine.tensor(xShape, x.data), engine.tensor(wShape, w.data), {
        strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups,
        bias: bias && engine.tensor(bias.shape, bias.data), activation: c.activation,
      });
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}] != [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, reduction(product(wShape.slice(0, 3))), { seed: rng.seed, shape: expected.shape });
    },
  };
}


/** A seeded sample of the configuration grid; resampled until the output is at least 1x1. */
function sampledConfigs(count: number): ConvConfig[] {
  const rng = new Random(20261122);
  const configs: ConvConfig[] = [];
  while (configs.length < count) {
    const groupMode = rng.int(0, 2);
    const groups = groupMode === 0 ? 1 : groupMode === 1 ? rng.int(2, 3) : rng.int(2, 6);
    const CinG = groupMode === 2 ? 1 : rng.int(1, 5);
    const CoutG = groupMode === 2 ? rng.int(1, 2) : rng.int(1, 6);
    const c: ConvConfig = {
      batch: rng.next() < 0.3 ? 3 : 1,
      H: rng.int(1, 13),
      W: rng.int(1, 13),
      Cin: CinG * groups,
      Cout: CoutG * groups,
      kernel: [rng.int(1, 7), rng.int(1, 7)],
      strides: [rng.int(1, 3), rng.int(1, 3)],
      dilations: [rng.int(1, 3), rng.int(1, 3)],
      padding: rng.next() < 0.2 ? (rng.next() < 0.5 ? 'same' : 'same-lower') : [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)],
      groups,
      activation: EPILOGUE_ACTIVATIONS[rng.int(0, EPILOGUE_ACTIVATIONS.length - 1)],
      bias: rng.next() < 0.7,
    };
    const [oh, ow] = outputSize(c);
    if (oh >= 1 && ow >= 1) configs.push(c);
  }
  return configs;
}

const base: Omit<ConvConfig, 'H' | 'W' | 'Cin' | 'Cout' | 'kernel'> = { batch: 1, strides: [1, 1], dilations: [1, 1], padding: 'valid', groups: 1, activation: 'linear', bias: true };
const HAND_PICKED: ConvConfig[] = [
  { ...base, H: 2, W: 3, Cin: 3, Cout: 5, kernel: [5, 5], padding: [2, 2, 2, 2] }, // kernel larger than the input
  { ...base, H: 9, W: 9, Cin: 2, Cout: 3, kernel: [1, 1], strides: [3, 3] }, // stride larger than the kernel
  { ...base, H: 7, W: 8, Cin: 5, Cout: 7, kernel: [3, 3], strides: [2, 2], padding: 'same' },
  { ...base, H: 7, W: 8, Cin: 5, Cout: 7, kernel: [4, 2], strides: [2, 3], padding: 'same-lower' },
  { ...base, H: 6, W: 5, Cin: 6, Cout: 9, kernel: [1, 1], activation: 'relu' }, // pointwise
  { ...base, batch: 3, H: 5, W: 3, Cin: 6, Cout: 4, kernel: [1, 1], groups: 2 }, // grouped pointwise
  { ...base, H: 9, W: 7, Cin: 5, Cout: 10, kernel: [3, 3], padding: 'same', groups: 5, activation: 'relu6' }, // depthwise x2
  { ...base, batch: 3, H: 28, W: 28, Cin: 1, Cout: 32, kernel: [3, 3], activation: 'relu' }, // Keras tutorial first layer
  { ...base, batch: 2, H: 9, W: 7, Cin: 3, Cout: 12, kernel: [3, 3], padding: 'same', activation: 'relu' }, // RGB stem: 3 vec4s of outputs, the last block half full
  { ...base, H: 6, W: 5, Cin: 2, Cout: 24, kernel: [2, 2], strides: [2, 1], bias: false }, // 6 vec4s of outputs, no bias
  { ...base, H: 11, W: 13, Cin: 17, Cout: 19, kernel: [3, 3], padding: [1, 0, 2, 1], activation: 'gelu' },
  // Channels per group a multiple of 4: im2col copies 4 channels per invocation, and its GEMM and
  // the automatic choice go vec4.
  { ...base, H: 7, W: 6, Cin: 8, Cout: 12, kernel: [3, 3], padding: [1, 2, 0, 1], activation: 'relu' },
  { ...base, batch: 3, H: 6, W: 5, Cin: 8, Cout: 8, kernel: [2, 3], strides: [2, 1], padding: 'same', groups: 2 },
  // ... and for the implicit-vec4 kernels' 16x8 tiles: pixel counts off 16, 4 / 12 / 20 channels
  // per group, more than one workgroup each way (64 pixels x 64 channels, or 128 x 32 where that
  // idles fewer channel blocks: 72 channels take three 32-wide blocks, 128 two 64-wide).
  { ...base, batch: 3, H: 9, W: 7, Cin: 4, Cout: 20, kernel: [3, 3], strides: [2, 2], dilations: [2, 1], padding: [2, 1, 1, 2], activation: 'elu' },
  { ...base, H: 3, W: 2, Cin: 12, Cout: 4, kernel: [5, 5], padding: [2, 2, 2, 2], bias: false }, // kernel larger than the input
  { ...base, H: 5, W: 11, Cin: 16, Cout: 32, kernel: [1, 1], strides: [2, 2], padding: [1, 0, 1, 0], groups: 4, activation: 'relu' },
  { ...base, H: 13, W: 13, Cin: 8, Cout: 16, kernel: [3, 3], padding: 'same', activation: 'leakyRelu' },
  { ...base, batch: 2, H: 5, W: 7, Cin: 8, Cout: 72, kernel: [3, 3], padding: 'same' },
  { ...base, batch: 2, H: 6, W: 7, Cin: 4, Cout: 128, kernel: [3, 3], padding: [2, 2, 2, 2], activation: 'relu' },
  // im2col rows padded to whole vec4s (patches of 147 and 2x27 against whole vec4s of output
  // channels): zero columns, weights padded with zero rows, per group.
  { ...base, H: 11, W: 9, Cin: 3, Cout: 64, kernel: [7, 7], strides: [2, 2], padding: 'same', activation: 'relu' }, // a 7x7/2 stem
  { ...base, batch: 2, H: 6, W: 7, Cin: 6, Cout: 8, kernel: [3, 3], padding: [1, 0, 1, 2], groups: 2, activation: 'relu6' },
];

/**
 * Multiplier-1 depthwise shapes for the strip kernel (2 or 4 output pixels by 4 channels per
 * invocation): 3x3 (its rolling-rows path, any stride) and other kernels (its tap loop), over widths
 * that leave 1-3 pixels in the last strip, single pixels, rows wholly in the padding, strides and
 * dilations.
 */
const dw: Omit<ConvConfig, 'H' | 'W' | 'Cin' | 'Cout' | 'groups' | 'kernel'> = { ...base, padding: 'same' };
const depthwise = (c: Omit<ConvConfig, 'Cout' | 'groups'>): ConvConfig => ({ ...c, Cout: c.Cin, groups: c.Cin });
const DEPTHWISE: ConvConfig[] = [
  depthwise({ ...dw, H: 5, W: 7, Cin: 4, kernel: [3, 3], activation: 'relu' }),
  depthwise({ ...dw, batch: 3, H: 7, W: 13, Cin: 8, kernel: [3, 3], bias: false }),
  depthwise({ ...dw, H: 1, W: 1, Cin: 4, kernel: [3, 3], activation: 'leakyRelu' }), // one pixel, all taps but one padded
  depthwise({ ...dw, H: 6, W: 10, Cin: 12, kernel: [3, 3], padding: 'valid', activation: 'relu6' }), // whole strips only
  depthwise({ ...dw, batch: 3, H: 4, W: 9, Cin: 4, kernel: [3, 3], padding: [0, 2, 1, 0] }),
  depthwise({ ...dw, H: 5, W: 12, Cin: 8, kernel: [3, 3], padding: [2, 0, 2, 3], bias: false }), // rows wholly in the padding
  // Enough strips for the 3x3 path to take several rows per invocation: 4 (8400 invocations at
  // one row each) and 8 (30240), with row counts that leave a short last block, in 2 images.
  depthwise({ ...dw, batch: 2, H: 15, W: 13, Cin: 160, kernel: [3, 3], activation: 'relu' }),
  depthwise({ ...dw, batch: 2, H: 21, W: 17, Cin: 320, kernel: [3, 3], padding: [1, 2, 1, 0] }),
  depthwise({ ...dw, H: 1, W: 13, Cin: 20, kernel: [1, 1], padding: 'valid' }),
  depthwise({ ...dw, H: 13, W: 1, Cin: 12, kernel: [3, 1] }),
  depthwise({ ...dw, H: 13, W: 13, Cin: 12, kernel: [5, 5], padding: [2, 1, 0, 3], activation: 'relu6' }),
  depthwise({ ...dw, batch: 3, H: 5, W: 13, Cin: 20, kernel: [5, 5], padding: 'valid', activation: 'sigmoid' }),
  depthwise({ ...dw, H: 7, W: 7, Cin: 8, kernel: [3, 5], activation: 'gelu' }),
  depthwise({ ...dw, H: 2, W: 3, Cin: 4, kernel: [5, 5], padding: [2, 2, 2, 2] }), // kernel larger than the input
  depthwise({ ...dw, H: 13, W: 13, Cin: 8, kernel: [3, 3], strides: [2, 2], activation: 'relu' }),
  // The 3x3 rolling path at other strides: one along each axis, and 5 rows per invocation at
  // stride 2 (11424 invocations at one row each; 21 rows leave a short last block).
  depthwise({ ...dw, H: 9, W: 10, Cin: 8, kernel: [3, 3], strides: [2, 1], activation: 'relu6' }),
  depthwise({ ...dw, H: 10, W: 9, Cin: 4, kernel: [3, 3], strides: [1, 2], padding: [0, 1, 2, 1] }),
  depthwise({ ...dw, batch: 2, H: 41, W: 33, Cin: 64, kernel: [3, 3], strides: [2, 2], activation: 'relu' }),
  depthwise({ ...dw, H: 13, W: 11, Cin: 4, kernel: [3, 3], strides: [3, 3], padding: [1, 1, 1, 1], bias: false }),
  depthwise({ ...dw, H: 13, W: 13, Cin: 12, kernel: [3, 3], dilations: [2, 2] }),
  depthwise({ ...dw, H: 13, W: 13, Cin: 4, kernel: [3, 3], strides: [2, 2], dilations: [2, 2], padding: [2, 2, 2, 2] }),
  depthwise({ ...dw, batch: 3, H: 7, W: 13, Cin: 8, kernel: [5, 3], strides: [2, 1], dilations: [1, 2], padding: [0, 3, 1, 0], activation: 'elu' }),
];

/** Small caps force the im2col path through several chunks, including a ragged last one. */
const CHUNKED: [ConvConfig, number][] = [
  [{ ...base, batch: 3, H: 7, W: 9, Cin: 3, Cout: 5, kernel: [3, 3], padding: 'same' }, 27 * 4 * 10],
  [{ ...base, H: 8, W: 8, Cin: 4, Cout: 6, kernel: [3, 2], groups: 2, padding: [1, 1, 0, 0] }, 12 * 4 * 2 * 7],
  [{ ...base, H: 6, W: 7, Cin: 4, Cout: 8, kernel: [3, 3], padding: 'same' }, 36 * 4 * 10], // 4 channels per invocation
  [{ ...base, batch: 2, H: 5, W: 6, Cin: 3, Cout: 12, kernel: [3, 3], padding: 'same' }, 28 * 4 * 9], // rows padded 27 -> 28
];

function variantsFor(c: ConvConfig): Conv2dVariant[] {
  // implicit-vec4-out and its quad form (input channels one at a time, outputs as vec4s) are forced where they are meant
  // to run, on convolutions of one group whose input channels are not whole vec4s (stems).
  const vec4Out = c.groups === 1 && c.Cout % 4 === 0 && c.Cin % 4 !== 0;
  return CONV2D_VARIANTS.filter((v) => (v !== 'pointwise' || isPointwise(c)) && (v !== 'depthwise' || isDepthwiseVec4(c)) && (v.startsWith('implicit-vec4-out') ? vec4Out : !v.startsWith('implicit-vec4') || isImplicitVec4(c)));
}

function conv1dCase(length: number, Cin: number, Cout: number, kernel: number, stride: number, dilation: number, padding: Padding, groups: number): GpuCase {
  const name = `conv1d ${length}x${Cin}->${Cout} k${kernel} s${stride} d${dilation} p${typeof padding === 'string' ? padding : `[${padding}]`} g${groups}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape: [2, 1, length, Cin], data: rng.floats(2 * length * Cin) };
      const w = { shape: [1, kernel, Cin / groups, Cout], data: rng.floats(kernel * (Cin / groups) * Cout) };
      const pads2d = typeof padding === 'string' ? padding : [0, padding[0], 0, padding[1]];
      const pads = resolvePads('test', pads2d, [1, length], [1, kernel], [1, stride], [1, dilation], 2);
      const expected = conv2dReference(x, w, { strides: [1, stride], dilations: [1, dilation], pads, groups });
      const out = engine.conv1d(engine.tensor([2, length, Cin], x.data), engine.tensor([kernel, Cin / groups, Cout], w.data), {
        strides: stride, dilations: [dilation], padding, groups,
      });
      const want = [2, expected.shape[2], Cout];
      if (out.shape.join() !== want.join()) throw new Error(`${name}: shape [${out.shape}] != [${want}]`);
      expectClose(name, await out.data(), expected.data, reduction(kernel * Cin), { seed: rng.seed, shape: want });
    },
  };
}

function depthwiseApiCase(): GpuCase {
  const name = 'depthwiseConv2d Keras weights [3, 3, 4, 2] stride 2 same';
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape: [1, 9, 10, 4], data: rng.floats(360) };
      const w = { shape: [3, 3, 4, 2], data: rng.floats(72) };
      const pads = resolvePads('test', 'same', [9, 10], [3, 3], [2, 2], [1, 1], 2);
      // Keras [KH, KW, Cin, m] is the grouped layout [KH, KW, 1, Cin*m] with the same bytes.
      const expected = conv2dReference(x, { shape: [3, 3, 1, 8], data: w.data }, { strides: [2, 2], dilations: [1, 1], pads, groups: 4 });
      const out = engine.depthwiseConv2d(engine.tensor(x.shape, x.data), engine.tensor(w.shape, w.data), { strides: 2, padding: 'same' });
      expectClose(name, await out.data(), expected.data, reduction(9), { seed: rng.seed, shape: expected.shape });
    },
  };
}

export const conv2dCases: GpuCase[] = [
  ...[...HAND_PICKED, ...sampledConfigs(48)].flatMap((c) => variantsFor(c).map((v) => convCase(c, v))),
  ...CHUNKED.map(([c, cap]) => convCase(c, 'im2col', cap)),
  ...DEPTHWISE.map((c) => convCase(c, 'depthwise')),
  conv1dCase(17, 3, 5, 3, 1, 1, 'same', 1),
  conv1dCase(20, 4, 6, 5, 2, 2, [3, 1], 2),
  conv1dCase(9, 6, 6, 3, 1, 1, 'valid', 6),
  depthwiseApiCase(),
];
