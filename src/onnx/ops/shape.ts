// ONNX ops that move or reshape data: Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Concat,
// Identity, Dropout, Constant, Gather, Pad, Slice, Split, Expand, Tile. Reshapes are views (no
// copy). Every input shape is known here (the graph is built per input signature).
import { WgnnError } from '../../errors.ts';
import type { SymbolicTensor } from '../../model/builder.ts';
import { sizeOf } from '../../shape.ts';
import { channelsLastAxis, describe, floatData, intValues, toChannelsLast, type ImportContext } from '../context.ts';
import type { OnnxNode, OnnxTensor } from '../model.ts';
import { axesArg, flattenAxis, reshapeTarget, sliceArgs, splitSizes } from '../args.ts';
import type { SliceAxis } from '../../ops/strided-copy/reference.ts';
import { normalizeAxis } from '../../shape.ts';
import { argReader, optionalInput, requireConstant, type Handler } from './handler.ts';

/** A view of x with these dims (all known: a 0 is an empty dim). */
function reshapeTo(ctx: ImportContext, name: string, x: SymbolicTensor, shape: number[]): SymbolicTensor {
  return ctx.builder.node('reshape', name, [x], { shape, allowZero: true })[0];
}

const normalize = (a: number, r: number) => (a < 0 ? a + r : a);

const flatten: Handler = (ctx, node, attrs) => {
  const dims = ctx.onnxShape(node, 0);
  const axis = flattenAxis(describe(node), attrs.int('axis', 1), dims.length);
  ctx.define(node.outputs[0], reshapeTo(ctx, describe(node), ctx.plain(node, 0), [sizeOf(dims.slice(0, axis)), sizeOf(dims.slice(axis))]));
};

const reshape: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const shape = ctx.opset < 5 ? attrs.ints('shape') : intValues(where, requireConstant(ctx, node, 1, 'shape'));
  if (!shape) throw new WgnnError(where, 'needs a shape');
  const target = reshapeTarget(where, ctx.onnxShape(node, 0), shape, attrs.int('allowzero', 0) === 1);
  ctx.define(node.outputs[0], reshapeTo(ctx, where, ctx.plain(node, 0), target));
};

const transpose: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.get(node, 0);
  const r = x.tensor.shape.length;
  const perm = attrs.ints('perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  // On a channels-last tensor, compose with the layout's own permutation: one transpose, not two.
  const layout = x.layout === 'channelsLast' ? toChannelsLast(r) : Array.from({ length: r }, (_, i) => i);
  const plainPerm = perm.map((a) => layout.indexOf(normalize(a, r)));
  const isIdentity = (p: number[]) => p.every((a, i) => a === i);
  // A transpose that only relabels the layout moves no data (ConvNeXt's NCHW <-> NHWC around its
  // LayerNorms): the result is the input, in ONNX layout or channels-last.
  if (isIdentity(plainPerm)) return ctx.define(node.outputs[0], x.tensor, 'plain');
  if (r >= 3 && isIdentity(toChannelsLast(r).map((a) => plainPerm[a]))) return ctx.define(node.outputs[0], x.tensor, 'channelsLast');
  ctx.define(node.outputs[0], ctx.transpose(where, x.tensor, plainPerm));
};

const squeeze: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const dims = ctx.onnxShape(node, 0);
  const axes = axesArg(argReader(ctx, node, attrs), 1, 13, dims.length) ?? dims.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (dims[a] !== 1) throw new WgnnError(where, `axis ${a} of [${dims}] is not 1`);
  ctx.define(node.outputs[0], reshapeTo(ctx, where, ctx.plain(node, 0), dims.filter((_, i) => !axes.includes(i))));
};

const unsqueeze: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const dims = ctx.onnxShape(node, 0);
  const reader = argReader(ctx, node, attrs);
  const count = (ctx.opset < 13 ? attrs.ints('axes') : reader.ints(1, 'axes'))?.length;
  if (!count) throw new WgnnError(where, 'needs axes');
  const axes = axesArg(reader, 1, 13, dims.length + count)!;
  const rest = [...dims];
  ctx.define(node.outputs[0], reshapeTo(ctx, where, ctx.plain(node, 0), Array.from({ length: dims.length + count }, (_, i) => (axes.includes(i) ? 1 : rest.shift()!))));
};

/** Slices, on a channels-last tensor without moving it back: the ONNX axes are permuted instead. */
function sliceAs(ctx: ImportContext, node: OnnxNode, name: string, axes: SliceAxis[]): { tensor: SymbolicTensor; layout: 'plain' | 'channelsLast' } {
  const x = ctx.get(node, 0);
  const order = x.layout === 'channelsLast' ? toChannelsLast(axes.length) : axes.map((_, i) => i);
  return { tensor: ctx.builder.node('slice', name, [x.tensor], { axes: order.map((a) => axes[a]) })[0], layout: x.layout };
}

const slice: Handler = (ctx, node, attrs) => {
  const { tensor, layout } = sliceAs(ctx, node, describe(node), sliceArgs(argReader(ctx, node, attrs), ctx.onnxShape(node, 0)));
  ctx.define(node.outputs[0], tensor, layout);
};

const split: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const dims = ctx.onnxShape(node, 0);
  const axis = normalizeAxis(where, attrs.int('axis', 0), dims.length);
  let begin = 0;
  splitSizes(argReader(ctx, node, attrs), dims[axis], axis, node.outputs.length).forEach((size, k) => {
    const axes = dims.map((d, i) => (i === axis ? { begin, step: 1, size } : { begin: 0, step: 1, size: d }));
    begin += size;
    if (!node.outputs[k]) return;
    const { tensor, layout } = sliceAs(ctx, node, `${where}/${k}`, axes);
    ctx.define(node.outputs[k], tensor, layout);
  });
};

const expand: Handler = (ctx, node) => {
  const where = describe(node);
  const shape = intValues(where, requireConstant(ctx, node, 1, 'shape'));
  ctx.define(node.outputs[0], ctx.builder.node('expand', where, [ctx.plain(node, 0)], { shape })[0]);
};

const tile: Handler = (ctx, node) => {
  const where = describe(node);
  const repeats = intValues(where, requireConstant(ctx, node, 1, 'repeats'));
  ctx.define(node.outputs[0], ctx.builder.node('tile', where, [ctx.plain(node, 0)], { repeats })[0]);
};

const concat: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const inputs = node.inputs.map((_, i) => ctx.get(node, i));
  const r = inputs[0].tensor.shape.length;
  const axis = normalize(attrs.int('axis', 0), r);
  if (inputs.every((v) => v.layout === 'channelsLast')) {
    ctx.define(node.outputs[0], ctx.builder.node('concat', where, inputs.map((v) => v.tensor), { axis: channelsLastAxis(axis, r) })[0], 'channelsLast');
    return;
  }
  ctx.define(node.outputs[0], ctx.builder.node('concat', where, inputs.map((_, i) => ctx.plain(node, i)), { axis })[0]);
};

const identity: Handler = (ctx, node) => {
  const v = ctx.get(node, 0);
  ctx.define(node.outputs[0], v.tensor, v.layout);
};

/** Dropout at inference: the identity, and a mask (when asked for) that keeps every element. */
const dropout: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const training = optionalInput(node, 2) ? intValues(where, requireConstant(ctx, node, 2, 'training_mode'))[0] : 0;
  if (training) throw new WgnnError(where, 'training mode (a random mask) is not supported; export the model in eval mode');
  identity(ctx, node, attrs);
  const mask = node.outputs[1];
  if (mask) {
    // All true, made on the GPU: a host array of the data's size could be huge.
    const one = ctx.hostConstant(`${where}/true`, [1], Float32Array.of(1));
    ctx.define(mask, ctx.builder.node('expand', `${where}/mask`, [one], { shape: ctx.onnxShape(node, 0) })[0]);
    ctx.booleans.add(mask);
  }
};

const constant: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const name = node.outputs[0];
  const t = attrs.tensor('value');
  const f = attrs.floats('value_floats') ?? (node.attributes.value_float ? [attrs.float('value_float', 0)] : undefined);
  const i = attrs.ints('value_ints') ?? (node.attributes.value_int ? [attrs.int('value_int', 0)] : undefined);
  let value: OnnxTensor;
  if (t) value = { ...t, name };
  else if (f) value = { name, dims: node.attributes.value_float ? [] : [f.length], dtype: 'float32', elemType: 'float32', data: Float32Array.from(f) };
  else if (i) value = { name, dims: node.attributes.value_int ? [] : [i.length], dtype: 'int64', elemType: 'int64', data: BigInt64Array.from(i, (v) => BigInt(v)) };
  else throw new WgnnError(where, 'only value, value_float(s) and value_int(s) are supported');
  ctx.constants.set(name, value);
};

/** Gather along any axis: the axis moves to the front, rows are looked up, then moved back. */
const gather: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const data = ctx.plain(node, 0);
  const r = data.shape.length;
  const axis = normalize(attrs.int('axis', 0), r);
  const known = ctx.constant(node.inputs[1]);
  const ids = known ? ctx.hostConstant(`${where}/ids`, known.dims, Int32Array.from(intValues(where, known))) : ctx.plain(node, 1);
  const idsShape = ids.shape;
  const dims = data.shape as number[];
  const moved = axis === 0 ? data : ctx.transpose(`${where}/front`, data, [axis, ...dims.keys()].filter((a, i) => i === 0 || a !== axis));
  const rest = dims.filter((_, i) => i !== axis);
  const table = reshapeTo(ctx, `${where}/table`, moved, [dims[axis], sizeOf(rest)]);
  let y = ctx.builder.node('embedding', where, [table, ids], {})[0];
  y = reshapeTo(ctx, `${where}/rows`, y, [...(idsShape as number[]), ...rest]);
  if (axis !== 0) {
    const k = idsShape.length;
    // y is [ids..., rest with the axis removed]; put the id dims where the axis was.
    const perm = [...Array.from({ length: axis }, (_, i) => k + i), ...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: r - 1 - axis }, (_, i) => k + axis + i)];
    y = ctx.transpose(`${where}/back`, y, perm);
  }
  ctx.define(node.outputs[0], y);
};

const pad: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const mode = attrs.string('mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') throw new WgnnError(where, `mode '${mode}' is not supported (constant, reflect, edge)`);
  let pads: number[] | undefined;
  let value = 0;
  if (ctx.opset < 11) {
    pads = attrs.ints('pads');
    value = attrs.float('value', 0);
  } else {
    pads = intValues(where, requireConstant(ctx, node, 1, 'pads'));
    if (optionalInput(node, 2)) value = floatData(where, requireConstant(ctx, node, 2, 'constant_value'))[0];
    if (optionalInput(node, 3)) throw new WgnnError(where, 'the axes input is not supported');
  }
  if (!pads) throw new WgnnError(where, 'needs pads');
  const x = ctx.get(node, 0);
  const r = x.tensor.shape.length;
  if (x.layout === 'channelsLast') {
    // Pad the channels-last tensor directly: permute the per-axis pads like the axes.
    const perm = toChannelsLast(r);
    const moved = [...perm.map((a) => pads![a]), ...perm.map((a) => pads![a + r])];
    ctx.define(node.outputs[0], ctx.builder.node('pad', where, [x.tensor], { mode, pads: moved, value })[0], 'channelsLast');
    return;
  }
  ctx.define(node.outputs[0], ctx.builder.node('pad', where, [x.tensor], { mode, pads, value })[0]);
};

export const SHAPE_HANDLERS: Record<string, Handler> = {
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Identity: identity,
  Dropout: dropout,
  Constant: constant,
  Gather: gather,
  Pad: pad,
  Slice: slice,
  Split: split,
  Expand: expand,
  Tile: tile,
};
