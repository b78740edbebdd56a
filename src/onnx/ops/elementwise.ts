// ONNX elementwise ops beyond the activations and the four arithmetic ones: the unary math ops
// (activation kinds, so they fuse into a producer's epilogue), HardSwish and Mish, Pow, Mod,
// comparisons and logic (booleans are float 0 and 1 inside wgnn), the variadic Min, Max, Sum and
// Mean (chains of binary nodes), Where, and Cast and CastLike on tensor data.
import { WgnnError } from '../../errors.ts';
import { resolveActivation, type ActivationKind } from '../../ops/activation/kinds.ts';
import type { CastTarget } from '../../ops/cast/reference.ts';
import type { BinaryOp } from '../../ops/binary/reference.ts';
import { describe, type ImportContext } from '../context.ts';
import type { OnnxElemType, OnnxNode } from '../model.ts';
import { kindOf } from '../fold/value.ts';
import { elemTypeName } from '../tensor.ts';
import type { Handler } from './handler.ts';
import { binary } from './math.ts';

function unary(kind: ActivationKind): Handler {
  return (ctx, node) => {
    const x = ctx.get(node, 0);
    ctx.define(node.outputs[0], ctx.builder.node('activation', describe(node), [x.tensor], resolveActivation(describe(node), kind))[0], x.layout);
  };
}

/** HardSwish's fixed alpha 1/6 and beta 1/2 are the activation's; other values would be HardSigmoid * x. */
const hardSwish = unary('hardSwish');

/** Mod on float data is C's fmod (fmod = 1); fmod = 0 is for integers, which wgnn computes only on shapes. */
const mod: Handler = (ctx, node, attrs) => {
  if (attrs.int('fmod', 0) !== 1) throw new WgnnError(describe(node), 'fmod = 0 (the divisor\'s sign) is for integer tensors; wgnn computes those only from shapes and constants');
  binary('mod')(ctx, node, attrs);
};

/** Min, Max, Sum and Mean of any number of inputs: a chain of binary nodes (Mean then scales by 1/n). */
function variadic(op: BinaryOp, mean = false): Handler {
  return (ctx, node, attrs) => {
    const where = describe(node);
    const names = node.inputs.filter(Boolean);
    if (names.length === 0) throw new WgnnError(where, 'needs at least one input');
    let current = names[0];
    names.slice(1).forEach((name, i) => {
      const out = i === names.length - 2 && !mean ? node.outputs[0] : `${where}/${op}${i}`;
      binary(op)(ctx, { ...node, name: `${where}/${i}`, inputs: [current, name], outputs: [out] }, attrs);
      current = out;
    });
    if (mean) {
      const scale = `${where}/1/n`;
      ctx.constants.set(scale, { name: scale, dims: [], dtype: 'float32', elemType: 'float32', data: Float32Array.of(1 / names.length) });
      binary('mul')(ctx, { ...node, name: `${where}/mean`, inputs: [current, scale], outputs: [node.outputs[0]] }, attrs);
    } else if (names.length === 1) {
      const v = ctx.get(node, 0);
      ctx.define(node.outputs[0], v.tensor, v.layout);
    }
  };
}

/** Where(condition, x, y): on a common layout when all three share it, else in ONNX layout. */
const where: Handler = (ctx, node) => {
  const name = describe(node);
  const inputs = [0, 1, 2].map((i) => ctx.get(node, i));
  const shared = inputs.every((v) => v.layout === inputs[0].layout && v.tensor.shape.length === inputs[0].tensor.shape.length);
  const tensors = shared ? inputs.map((v) => v.tensor) : [0, 1, 2].map((i) => ctx.plain(node, i));
  ctx.define(node.outputs[0], ctx.builder.node('where', name, tensors, {})[0], shared ? inputs[0].layout : 'plain');
};

/** Cast: floats of any width are float32 inside wgnn, integers int32, booleans float 0/1. */
const cast: Handler = (ctx, node, attrs) => castTo(ctx, node, elemTypeName(attrs.int('to', 1), describe(node)));

/** CastLike: Cast to the type of input 1, which the ONNX graph declares (a constant's, or a folded value's). */
const castLike: Handler = (ctx, node) => {
  const like = ctx.constant(node.inputs[1]);
  const target = like ? like.elemType : ctx.booleans.has(node.inputs[1]) ? 'bool' : ctx.get(node, 1).tensor.dtype;
  castTo(ctx, node, target);
};

/** Comparisons and logic: their outputs are booleans (float 0 and 1 on the GPU). */
function boolean(handler: Handler): Handler {
  return (ctx, node, attrs) => {
    handler(ctx, node, attrs);
    ctx.booleans.add(node.outputs[0]);
  };
}

/** wgnn's dtypes are ONNX element type names too (float32, int32). */
function castTo(ctx: ImportContext, node: OnnxNode, elemType: OnnxElemType): void {
  const name = describe(node);
  const kind = kindOf(name, elemType);
  const to: CastTarget = kind === 'float' ? 'float32' : kind === 'int' ? 'int32' : 'bool';
  const x = ctx.get(node, 0);
  if (to === 'bool') ctx.booleans.add(node.outputs[0]);
  if ((to === 'float32' && x.tensor.dtype === 'float32') || (to === 'int32' && x.tensor.dtype === 'int32')) {
    ctx.define(node.outputs[0], x.tensor, x.layout);
    return;
  }
  ctx.define(node.outputs[0], ctx.builder.node('cast', name, [x.tensor], { to })[0], x.layout);
}

export const ELEMENTWISE_HANDLERS: Record<string, Handler> = {
  HardSwish: hardSwish,
  Mish: unary('mish'),
  Erf: unary('erf'),
  Sqrt: unary('sqrt'),
  Exp: unary('exp'),
  Log: unary('log'),
  Neg: unary('neg'),
  Abs: unary('abs'),
  Reciprocal: unary('reciprocal'),
  Floor: unary('floor'),
  Ceil: unary('ceil'),
  Not: boolean(unary('not')),
  Pow: binary('pow'),
  Mod: mod,
  Equal: boolean(binary('equal')),
  Less: boolean(binary('less')),
  Greater: boolean(binary('greater')),
  LessOrEqual: boolean(binary('lessOrEqual')),
  GreaterOrEqual: boolean(binary('greaterOrEqual')),
  And: boolean(binary('and')),
  Or: boolean(binary('or')),
  Xor: boolean(binary('xor')),
  Min: variadic('min'),
  Max: variadic('max'),
  Sum: variadic('add'),
  Mean: variadic('add', true),
  Where: where,
  Cast: cast,
  CastLike: castLike,
};
