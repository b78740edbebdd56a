// ONNX convolution-family ops on channels-last data: Conv, ConvTranspose, MaxPool, AveragePool,
// GlobalAveragePool, GlobalMaxPool, BatchNormalization, DepthToSpace. 1-D variants run as 2-D of
// height 1 through reshape views. Weights are re-laid-out once, on the host, when constant.
import { WgnnError } from '../../errors.ts';
import { resolveActivation } from '../../ops/activation/kinds.ts';
import { foldBatchNorm } from '../../ops/batch-norm/fold.ts';
import type { Padding } from '../../ops/conv2d/geometry.ts';
import type { SymbolicTensor } from '../../model/builder.ts';
import { describe, dimsOf, floatData, type Attributes, type ImportContext } from '../context.ts';
import type { OnnxNode } from '../model.ts';
import { optionalInput, requireConstant, type Handler } from './handler.ts';

/** The channels-last input as rank 4 ([N, 1, L, C] for 1-D), and how to undo that on the output. */
function spatial2d(ctx: ImportContext, node: OnnxNode): { x: SymbolicTensor; rank: 1 | 2; back: (y: SymbolicTensor) => SymbolicTensor } {
  const where = describe(node);
  const x = ctx.channelsLast(node, 0);
  const r = x.shape.length;
  if (r === 4) return { x, rank: 2, back: (y) => y };
  if (r !== 3) throw new WgnnError(where, `input rank ${r} is not supported (1-D and 2-D only, not 3-D)`);
  const [n, length, c] = dimsOf(x);
  const x4 = ctx.builder.node('reshape', `${where}/to2d`, [x], { shape: [n, 1, length, c] })[0];
  return { x: x4, rank: 1, back: (y) => ctx.builder.node('reshape', `${where}/to1d`, [y], { shape: [n, dimsOf(y)[2], dimsOf(y)[3]] })[0] };
}

/** A per-axis attribute for 1-D or 2-D, as the [height, width] pair the ops take. */
function pair(values: number[] | undefined, rank: 1 | 2, fallback: number): [number, number] {
  if (!values) return [fallback, fallback];
  return rank === 1 ? [1, values[0]] : [values[0], values[1]];
}

/** ONNX auto_pad / pads ([x1_begin, x2_begin, x1_end, x2_end]) as a wgnn Padding. */
function padding(where: string, attrs: Attributes, rank: 1 | 2): Padding {
  const auto = attrs.string('auto_pad', 'NOTSET');
  if (auto === 'SAME_UPPER') return 'same-upper';
  if (auto === 'SAME_LOWER') return 'same-lower';
  if (auto === 'VALID') return 'valid';
  if (auto !== 'NOTSET') throw new WgnnError(where, `auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  const pads = attrs.ints('pads') ?? new Array(2 * rank).fill(0);
  if (pads.length !== 2 * rank) throw new WgnnError(where, `pads [${pads}] must have ${2 * rank} values`);
  return rank === 1 ? [0, pads[0], 0, pads[1]] : pads;
}

/** Weights re-laid-out: constant -> permuted on the host; a graph input -> a transpose node. */
function weights(ctx: ImportContext, node: OnnxNode, perm: number[], shape1d?: (s: number[]) => number[]): SymbolicTensor {
  const where = describe(node);
  const c = ctx.constant(node.inputs[1]);
  if (c) {
    const t = ctx.permutedConstant(`${where}/weights`, c, perm);
    if (!shape1d) return t;
    return ctx.builder.node('reshape', `${where}/weights2d`, [t], { shape: shape1d(t.shape as number[]) })[0];
  }
  const t = ctx.transpose(`${where}/weights`, ctx.plain(node, 1), perm);
  if (!shape1d) return t;
  return ctx.builder.node('reshape', `${where}/weights2d`, [t], { shape: shape1d(t.shape.map((d) => d ?? -1)) })[0];
}

const conv: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const { x, rank, back } = spatial2d(ctx, node);
  // [M, C/g, kH, kW] -> [kH, kW, C/g, M]; 1-D [M, C/g, k] -> [k, C/g, M] -> [1, k, C/g, M].
  const w = rank === 2 ? weights(ctx, node, [2, 3, 1, 0]) : weights(ctx, node, [2, 1, 0], (s) => [1, ...s]);
  const bias = optionalInput(node, 2) ? ctx.plain(node, 2) : undefined;
  const out = ctx.builder.node('conv2d', where, [x, w, bias], {
    strides: pair(attrs.ints('strides'), rank, 1),
    dilations: pair(attrs.ints('dilations'), rank, 1),
    padding: padding(where, attrs, rank),
    groups: attrs.int('group', 1),
    activation: resolveActivation(where, 'linear'),
  })[0];
  ctx.define(node.outputs[0], back(out), 'channelsLast');
};

/** ConvTranspose pads from output_shape or SAME auto_pad (ONNX's formulas), else the pads attribute. */
function transposePads(where: string, attrs: Attributes, input: number[], kernel: [number, number], strides: [number, number], dilations: [number, number], outputPadding: [number, number], rank: 1 | 2) {
  const auto = attrs.string('auto_pad', 'NOTSET');
  const outputShape = attrs.ints('output_shape');
  if (!outputShape && (auto === 'NOTSET' || auto === 'VALID')) return { padding: auto === 'VALID' ? 'valid' : padding(where, attrs, rank), outputPadding };
  const spatial = input.slice(1, 3);
  const target = outputShape ? pair(outputShape.slice(-rank), rank, 1) : spatial.map((d, i) => d * strides[i]);
  const pads = [0, 0, 0, 0];
  const extra: [number, number] = [...outputPadding];
  for (let i = 0; i < 2; i++) {
    const d = spatial[i];
    const total = strides[i] * (d - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - target[i];
    if (total < 0) extra[i] += -total;
    const t = Math.max(total, 0);
    const upper = auto === 'SAME_UPPER';
    pads[i] = upper ? Math.floor(t / 2) : t - Math.floor(t / 2);
    pads[i + 2] = t - pads[i];
  }
  return { padding: pads, outputPadding: extra };
}

const convTranspose: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const { x, rank, back } = spatial2d(ctx, node);
  // [C, M/g, kH, kW] -> [C, kH, kW, M/g]; 1-D [C, M/g, k] -> [C, k, M/g] -> [C, 1, k, M/g].
  const w = rank === 2 ? weights(ctx, node, [0, 2, 3, 1]) : weights(ctx, node, [0, 2, 1], (s) => [s[0], 1, s[1], s[2]]);
  const kernel: [number, number] = [w.shape[1] ?? 1, w.shape[2] ?? 1];
  const strides = pair(attrs.ints('strides'), rank, 1);
  const dilations = pair(attrs.ints('dilations'), rank, 1);
  const p = transposePads(where, attrs, dimsOf(x), kernel, strides, dilations, pair(attrs.ints('output_padding'), rank, 0), rank);
  const bias = optionalInput(node, 2) ? ctx.plain(node, 2) : undefined;
  const out = ctx.builder.node('convTranspose2d', where, [x, w, bias], {
    strides, dilations, padding: p.padding, outputPadding: p.outputPadding, groups: attrs.int('group', 1), activation: resolveActivation(where, 'linear'),
  })[0];
  ctx.define(node.outputs[0], back(out), 'channelsLast');
};

function pool(kind: 'max' | 'avg'): Handler {
  return (ctx, node, attrs) => {
    const where = describe(node);
    if (node.outputs.length > 1 && node.outputs[1]) throw new WgnnError(where, 'the Indices output of MaxPool is not supported');
    const { x, rank, back } = spatial2d(ctx, node);
    const kernelShape = attrs.ints('kernel_shape');
    if (!kernelShape) throw new WgnnError(where, 'needs kernel_shape');
    const out = ctx.builder.node('pool2d', where, [x], {
      kind,
      kernel: pair(kernelShape, rank, 1),
      strides: pair(attrs.ints('strides'), rank, 1),
      dilations: pair(attrs.ints('dilations'), rank, 1),
      padding: padding(where, attrs, rank),
      ceilMode: attrs.int('ceil_mode', 0) === 1,
      countIncludePad: attrs.int('count_include_pad', 0) === 1,
    })[0];
    ctx.define(node.outputs[0], back(out), 'channelsLast');
  };
}

function globalPool(kind: 'max' | 'avg'): Handler {
  return (ctx, node) => {
    const where = describe(node);
    const { x, back } = spatial2d(ctx, node);
    const attrs = { kind, strides: [1, 1], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
    ctx.define(node.outputs[0], back(ctx.builder.node('pool2d', where, [x], attrs)[0]), 'channelsLast');
  };
}

const batchNorm: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  if (attrs.int('training_mode', 0) !== 0 || node.outputs.slice(1).some(Boolean)) throw new WgnnError(where, 'training mode (running statistics outputs) is not supported; export the model in eval mode');
  const stats = [1, 2, 3, 4].map((i) => requireConstant(ctx, node, i, ['', 'scale', 'B', 'mean', 'var'][i]));
  const [scale, bias, mean, variance] = stats.map((t) => floatData(where, t));
  const epsilon = attrs.float('epsilon', 1e-5);
  // Keyed by the scale; the other statistics of one node come with it.
  const folded = ctx.derived.get(stats[0], `batch norm ${epsilon} ${stats.map((t) => t.name)}`, () => foldBatchNorm(where, { scale, bias, mean, variance, epsilon }));
  const v = ctx.get(node, 0);
  const x = v.tensor.shape.length <= 2 ? ctx.plain(node, 0) : ctx.channelsLast(node, 0);
  const inputs = [x, ctx.hostConstant(`${where}/scale`, [scale.length], folded.scale), ctx.hostConstant(`${where}/shift`, [scale.length], folded.shift)];
  const y = ctx.builder.node('channelAffine', where, inputs, { activation: resolveActivation(where, 'linear') })[0];
  ctx.define(node.outputs[0], y, x.shape.length <= 2 ? 'plain' : 'channelsLast');
};

const depthToSpace: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.channelsLast(node, 0);
  const mode = attrs.string('mode', 'DCR');
  ctx.define(node.outputs[0], ctx.builder.node('depthToSpace', where, [x], { blockSize: attrs.int('blocksize', 0), mode })[0], 'channelsLast');
};

export const CNN_HANDLERS: Record<string, Handler> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalMaxPool: globalPool('max'),
  GlobalAveragePool: globalPool('avg'),
  BatchNormalization: batchNorm,
  DepthToSpace: depthToSpace,
};
