// conv2d: grouped 2-D convolution, NHWC activations, weights [KH, KW, Cin/groups, Cout] (the
// layout the kernels read; other layouts are converted once, at load). Fused bias + activation.
// Ten kernels compute it; every one can be forced (variants.conv2d) and the automatic choice
// is selectConv2dVariant below:
//   pointwise      1x1, stride 1, no padding: the input already is the GEMM's A matrix
//   im2col         patches unrolled into a scratch matrix (in chunks under a memory cap), then GEMM;
//                  rows padded to whole vec4s where the output channels per group are
//   implicit-vec4  GEMM that gathers patches inside vec4 loads, 16x8 outputs per invocation
//                  (channels per group in and out multiples of 4; shaders/conv2d_implicit_vec4.wgsl)
//   implicit-vec4-quad  the same sharing input loads within quads, where the device has quad
//                  operations (shaders/conv2d_implicit_vec4_quad.wgsl)
//   implicit-vec4-quad-narrow  the same for narrow outputs: an invocation per channel quad and
//                  16 pixels, 16 channels a quad (shaders/conv2d_implicit_vec4_quad_narrow.wgsl)
//   implicit-vec4-out  stems (input channels not whole vec4s, one group, outputs in vec4s): x read
//                  one channel at a time, weights and outputs as vec4s (shaders/conv2d_implicit_vec4_out.wgsl)
//   implicit-vec4-out-quad  the same sharing input loads within quads: an invocation per channel
//                  quad and 16 pixels (shaders/conv2d_implicit_vec4_out_quad.wgsl)
//   implicit       implicit-vec4 with scalar loads, any shape (shaders/conv2d_implicit.wgsl)
//   depthwise  channel multiplier 1, channels a multiple of 4: vec4 loads, a strip of output
//              pixels per invocation (shaders/conv2d_depthwise.wgsl)
//   direct     one invocation per output pixel and channel quad (shaders/conv2d_direct.wgsl):
//              any convolution, the choice for the other depthwise ones
import depthwiseWgsl from '../../../shaders/conv2d_depthwise.wgsl?raw';
import directWgsl from '../../../shaders/conv2d_direct.wgsl?raw';
import implicitWgsl from '../../../shaders/conv2d_implicit.wgsl?raw';
import implicitVec4Wgsl from '../../../shaders/conv2d_implicit_vec4.wgsl?raw';
import implicitVec4QuadWgsl from '../../../shaders/conv2d_implicit_vec4_quad.wgsl?raw';
import implicitVec4QuadNarrowWgsl from '../../../shaders/conv2d_implicit_vec4_quad_narrow.wgsl?raw';
import implicitVec4OutWgsl from '../../../shaders/conv2d_implicit_vec4_out.wgsl?raw';
import implicitVec4OutQuadWgsl from '../../../shaders/conv2d_implicit_vec4_out_quad.wgsl?raw';
import im2colWgsl from '../../../shaders/im2col.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { LINEAR, type ResolvedActivation } from '../activation/kinds.ts';
import { gemmDispatch, vec4Layout, type GemmView } from '../matmul/gemm.ts';
import { padDispatch } from '../pad/op.ts';
import { spreadWorkgroups, type Dispatch, type OpDefinition, type PlanContext, type TensorSpec } from '../op.ts';
import { convOutputSize, resolvePads, type Pads, type Pair, type Padding } from './geometry.ts';
import { conv2dReference } from './reference.ts';

export const CONV2D_VARIANTS = ['pointwise', 'im2col', 'implicit-vec4-quad', 'implicit-vec4-quad-narrow', 'implicit-vec4', 'implicit-vec4-out', 'implicit-vec4-out-quad', 'implicit', 'depthwise', 'direct'] as const;
export type Conv2dVariant = (typeof CONV2D_VARIANTS)[number];

/** Default cap on the im2col scratch matrix; larger convolutions run in chunks of output rows. */
export const DEFAULT_IM2COL_MAX_BYTES = 64 * 2 ** 20;

export interface Conv2dAttrs {
  strides: Pair;
  dilations: Pair;
  padding: Padding;
  groups: number;
  activation: ResolvedActivation;
}

const SHADERS = {
  im2col: { name: 'im2col.wgsl', code: im2colWgsl },
  implicit: { name: 'conv2d_implicit.wgsl', code: implicitWgsl },
  'implicit-vec4': { name: 'conv2d_implicit_vec4.wgsl', code: implicitVec4Wgsl },
  'implicit-vec4-quad': { name: 'conv2d_implicit_vec4_quad.wgsl', code: implicitVec4QuadWgsl },
  'implicit-vec4-quad-narrow': { name: 'conv2d_implicit_vec4_quad_narrow.wgsl', code: implicitVec4QuadNarrowWgsl },
  'implicit-vec4-out': { name: 'conv2d_implicit_vec4_out.wgsl', code: implicitVec4OutWgsl },
  'implicit-vec4-out-quad': { name: 'conv2d_implicit_vec4_out_quad.wgsl', code: implicitVec4OutQuadWgsl },
  depthwise: { name: 'conv2d_depthwise.wgsl', code: depthwiseWgsl },
  direct: { name: 'conv2d_direct.wgsl', code: directWgsl },
};

/** Everything the kernels need, derived once from the shapes and attributes. */
export interface ConvGeometry {
  N: number;
  H: number;
  W: number;
  Cin: number;
  KH: number;
  KW: number;
  CinG: number;
  Cout: number;
  CoutG: number;
  groups: number;
  OH: number;
  OW: number;
  pads: Pads;
  strides: Pair;
  dilations: Pair;
}

export function convGeometry(where: string, x: TensorSpec, w: TensorSpec, attrs: Conv2dAttrs): ConvGeometry {
  if (x.shape.length !== 4) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, H, W, Cin]`);
  if (w.shape.length !== 4) throw new WgnnError(where, `weights ${formatShape(w.shape)} must be [KH, KW, Cin/groups, Cout]`);
  const [N, H, W, Cin] = x.shape;
  const [KH, KW, CinG, Cout] = w.shape;
  const { groups, strides, dilations } = attrs;
  if (!Number.isInteger(groups) || groups < 1) throw new WgnnError(where, `groups ${groups} must be an integer >= 1`);
  if (Cin % groups !== 0) throw new WgnnError(where, `input channels ${Cin} of ${formatShape(x.shape)} are not divisible by groups ${groups}`);
  if (Cout % groups !== 0) throw new WgnnError(where, `output channels ${Cout} of weights ${formatShape(w.shape)} are not divisible by groups ${groups}`);
  if (CinG !== Cin / groups || KH < 1 || KW < 1) {
    throw new WgnnError(where, `weights ${formatShape(w.shape)} do not match input ${formatShape(x.shape)} with groups ${groups}: expected [KH, KW, ${Cin / groups}, Cout]`);
  }
  const pads = resolvePads(where, attrs.padding, [H, W], [KH, KW], strides, dilations, 2);
  const OH = convOutputSize(H, KH, strides[0], dilations[0], pads[0], pads[2]);
  const OW = convOutputSize(W, KW, strides[1], dilations[1], pads[1], pads[3]);
  if (OH < 1 || OW < 1) {
    throw new WgnnError(
      where,
      `output size ${OH}x${OW} is not positive: input ${H}x${W}, kernel ${KH}x${KW}, dilation ${dilations.join('x')}, stride ${strides.join('x')}, pads [${pads.join(', ')}] (top, left, bottom, right); the dilated kernel must fit in the padded input`,
    );
  }
  return { N, H, W, Cin, KH, KW, CinG, Cout, CoutG: Cout / groups, groups, OH, OW, pads, strides, dilations };
}

const isPointwise = (g: ConvGeometry) => g.KH === 1 && g.KW === 1 && g.strides[0] === 1 && g.strides[1] === 1 && g.pads.every((p) => p === 0);

/** What the vec4 implicit GEMM runs: channels per group in and out whole vec4s. */
export const isImplicitVec4 = (g: ConvGeometry) => g.CinG % 4 === 0 && g.CoutG % 4 === 0;

/** What implicit-vec4-out and the vec4-out filter gradients run: one group and output channels in whole vec4s (input channels read one at a time: stems). */
export const isVec4Out = (g: Pick<ConvGeometry, 'groups' | 'Cout'>) => g.groups === 1 && g.Cout % 4 === 0;

/** What the depthwise kernel runs: one input and one output channel per group, whole vec4s of channels. */
const isDepthwiseVec4 = (g: ConvGeometry) => g.CinG === 1 && g.CoutG === 1 && g.groups > 1 && g.Cin % 4 === 0;

/**
 * Pure choice of kernel. Depthwise with channel multiplier 1 and channels a multiple of 4 goes to
 * `depthwise`, other depthwise (one input channel per group) to `direct`; 1x1 convolutions that
 * read the input as it is go to `pointwise`; channels per group in and out multiples of 4 to
 * `implicit-vec4-quad` (its narrow form where that idles fewer channels; `implicit-vec4` on devices
 * without quad operations); the rest to
 * `im2col` where its GEMM reads vec4s (patch rows padded to them from 64 output channels per
 * group) and a patch row fits the scratch cap; stems of one group with output channels in whole
 * vec4s to `implicit-vec4-out-quad` (`implicit-vec4-out` without quad operations); else to `implicit`.
 * The rule and its measurements are in bench/NOTES.md.
 */
export function selectConv2dVariant(g: ConvGeometry, ctx: PlanContext): Conv2dVariant {
  const forced = ctx.forcedVariants.conv2d;
  if (forced !== undefined) {
    if (!(CONV2D_VARIANTS as readonly string[]).includes(forced)) {
      throw new WgnnError('conv2d', `unknown variant '${forced}'; variants: ${CONV2D_VARIANTS.join(', ')}`);
    }
    if (forced === 'pointwise' && !isPointwise(g)) throw new WgnnError('conv2d', 'variant pointwise needs a 1x1 kernel, stride 1 and no padding');
    const quad = forced === 'implicit-vec4-quad' || forced === 'implicit-vec4-quad-narrow' || forced === 'implicit-vec4-out-quad';
    if ((forced === 'implicit-vec4' || forced === 'implicit-vec4-quad' || forced === 'implicit-vec4-quad-narrow') && !isImplicitVec4(g)) {
      throw new WgnnError(
        'conv2d',
        `variant ${forced} needs input and output channels per group that are multiples of 4; got input ${formatShape([g.N, g.H, g.W, g.Cin])}, weights ${formatShape([g.KH, g.KW, g.CinG, g.Cout])}, groups ${g.groups}; use the implicit variant`,
      );
    }
    if ((forced === 'implicit-vec4-out' || forced === 'implicit-vec4-out-quad') && !isVec4Out(g)) {
      throw new WgnnError('conv2d', `variant ${forced} needs one group and output channels that are a multiple of 4; got weights ${formatShape([g.KH, g.KW, g.CinG, g.Cout])}, groups ${g.groups}; use the implicit variant`);
    }
    if (quad && !ctx.quadOps) {
      throw new WgnnError('conv2d', `variant ${forced} needs the device feature 'subgroups' and WGSL's subgroup_id, which this device lacks; use ${forced === 'implicit-vec4-out-quad' ? 'implicit-vec4-out' : 'implicit-vec4'}`);
    }
    if (forced === 'depthwise' && !isDepthwiseVec4(g)) {
      throw new WgnnError(
        'conv2d',
        `variant depthwise needs groups == input channels == output channels (weights [KH, KW, 1, C]) and channels a multiple of 4; got input ${formatShape([g.N, g.H, g.W, g.Cin])}, weights ${formatShape([g.KH, g.KW, g.CinG, g.Cout])}, groups ${g.groups}; use the direct variant`,
      );
    }
    return forced as Conv2dVariant;
  }
  if (isDepthwiseVec4(g)) return 'depthwise';
  if (g.CinG === 1 && g.groups > 1) return 'direct';
  if (isPointwise(g)) return 'pointwise';
  if (isImplicitVec4(g)) return !ctx.quadOps ? 'implicit-vec4' : narrowIdlesLess(g.CoutG) ? 'implicit-vec4-quad-narrow' : 'implicit-vec4-quad';
  const rowFits = im2colRowBytes(g) <= im2colCap(ctx);
  const padded = im2colRowLength(g) > patchLength(g);
  const worthIt = !padded || g.CoutG >= PADDED_IM2COL_MIN_CHANNELS;
  if (rowFits && worthIt && vec4Layout(im2colGemmView(g, 1, 0, false, LINEAR))) return 'im2col';
  if (!isVec4Out(g)) return 'implicit';
  return ctx.quadOps ? 'implicit-vec4-out-quad' : 'implicit-vec4-out';
}

/**
 * Whether the narrow quad kernel (16 channels a quad) leaves fewer output channels idle than the
 * quad kernel (32 a quad): CoutG mod 32 in [1, 16]. Where both fill their quads they measured
 * level; over 16 and 48 channels narrow took 40-50% less time (bench/NOTES.md).
 */
const narrowIdlesLess = (CoutG: number) => Math.ceil(CoutG / 16) * 16 < Math.ceil(CoutG / 32) * 32;

/**
 * Output channels per group from which im2col with padded rows beats the implicit kernel: its
 * GEMM's workgroups span 64 columns, so narrower outputs leave most of them idle. Measured (Node):
 * 7x7/2 112x112x3->64 1.7x faster, 3x3 28x28x1->32 level, 3x3 32x32x3->16 1.6x slower.
 */
const PADDED_IM2COL_MIN_CHANNELS = 64;

/** Taps of one group's patch, KH*KW*CinG: the im2col GEMM's K before any padding. */
const patchLength = (g: ConvGeometry) => g.KH * g.KW * g.CinG;

/**
 * Stored length of an im2col row. Where the output channels per group are whole vec4s but the
 * patch is not, as in stem convolutions of 1 or 3 channels, the row is rounded up to a multiple
 * of 4 with zero columns and the weights get as many zero rows (a pad dispatch), so that the GEMM
 * reads vec4s: the 7x7/2 stem ran 1.7x faster in Node, ~2x in the full bench (bench/NOTES.md).
 */
function im2colRowLength(g: ConvGeometry): number {
  const taps = patchLength(g);
  return g.CoutG % 4 === 0 ? Math.ceil(taps / 4) * 4 : taps;
}

/** The GEMM after im2col for `rows` output pixels from `rowStart`: per group, patches x weights. */
function im2colGemmView(g: ConvGeometry, rows: number, rowStart: number, hasBias: boolean, activation: ResolvedActivation): GemmView {
  const rowLength = im2colRowLength(g);
  return {
    M: rows, N: g.CoutG, K: rowLength, transposeA: false, transposeB: false,
    lda: rowLength, ldb: g.Cout, ldc: g.Cout,
    batchShape: [g.groups], aBatchStrides: [rows * rowLength], bBatchStrides: [g.CoutG],
    outBatchStride: g.CoutG, outOffset: rowStart * g.Cout,
    bias: hasBias ? { strideZ: g.CoutG, strideM: 0, strideN: 1 } : undefined,
    activation,
  };
}

function windowParams(g: ConvGeometry) {
  return {
    H: g.H, W: g.W, Cin: g.Cin, CinG: g.CinG, OH: g.OH, OW: g.OW, KW: g.KW,
    strideH: g.strides[0], strideW: g.strides[1], dilationH: g.dilations[0], dilationW: g.dilations[1],
    padTop: g.pads[0], padLeft: g.pads[1],
  };
}

/** Bytes of one output pixel's row of the im2col matrix (all groups). */
const im2colRowBytes = (g: ConvGeometry) => g.groups * im2colRowLength(g) * 4;

const im2colCap = (ctx: PlanContext) => Math.min(ctx.im2colMaxBytes ?? DEFAULT_IM2COL_MAX_BYTES, ctx.limits.maxStorageBufferBindingSize);

function im2colPlan(g: ConvGeometry, hasBias: boolean, act: ResolvedActivation, ctx: PlanContext) {
  const tapCols = patchLength(g);
  const rowLength = im2colRowLength(g);
  const pixels = g.N * g.OH * g.OW;
  const cap = im2colCap(ctx);
  const rowBytes = im2colRowBytes(g);
  const chunkRows = Math.min(pixels, Math.floor(cap / rowBytes));
  const perInvocation = g.CinG % 4 === 0 ? 4 : 1; // channels one im2col invocation copies
  if (chunkRows < 1) {
    throw new WgnnError('conv2d', `one im2col row needs ${rowBytes} bytes, over the ${cap}-byte cap; use the implicit variant`);
  }
  const dispatches: Dispatch[] = [];
  const scratchBytes = [chunkRows * rowBytes];
  // Patch rows rounded up to whole vec4s: the weights [tapCols, Cout] get the same zero rows, in scratch 1.
  const padWeights = rowLength > tapCols;
  if (padWeights) {
    scratchBytes.push(rowLength * g.Cout * 4);
    dispatches.push(padDispatch('conv2d weights', [tapCols, g.Cout], [rowLength, g.Cout], [0, 0], 'constant', 0, { input: { input: 1 }, output: { scratch: 1 } }, ctx));
  }
  for (let rowStart = 0; rowStart < pixels; rowStart += chunkRows) {
    const rows = Math.min(chunkRows, pixels - rowStart);
    const count = g.groups * rows * rowLength;
    dispatches.push({
      shader: SHADERS.im2col,
      overrides: { WG_SIZE: 256, PER_INVOCATION: perInvocation },
      params: { count, rows, rowStart, tapCols, rowLength, ...windowParams(g) },
      bindings: [{ input: 0 }, { scratch: 0 }],
      workgroups: spreadWorkgroups('conv2d im2col', Math.ceil(count / (256 * perInvocation)), ctx.limits),
    });
    const bindings = { a: { scratch: 0 }, b: padWeights ? { scratch: 1 } : { input: 1 }, bias: hasBias ? { input: 2 } : undefined, out: { output: 0 } };
    dispatches.push(gemmDispatch('conv2d', im2colGemmView(g, rows, rowStart, hasBias, act), bindings, ctx));
  }
  return { scratchBytes, dispatches };
}

/** Output pixels x output channels per workgroup of each implicit GEMM, and its workgroup shape. */
const IMPLICIT_TILES = {
  'implicit-vec4-quad': { pixels: 64, channels: 64, wg: [8, 4] }, // WG_X a multiple of 4: a quad's blocks share their pixels
  'implicit-vec4-quad-narrow': { pixels: 128, channels: 16, wg: [4, 8] }, // a quad per 16 channels x 16 pixels
  'implicit-vec4-out': { pixels: 128, channels: 16, wg: [2, 32] }, // 4 pixels x 8 channels an invocation
  'implicit-vec4-out-quad': { pixels: 128, channels: 16, wg: [4, 8] }, // a quad per 16 channels x 16 pixels
  'implicit-vec4': { pixels: 64, channels: 64, wg: [8, 4] },
  implicit: { pixels: 32, channels: 32, wg: [8, 8] },
} as const;

/**
 * The vec4 kernels' tile for CoutG output channels per group: 32 channels x 128 pixels (a 4x8
 * workgroup) where that leaves fewer idle channel blocks than 64 x 64 (32 or 96 channels). The quad
 * kernel's idle invocations cannot return early (their quad mates need them), so a 64-wide tile
 * over 32 channels did twice the work: the Keras CNN's input gradient, 3x3 11x11x64->32 padded by
 * 2, batch 32, ran 92 ms against 38 ms for implicit-vec4 (bench:kernels, Chromium).
 */
function implicitTile(variant: keyof typeof IMPLICIT_TILES, CoutG: number) {
  const tile = IMPLICIT_TILES[variant];
  if (variant !== 'implicit-vec4' && variant !== 'implicit-vec4-quad') return tile;
  const idle = (width: number) => Math.ceil(CoutG / width) * width - CoutG;
  return idle(32) < idle(64) ? { pixels: 128, channels: 32, wg: [4, 8] as const } : tile;
}

/** An implicit-GEMM dispatch: one invocation per register block of pixels x channels, z over groups. */
function implicitDispatch(
  variant: keyof typeof IMPLICIT_TILES, g: ConvGeometry, out: TensorSpec, hasBias: boolean, act: ResolvedActivation,
  common: Record<string, number>, bindings: Dispatch['bindings'], ctx: PlanContext,
): Dispatch {
  const tile = implicitTile(variant, g.CoutG);
  const M = g.N * g.OH * g.OW;
  const workgroups: [number, number, number] = [Math.ceil(g.CoutG / tile.channels), Math.ceil(M / tile.pixels), g.groups];
  if (workgroups.some((n) => n > ctx.limits.maxComputeWorkgroupsPerDimension)) {
    throw new WgnnError('conv2d', `output ${formatShape(out.shape)} needs workgroups ${formatShape(workgroups)}, past the device limit`);
  }
  return {
    shader: SHADERS[variant],
    overrides: { HAS_BIAS: Number(hasBias), ACTIVATION: act.code, WG_X: tile.wg[0], WG_Y: tile.wg[1] },
    params: { M, CoutG: g.CoutG, ...common },
    bindings,
    workgroups,
  };
}

/** Output rows per invocation of the depthwise 3x3 path, and the invocations it keeps at least. */
const DEPTHWISE_ROWS = 8;
const DEPTHWISE_MIN_INVOCATIONS = 2048;

/**
 * The depthwise kernel: an invocation per strip of output pixels along W, channel quad and block
 * of rows. 3x3 kernels with dilation 1 take its rolling-rows path (KERNEL_3X3): strips of 2
 * (1 where strideW > 1), up to 8 rows per invocation (fewer where that would leave under 2048
 * invocations). Any other kernel takes its tap loop: strips of 4, a row each. Measurements in
 * bench/NOTES.md.
 */
function depthwiseDispatch(g: ConvGeometry, hasBias: boolean, act: ResolvedActivation, bindings: Dispatch['bindings'], ctx: PlanContext): Dispatch {
  const is3x3 = g.KH === 3 && g.KW === 3 && g.dilations.every((v) => v === 1);
  const C4 = g.Cin / 4;
  const stripWidth = !is3x3 ? 4 : g.strides[1] === 1 ? 2 : 1;
  const strips = Math.ceil(g.OW / stripWidth);
  const rowInvocations = g.N * g.OH * strips * C4; // invocations at one row each
  const rowsPer = is3x3 ? Math.max(1, Math.min(DEPTHWISE_ROWS, g.OH, Math.floor(rowInvocations / DEPTHWISE_MIN_INVOCATIONS))) : 1;
  const rowBlocks = Math.ceil(g.OH / rowsPer);
  const count = g.N * rowBlocks * strips * C4;
  return {
    shader: SHADERS.depthwise,
    overrides: { HAS_BIAS: Number(hasBias), ACTIVATION: act.code, WG_SIZE: 64, KERNEL_3X3: Number(is3x3) },
    params: {
      count, H: g.H, W: g.W, C4, OH: g.OH, OW: g.OW, strips, stripWidth, rowsPer, rowBlocks, KH: g.KH, KW: g.KW,
      strideH: g.strides[0], strideW: g.strides[1], dilationH: g.dilations[0], dilationW: g.dilations[1],
      padTop: g.pads[0], padLeft: g.pads[1], alpha: act.alpha, beta: act.beta,
    },
    bindings,
    workgroups: spreadWorkgroups('conv2d', Math.ceil(count / 64), ctx.limits),
  };
}

export const conv2dOp: OpDefinition<Conv2dAttrs> = {
  name: 'conv2d',

  infer(where, [x, w, bias], attrs) {
    if (!x || !w) throw new WgnnError(where, 'needs an input and weights');
    if (x.dtype !== 'float32' || w.dtype !== 'float32') throw new WgnnError(where, 'input and weights must be float32');
    const g = convGeometry(where, x, w, attrs);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== g.Cout)) {
      throw new WgnnError(where, `bias ${formatShape(bias.shape)} must be [${g.Cout}] (one per output channel)`);
    }
    return [{ shape: [g.N, g.OH, g.OW, g.Cout], dtype: 'float32' }];
  },

  plan([x, w, bias], [out], attrs, ctx) {
    const g = convGeometry('conv2d', x!, w!, attrs);
    const act = attrs.activation;
    if (sizeOf(out.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const variant = selectConv2dVariant(g, ctx);
    const biasBinding = bias ? { input: 2 } : { unused: true as const };
    if (variant === 'im2col') return im2colPlan(g, !!bias, act, ctx);
    if (variant === 'pointwise') {
      const dispatch = gemmDispatch(
        'conv2d',
        {
          M: g.N * g.H * g.W, N: g.CoutG, K: g.CinG, transposeA: false, transposeB: false,
          lda: g.Cin, ldb: g.Cout, ldc: g.Cout,
          batchShape: [g.groups], aBatchStrides: [g.CinG], bBatchStrides: [g.CoutG],
          outBatchStride: g.CoutG, outOffset: 0,
          bias: bias ? { strideZ: g.CoutG, strideM: 0, strideN: 1 } : undefined,
          activation: act,
        },
        { a: { input: 0 }, b: { input: 1 }, bias: bias ? { input: 2 } : undefined, out: { output: 0 } },
        ctx,
      );
      return { scratchBytes: [], dispatches: [dispatch] };
    }
    const bindings = [{ input: 0 }, { input: 1 }, biasBinding, { output: 0 }];
    if (variant === 'depthwise') return { scratchBytes: [], dispatches: [depthwiseDispatch(g, !!bias, act, bindings, ctx)] };
    const common = { ...windowParams(g), Cout: g.Cout, KH: g.KH, alpha: act.alpha, beta: act.beta };
    if (variant !== 'direct') {
      return { scratchBytes: [], dispatches: [implicitDispatch(variant, g, out, !!bias, act, common, bindings, ctx)] };
    }
    const count = g.N * g.OH * g.OW * Math.ceil(g.Cout / 4);
    return {
      scratchBytes: [],
      dispatches: [{
        shader: SHADERS.direct,
        overrides: { HAS_BIAS: Number(!!bias), ACTIVATION: act.code, WG_SIZE: 64 },
        params: { count, CoutG: g.CoutG, ...common },
        bindings,
        workgroups: spreadWorkgroups('conv2d', Math.ceil(count / 64), ctx.limits),
      }],
    };
  },

  reference([x, w, bias], attrs) {
    const g = convGeometry('conv2d', { shape: x!.shape, dtype: 'float32' }, { shape: w!.shape, dtype: 'float32' }, attrs);
    return [conv2dReference(x!, w!, { strides: g.strides, dilations: g.dilations, pads: g.pads, groups: g.groups, bias, activation: attrs.activation })];
  },
};
