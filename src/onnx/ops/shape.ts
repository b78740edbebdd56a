// ONNX ops that move or reshape data: Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Concat,
// Identity, Dropout, Constant, Gather, Pad. Reshapes are views (no copy).
import { WgnnError } from '../../errors.ts';
import type { SymbolicShape, SymbolicTensor } from '../../model/builder.ts';
import { sizeOf } from '../../shape.ts';
import { channelsLastAxis, describe, floatData, intValues, toChannelsLast, type ImportContext } from '../context.ts';
import type { OnnxNode, OnnxTensor } from '../model.ts';
import { optionalInput, requireConstant, type Handler } from './handler.ts';

/** A reshape target for `shape`: known dims as they are, one unknown dim as -1. */
function target(where: string, shape: SymbolicShape): number[] {
  if (shape.filter((d) => d === null).length > 1) throw new WgnnError(where, `the result [${shape.map((d) => d ?? '?')}] has more than one unknown dim`);
  return shape.map((d) => d ?? -1);
}

function reshapeTo(ctx: ImportContext, name: string, x: SymbolicTensor, shape: number[]): SymbolicTensor {
  return ctx.builder.node('reshape', name, [x], { shape })[0];
}

const normalize = (a: number, r: number) => (a < 0 ? a + r : a);

const flatten: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.plain(node, 0);
  const r = x.shape.length;
  const axis = normalize(attrs.int('axis', 1), r);
  const part = (dims: SymbolicShape) => (dims.some((d) => d === null) ? null : sizeOf(dims as number[]));
  ctx.define(node.outputs[0], reshapeTo(ctx, where, x, target(where, [part(x.shape.slice(0, axis)), part(x.shape.slice(axis))])));
};

const reshape: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const shape = ctx.opset < 5 ? attrs.ints('shape') : intValues(where, requireConstant(ctx, node, 1, 'shape'));
  if (!shape) throw new WgnnError(where, 'needs a shape');
  if (attrs.int('allowzero', 0) === 1 && shape.includes(0)) throw new WgnnError(where, 'allowzero with a 0 in the shape (an empty tensor) is not supported');
  ctx.define(node.outputs[0], reshapeTo(ctx, where, ctx.plain(node, 0), shape));
};

const transpose: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.get(node, 0);
  const r = x.tensor.shape.length;
  const perm = attrs.ints('perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  // On a channels-last tensor, compose with the layout's own permutation: one transpose, not two.
  const layout = x.layout === 'channelsLast' ? toChannelsLast(r) : Array.from({ length: r }, (_, i) => i);
  ctx.define(node.outputs[0], ctx.transpose(where, x.tensor, perm.map((a) => layout.indexOf(normalize(a, r)))));
};

function axesOf(ctx: ImportContext, node: OnnxNode, attrs: import('../context.ts').Attributes): number[] | undefined {
  if (ctx.opset < 13) return attrs.ints('axes');
  return optionalInput(node, 1) ? intValues(describe(node), requireConstant(ctx, node, 1, 'axes')) : undefined;
}

const squeeze: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.plain(node, 0);
  const r = x.shape.length;
  const axes = axesOf(ctx, node, attrs)?.map((a) => normalize(a, r)) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of axes) if (x.shape[a] !== 1) throw new WgnnError(where, `axis ${a} of [${x.shape.map((d) => d ?? '?')}] is not 1`);
  ctx.define(node.outputs[0], reshapeTo(ctx, where, x, target(where, x.shape.filter((_, i) => !axes.includes(i)))));
};

const unsqueeze: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const x = ctx.plain(node, 0);
  const axes = axesOf(ctx, node, attrs);
  if (!axes) throw new WgnnError(where, 'needs axes');
  const r = x.shape.length + axes.length;
  const set = new Set(axes.map((a) => normalize(a, r)));
  const rest = [...x.shape];
  const shape = Array.from({ length: r }, (_, i) => (set.has(i) ? 1 : rest.shift()!));
  ctx.define(node.outputs[0], reshapeTo(ctx, where, x, target(where, shape)));
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
  if (node.opType === 'Dropout' && node.outputs[1]) throw new WgnnError(describe(node), 'the mask output of Dropout is not supported (inference only)');
  const v = ctx.get(node, 0);
  ctx.define(node.outputs[0], v.tensor, v.layout);
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
  if (data.shape.some((d) => d === null)) throw new WgnnError(where, 'needs a data tensor of known shape');
  const dims = data.shape as number[];
  const moved = axis === 0 ? data : ctx.transpose(`${where}/front`, data, [axis, ...dims.keys()].filter((a, i) => i === 0 || a !== axis));
  const rest = dims.filter((_, i) => i !== axis);
  const table = reshapeTo(ctx, `${where}/table`, moved, [dims[axis], sizeOf(rest)]);
  let y = ctx.builder.node('embedding', where, [table, ids], {})[0];
  y = reshapeTo(ctx, `${where}/rows`, y, target(where, [...idsShape, ...rest]));
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
  Dropout: identity,
  Constant: constant,
  Gather: gather,
  Pad: pad,
};
