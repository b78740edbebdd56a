// ONNX reductions on tensor data: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp
// (IR op reduce) and ArgMax/ArgMin (IR op argReduce, int64 in ONNX, int32 in wgnn). A
// channels-last input is reduced where it lies, its ONNX axes mapped to IR axes, so a
// ReduceMean over H and W after a convolution needs no transpose. With keepdims the result keeps
// the input's layout; without, its remaining axes are either in ONNX order (plain), in
// channels-last order, or else the (smaller) result is transposed to ONNX order.
import { WgnnError } from '../../errors.ts';
import type { SymbolicTensor } from '../../model/builder.ts';
import type { ReduceKind } from '../../ops/reduce/reference.ts';
import { normalizeAxis } from '../../shape.ts';
import { axesArg } from '../args.ts';
import { describe, toChannelsLast, type ImportContext } from '../context.ts';
import type { OnnxNode } from '../model.ts';
import { argReader, type Handler } from './handler.ts';

const identity = (r: number) => Array.from({ length: r }, (_, i) => i);
const sameOrder = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The input, and for each of its IR axes the ONNX axis it holds. */
function inputAxes(ctx: ImportContext, node: OnnxNode): { x: SymbolicTensor; onnxAxisOf: number[]; channelsLast: boolean } {
  const v = ctx.get(node, 0);
  const r = v.tensor.shape.length;
  const channelsLast = v.layout === 'channelsLast';
  return { x: v.tensor, onnxAxisOf: channelsLast ? toChannelsLast(r) : identity(r), channelsLast };
}

/** Defines the output of reducing ONNX axes `reduced` of an input whose IR axes hold `onnxAxisOf`. */
function defineReduced(ctx: ImportContext, node: OnnxNode, y: SymbolicTensor, onnxAxisOf: number[], channelsLast: boolean, reduced: number[], keepDims: boolean): void {
  if (keepDims) {
    ctx.define(node.outputs[0], y, channelsLast ? 'channelsLast' : 'plain');
    return;
  }
  // The remaining ONNX axes in IR order, renumbered as the output's ONNX axes.
  const remaining = onnxAxisOf.filter((a) => !reduced.includes(a));
  const sorted = [...remaining].sort((a, b) => a - b);
  const order = remaining.map((a) => sorted.indexOf(a));
  const k = order.length;
  if (sameOrder(order, identity(k))) ctx.define(node.outputs[0], y, 'plain');
  else if (k >= 3 && sameOrder(order, toChannelsLast(k))) ctx.define(node.outputs[0], y, 'channelsLast');
  else ctx.define(node.outputs[0], ctx.transpose(`${describe(node)}/to_onnx_order`, y, identity(k).map((i) => order.indexOf(i))), 'plain');
}

/** axes: an attribute before `axesInputSince`, input 1 from it; none (or empty) reduces all unless noop_with_empty_axes. */
function reduce(kind: ReduceKind, axesInputSince: number): Handler {
  return (ctx, node, attrs) => {
    const { x, onnxAxisOf, channelsLast } = inputAxes(ctx, node);
    const rank = onnxAxisOf.length;
    const given = axesArg(argReader(ctx, node, attrs), 1, axesInputSince, rank) ?? [];
    const noop = attrs.int('noop_with_empty_axes', 0) === 1;
    const reduced = given.length > 0 ? given : noop ? [] : identity(rank);
    const keepDims = attrs.int('keepdims', 1) === 1;
    const axes = onnxAxisOf.flatMap((a, d) => (reduced.includes(a) ? [d] : []));
    const y = ctx.builder.node('reduce', describe(node), [x], { kind, axes, keepDims })[0];
    defineReduced(ctx, node, y, onnxAxisOf, channelsLast, reduced, keepDims);
  };
}

function arg(kind: 'max' | 'min'): Handler {
  return (ctx, node, attrs) => {
    const where = describe(node);
    const { x, onnxAxisOf, channelsLast } = inputAxes(ctx, node);
    if (onnxAxisOf.length === 0) throw new WgnnError(where, 'input is a scalar; ArgMax/ArgMin need rank >= 1');
    const axis = normalizeAxis(where, attrs.int('axis', 0), onnxAxisOf.length);
    const keepDims = attrs.int('keepdims', 1) === 1;
    const selectLast = attrs.int('select_last_index', 0) === 1;
    const y = ctx.builder.node('argReduce', where, [x], { kind, axis: onnxAxisOf.indexOf(axis), keepDims, selectLast })[0];
    defineReduced(ctx, node, y, onnxAxisOf, channelsLast, [axis], keepDims);
  };
}

export const REDUCE_HANDLERS: Record<string, Handler> = {
  ReduceSum: reduce('sum', 13),
  ReduceMean: reduce('mean', 18),
  ReduceMax: reduce('max', 18),
  ReduceMin: reduce('min', 18),
  ReduceProd: reduce('prod', 18),
  ReduceL1: reduce('l1', 18),
  ReduceL2: reduce('l2', 18),
  ReduceSumSquare: reduce('sumSquare', 18),
  ReduceLogSum: reduce('logSum', 18),
  ReduceLogSumExp: reduce('logSumExp', 18),
  ArgMax: arg('max'),
  ArgMin: arg('min'),
};
