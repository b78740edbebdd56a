// conv2dBackwardFilter: the gradient of conv2d's weights, dw [KH, KW, Cin/groups, Cout], from the
// forward input x [N, H, W, Cin] and the output gradient dy [N, OH, OW, Cout] (NHWC). Per group it
// is one GEMM, patches^T x dy, with K = N*OH*OW; every dw element is owned by one invocation (a
// gather: no atomics, the same inputs give the same bits). Six kernels, each forcible
// (variants.conv2dBackwardFilter), chosen by selectBackwardFilterVariant:
//   vec4       channels per group in and out multiples of 4: 16x8 register blocks, vec4 loads
//              (shaders/conv2d_backward_filter_vec4.wgsl)
//   vec4-quad  the same sharing x loads within quads, where the device has quad operations
//              (shaders/conv2d_backward_filter_vec4_quad.wgsl)
//   vec4-out   one group, output channels in vec4s, input channels read one at a time: stems
//              (shaders/conv2d_backward_filter_vec4_out.wgsl)
//   vec4-out-quad  the same sharing x loads within quads: a quad owns 16 rows x 16 channels
//              (shaders/conv2d_backward_filter_vec4_out_quad.wgsl)
//   depthwise  groups = Cin = Cout (multiplier 1), channels a multiple of 4: 4 taps x 4 channels
//              per invocation (shaders/conv2d_backward_filter_depthwise.wgsl)
//   scalar     any shape: 4x4 blocks, scalar loads (shaders/conv2d_backward_filter.wgsl)
// K is long and dw small (a 3x3 conv of 32 -> 64 channels has 18432 weights, K = 18432 for a
// batch of 32 26x26 images): a few hundred blocks cannot fill a device, so the output rows
// (n, oh) are split into chunks whose partial dw are summed in order by a reduce pass (split-K).
import vec4Wgsl from '../../../shaders/conv2d_backward_filter_vec4.wgsl?raw';
import vec4QuadWgsl from '../../../shaders/conv2d_backward_filter_vec4_quad.wgsl?raw';
import vec4OutWgsl from '../../../shaders/conv2d_backward_filter_vec4_out.wgsl?raw';
import vec4OutQuadWgsl from '../../../shaders/conv2d_backward_filter_vec4_out_quad.wgsl?raw';
import scalarWgsl from '../../../shaders/conv2d_backward_filter.wgsl?raw';
import depthwiseWgsl from '../../../shaders/conv2d_backward_filter_depthwise.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { convOutputSize, resolvePads, type Pads, type Pair, type Padding } from '../conv2d/geometry.ts';
import { isVec4Out } from '../conv2d/op.ts';
import { spreadWorkgroups, type Dispatch, type OpDefinition, type PlanContext, type TensorSpec } from '../op.ts';
import { reducePass, reduceRuns } from '../reduce/op.ts';
import { conv2dBackwardFilterReference } from './reference.ts';

export const BACKWARD_FILTER_VARIANTS = ['vec4-quad', 'vec4', 'vec4-out', 'vec4-out-quad', 'depthwise', 'scalar'] as const;
export type BackwardFilterVariant = (typeof BACKWARD_FILTER_VARIANTS)[number];

export interface Conv2dBackwardFilterAttrs {
  strides: Pair;
  dilations: Pair;
  /** The forward's padding, resolved against x as conv2d does. */
  padding: Padding;
  groups: number;
  /** [KH, KW] of the filter. */
  kernel: Pair;
}

const SHADERS = {
  vec4: { name: 'conv2d_backward_filter_vec4.wgsl', code: vec4Wgsl },
  'vec4-quad': { name: 'conv2d_backward_filter_vec4_quad.wgsl', code: vec4QuadWgsl },
  'vec4-out': { name: 'conv2d_backward_filter_vec4_out.wgsl', code: vec4OutWgsl },
  'vec4-out-quad': { name: 'conv2d_backward_filter_vec4_out_quad.wgsl', code: vec4OutQuadWgsl },
  depthwise: { name: 'conv2d_backward_filter_depthwise.wgsl', code: depthwiseWgsl },
  scalar: { name: 'conv2d_backward_filter.wgsl', code: scalarWgsl },
};

/** Rows x columns of dw each invocation owns, per variant (the depthwise rows are taps, columns channels). */
const TILES = { vec4: [16, 8], 'vec4-quad': [16, 8], 'vec4-out': [4, 8], 'vec4-out-quad': [16, 16], depthwise: [4, 4], scalar: [4, 4] } as const;
const WG_SIZE = 32;
/**
 * vec4-quad's workgroups hold blocks of one group and split only (its loop bounds must be uniform
 * per workgroup), so a small workgroup wastes few lanes: 2 quads. Measured (Node, x [32,28,28,16]
 * -> 32: 4 column blocks, 36 per split): 50 ms at 8, 71 at 16, 88 at 32; larger layers level.
 */
const QUAD_WG_SIZE = 8;

interface Geometry {
  N: number; H: number; W: number; Cin: number; CinG: number; Cout: number; CoutG: number;
  groups: number; KH: number; KW: number; OH: number; OW: number; pads: Pads; strides: Pair; dilations: Pair;
}

function geometry(where: string, x: TensorSpec, dy: TensorSpec, attrs: Conv2dBackwardFilterAttrs): Geometry {
  if (x.shape.length !== 4) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, H, W, Cin]`);
  if (dy.shape.length !== 4) throw new WgnnError(where, `output gradient ${formatShape(dy.shape)} must be [N, OH, OW, Cout]`);
  const [N, H, W, Cin] = x.shape;
  const [dyN, OH, OW, Cout] = dy.shape;
  const { groups, strides, dilations, kernel } = attrs;
  if (!Number.isInteger(groups) || groups < 1 || Cin % groups !== 0 || Cout % groups !== 0) {
    throw new WgnnError(where, `groups ${groups} must be an integer >= 1 dividing the input channels of ${formatShape(x.shape)} and the output channels of ${formatShape(dy.shape)}`);
  }
  if (kernel.length !== 2 || kernel.some((k) => !Number.isInteger(k) || k < 1)) throw new WgnnError(where, `kernel [${kernel.join(', ')}] must be 2 integers >= 1`);
  const [KH, KW] = kernel;
  const pads = resolvePads(where, attrs.padding, [H, W], kernel, strides, dilations, 2);
  const wantH = convOutputSize(H, KH, strides[0], dilations[0], pads[0], pads[2]);
  const wantW = convOutputSize(W, KW, strides[1], dilations[1], pads[1], pads[3]);
  if (wantH < 1 || wantW < 1) {
    throw new WgnnError(where, `the convolution of input ${formatShape(x.shape)} with kernel ${KH}x${KW}, dilation ${dilations.join('x')}, pads [${pads.join(', ')}] has no output (${wantH}x${wantW}); the dilated kernel must fit in the padded input`);
  }
  if (dyN !== N || OH !== wantH || OW !== wantW) {
    throw new WgnnError(
      where,
      `output gradient ${formatShape(dy.shape)} does not match the convolution of input ${formatShape(x.shape)} with kernel ${KH}x${KW}, stride ${strides.join('x')}, dilation ${dilations.join('x')}, pads [${pads.join(', ')}]: expected [${N}, ${wantH}, ${wantW}, Cout]`,
    );
  }
  return { N, H, W, Cin, CinG: Cin / groups, Cout, CoutG: Cout / groups, groups, KH, KW, OH, OW, pads, strides, dilations };
}

/**
 * Output channels per group for which vec4-quad is chosen: whole quads of column blocks (32
 * channels), or from 64 on, where a part-idle quad is a small share. Measured (Node, p25): x
 * [64,15,15,16] -> 32 vec4 64 ms, vec4-quad 49; [32,28,28,16] -> 32 112 vs 81; -> 16 46 vs 75
 * (half the quad idle); -> 48 180 vs 173.
 */
const quadFills = (CoutG: number) => CoutG % 32 === 0 || CoutG >= 64;

/** The share of vec4-out-quad's 16 x 16 blocks that holds filter rows and output channels. */
const outQuadFill = (g: Geometry) => {
  const [rowTiles, colTiles] = tilesOf('vec4-out-quad', g);
  const [tileRows, tileCols] = TILES['vec4-out-quad'];
  return (g.KH * g.KW * g.Cin * g.Cout) / (rowTiles * tileRows * colTiles * tileCols);
};
/**
 * The fill from which vec4-out-quad is chosen over vec4-out. Measured (Node, p25): x [64,32,32,3]
 * -> 16 (27 rows, 84% filled) 36 -> 24 ms; [32,28,28,1] -> 32 (9 rows, 56%) 12 vs 11; [8,56,56,3]
 * -> 24 (63%) 22 vs 23.
 */
const OUT_QUAD_MIN_FILL = 0.75;

const isVec4 = (g: Geometry) => g.CinG % 4 === 0 && g.CoutG % 4 === 0;
const isDepthwiseVec4 = (g: Geometry) => g.CinG === 1 && g.CoutG === 1 && g.groups % 4 === 0;

/**
 * Pure choice of kernel: where the channels allow vec4 loads, vec4-quad where its quads fill
 * (quadFills) on devices with quad operations, else vec4; then depthwise; then for one group with
 * output channels in vec4s vec4-out-quad where its blocks fill (OUT_QUAD_MIN_FILL), else vec4-out
 * (stems: x [64,32,32,3] -> 16 55-68 ms scalar, 39-41 vec4-out; x [32,28,28,1] -> 32 26-46
 * scalar, 12-29 vec4-out); else scalar. Measured (Node,
 * SwiftShader, medians of 15; this machine's timings vary by ~20% run to run): x [32,26,26,32] -> 64
 * vec4-quad 178-193 ms, vec4 217-249, scalar 484-535 (the forward conv: implicit-vec4 240,
 * implicit-vec4-quad 156-158); x [32,14,14,64] -> 128 vec4-quad 165-185, vec4 260; where a quad's column
 * blocks pass the group's channels vec4-quad loses (x [32,28,28,8] -> 8: 35 vs 15 ms).
 * Depthwise x [32,28,28,32]: depthwise 20 ms, scalar 44.
 */
export function selectBackwardFilterVariant(g: Geometry, ctx: PlanContext): BackwardFilterVariant {
  const forced = ctx.forcedVariants.conv2dBackwardFilter;
  if (forced === undefined) {
    if (isVec4(g)) return ctx.quadOps && quadFills(g.CoutG) ? 'vec4-quad' : 'vec4';
    if (isDepthwiseVec4(g)) return 'depthwise';
    if (!isVec4Out(g)) return 'scalar';
    return ctx.quadOps && outQuadFill(g) >= OUT_QUAD_MIN_FILL ? 'vec4-out-quad' : 'vec4-out';
  }
  if (!(BACKWARD_FILTER_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError('conv2dBackwardFilter', `unknown variant '${forced}'; variants: ${BACKWARD_FILTER_VARIANTS.join(', ')}`);
  }
  if ((forced === 'vec4' || forced === 'vec4-quad') && !isVec4(g)) {
    throw new WgnnError('conv2dBackwardFilter', `variant ${forced} needs input and output channels per group that are multiples of 4; got ${g.CinG} and ${g.CoutG}; use scalar`);
  }
  if ((forced === 'vec4-quad' || forced === 'vec4-out-quad') && !ctx.quadOps) {
    throw new WgnnError('conv2dBackwardFilter', `variant ${forced} needs the device feature 'subgroups' and WGSL's subgroup_id, which this device lacks; use ${forced === 'vec4-quad' ? 'vec4' : 'vec4-out'}`);
  }
  if ((forced === 'vec4-out' || forced === 'vec4-out-quad') && !isVec4Out(g)) {
    throw new WgnnError('conv2dBackwardFilter', `variant ${forced} needs one group and output channels that are a multiple of 4; got ${g.Cin} -> ${g.Cout} channels in ${g.groups} groups; use scalar`);
  }
  if (forced === 'depthwise' && !isDepthwiseVec4(g)) {
    throw new WgnnError('conv2dBackwardFilter', `variant depthwise needs groups == input channels == output channels, a multiple of 4; got ${g.Cin} -> ${g.Cout} channels in ${g.groups} groups; use scalar`);
  }
  return forced as BackwardFilterVariant;
}

/**
 * Invocations from which a dispatch is left unsplit, and the least output pixels a split walks.
 * On a 2-core SwiftShader the split neither helps nor hurts (x [32,26,26,32] -> 64, vec4: 242 ms
 * unsplit, 254 ms in 15 splits, within the noise); it is there for devices with more lanes.
 */
const TARGET_INVOCATIONS = 2048;
const MIN_SPLIT_PIXELS = 256;

/**
 * Splits of K (chunks of whole output rows) for `blocks` register blocks: enough to reach
 * TARGET_INVOCATIONS, none walking fewer than MIN_SPLIT_PIXELS output pixels, at most `maxSplits`
 * (the partials' scratch must fit a binding).
 */
export function splitRows(blocks: number, rows: number, rowPixels: number, maxSplits: number): { splits: number; rowsPerSplit: number } {
  const byWork = Math.floor((rows * rowPixels) / MIN_SPLIT_PIXELS);
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_INVOCATIONS / blocks), byWork, rows, maxSplits));
  const rowsPerSplit = Math.ceil(rows / wanted);
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

/** The register blocks of dw of one split: [row tiles, column tiles], per group for the GEMM variants. */
function tilesOf(variant: BackwardFilterVariant, g: Geometry): [rows: number, cols: number] {
  const [tileRows, tileCols] = TILES[variant];
  if (variant === 'depthwise') return [Math.ceil((g.KH * g.KW) / tileRows), g.Cin / 4];
  return [Math.ceil((g.KH * g.KW * g.CinG) / tileRows), Math.ceil(g.CoutG / tileCols)];
}

/** The kernel's params: the window, the split of K, and the block decomposition of each variant. */
function kernelParams(variant: BackwardFilterVariant, g: Geometry, split: { splits: number; rowsPerSplit: number }): Record<string, number> {
  const window = {
    H: g.H, W: g.W, OH: g.OH, OW: g.OW, KW: g.KW, strideH: g.strides[0], strideW: g.strides[1], dilationH: g.dilations[0], dilationW: g.dilations[1],
    padTop: g.pads[0], padLeft: g.pads[1], rows: g.N * g.OH, rowsPerSplit: split.rowsPerSplit,
  };
  const [rowTiles, colTiles] = tilesOf(variant, g);
  if (variant === 'depthwise') {
    const taps = g.KH * g.KW;
    return { count: split.splits * rowTiles * colTiles, C4: colTiles, tapTiles: rowTiles, taps, splitStride: taps * colTiles, ...window };
  }
  const M = g.KH * g.KW * g.CinG;
  return {
    count: split.splits * g.groups * rowTiles * colTiles, colTiles, rowTiles, groups: g.groups, M,
    CinG: g.CinG, Cin: g.Cin, CoutG: g.CoutG, Cout: g.Cout, splitStride: (M * g.Cout) / (variant === 'scalar' ? 1 : 4), ...window,
  };
}

/** vec4-quad: x over the blocks of one group and split, z over groups and splits (uniform per workgroup). */
function quadWorkgroups(blocks: number, groupSplits: number, ctx: PlanContext): [number, number, number] {
  const workgroups: [number, number, number] = [Math.ceil(blocks / QUAD_WG_SIZE), 1, groupSplits];
  if (workgroups.some((n) => n > ctx.limits.maxComputeWorkgroupsPerDimension)) {
    throw new WgnnError('conv2dBackwardFilter', `needs workgroups [${workgroups.join(', ')}], past the device limit of ${ctx.limits.maxComputeWorkgroupsPerDimension}; use vec4`);
  }
  return workgroups;
}

export const conv2dBackwardFilterOp: OpDefinition<Conv2dBackwardFilterAttrs> = {
  name: 'conv2dBackwardFilter',

  infer(where, [x, dy], attrs) {
    if (!x || !dy) throw new WgnnError(where, 'needs the forward input and the output gradient');
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new WgnnError(where, 'input and output gradient must be float32');
    const g = geometry(where, x, dy, attrs);
    return [{ shape: [g.KH, g.KW, g.CinG, g.Cout], dtype: 'float32' }];
  },

  plan([x, dy], [out], attrs, ctx) {
    const g = geometry('conv2dBackwardFilter', x!, dy!, attrs);
    const outCount = sizeOf(out.shape);
    if (outCount === 0) return { scratchBytes: [], dispatches: [] };
    const variant = selectBackwardFilterVariant(g, ctx);
    const [rowTiles, colTiles] = tilesOf(variant, g);
    // vec4-quad runs whole quads of column blocks: 4 per ceil(colTiles / 4), some storing nothing;
    // vec4-out-quad 4 invocations per 16 x 16 block.
    const blocksPerSplit = variant === 'depthwise' ? rowTiles * colTiles
      : variant === 'vec4-out-quad' ? 4 * rowTiles * colTiles
      : g.groups * rowTiles * (variant === 'vec4-quad' ? 4 * Math.ceil(colTiles / 4) : colTiles);
    const quads = variant === 'vec4-quad' || variant === 'vec4-out-quad';
    const maxSplits = Math.floor(ctx.limits.maxStorageBufferBindingSize / (outCount * 4));
    const split = splitRows(blocksPerSplit, g.N * g.OH, g.OW, maxSplits);
    const params = kernelParams(variant, g, split);
    const kernel: Dispatch = {
      shader: SHADERS[variant],
      overrides: { WG_SIZE: quads ? QUAD_WG_SIZE : WG_SIZE },
      params,
      bindings: [{ input: 0 }, { input: 1 }, split.splits > 1 ? { scratch: 0 } : { output: 0 }],
      workgroups: quads
        ? quadWorkgroups(blocksPerSplit / g.groups, g.groups * split.splits, ctx)
        : spreadWorkgroups('conv2dBackwardFilter', Math.ceil(params.count / WG_SIZE), ctx.limits),
    };
    if (split.splits === 1) return { scratchBytes: [], dispatches: [kernel] };
    // The partials [splits, dw] summed over the splits, in order, by the reduce kernel.
    const sum = reducePass('sum', outCount, reduceRuns([split.splits, outCount], [0]), split.splits, [{ scratch: 0 }, { output: 0 }], ctx);
    return { scratchBytes: [split.splits * outCount * 4], dispatches: [kernel, sum] };
  },

  reference([x, dy], attrs) {
    const g = geometry('conv2dBackwardFilter', { shape: x!.shape, dtype: 'float32' }, { shape: dy!.shape, dtype: 'float32' }, attrs);
    return [conv2dBackwardFilterReference(x!, dy!, { strides: attrs.strides, dilations: attrs.dilations, pads: g.pads, groups: g.groups, kernel: [g.KH, g.KW] })];
  },
};
