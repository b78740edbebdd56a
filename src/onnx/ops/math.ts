// ONNX elementwise and matrix ops: activations, Clip, Add/Sub/Mul/Div/PRelu, Softmax,
// LogSoftmax, Gemm, MatMul.
import { resolveActivation, type ActivationKind } from '../../ops/activation/kinds.ts';
import type { BinaryOp } from '../../ops/binary/reference.ts';
import { sizeOf } from '../../shape.ts';
import type { SymbolicTensor } from '../../model/builder.ts';
import { channelsLastAxis, describe, dimsOf, floatData, toChannelsLast, type Attributes, type ImportContext } from '../context.ts';
import type { OnnxNode, OnnxTensor } from '../model.ts';
import { optionalInput, requireConstant, type Handler } from './handler.ts';

function unary(kind: ActivationKind, params?: (a: import('../context.ts').Attributes) => { alpha?: number; beta?: number }): Handler {
  return (ctx, node, attrs) => {
    const x = ctx.get(node, 0);
    const activation = resolveActivation(describe(node), { kind, ...params?.(attrs) });
    ctx.define(node.outputs[0], ctx.builder.node('activation', describe(node), [x.tensor], activation)[0], x.layout);
  };
}

const clip: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  let min = attrs.float('min', -Infinity);
  let max = attrs.float('max', Infinity);
  for (const [index, set] of [[1, (v: number) => (min = v)], [2, (v: number) => (max = v)]] as const) {
    if (!optionalInput(node, index)) continue;
    set(floatData(where, requireConstant(ctx, node, index, index === 1 ? 'min' : 'max'))[0]);
  }
  const x = ctx.get(node, 0);
  const activation = resolveActivation(where, { kind: 'clip', alpha: Math.max(min, -3.4028234663852886e38), beta: Math.min(max, 3.4028234663852886e38) });
  ctx.define(node.outputs[0], ctx.builder.node('activation', where, [x.tensor], activation)[0], x.layout);
};

/**
 * Before opset 7, Add/Sub/Mul/Div took `broadcast` and `axis` (B's dims line up with A's from
 * `axis` on), and PRelu's 1-D slope was per channel (axis 1); both become NumPy broadcasting by
 * giving B trailing 1s.
 */
function legacyOperand(ctx: ImportContext, node: OnnxNode, attrs: Attributes, op: BinaryOp) {
  const a = ctx.get(node, 0);
  const b = ctx.get(node, 1);
  if (ctx.opset >= 7) return b;
  const r = a.tensor.shape.length;
  const rb = b.tensor.shape.length;
  const axis = op === 'prelu' ? (rb === 1 && b.tensor.shape[0] === (a.layout === 'plain' ? a.tensor.shape[1] : a.tensor.shape[r - 1]) && r > 2 ? 1 : undefined) : attrs.int('broadcast', 0) === 1 ? attrs.int('axis', r - rb) : undefined;
  if (axis === undefined || axis + rb === r) return b;
  const shape = [...b.tensor.shape.map((d) => d ?? -1), ...new Array(r - axis - rb).fill(1)];
  return { tensor: ctx.builder.node('reshape', `${describe(node)}/legacy_broadcast`, [ctx.plain(node, 1)], { shape })[0], layout: 'plain' as const };
}

/** Comparisons of integer tensors (ids, lengths) run in float32, exact up to 2^24; arithmetic stays float-only. */
const COMPARES = new Set<BinaryOp>(['equal', 'less', 'greater', 'lessOrEqual', 'greaterOrEqual']);

function asFloat(ctx: ImportContext, where: string, x: SymbolicTensor): SymbolicTensor {
  return x.dtype === 'int32' ? ctx.builder.node('cast', `${where}/float`, [x], { to: 'float32' })[0] : x;
}

export function binary(op: BinaryOp): Handler {
  return (ctx, node, attrs) => {
    const where = describe(node);
    if (COMPARES.has(op) && [0, 1].some((i) => ctx.get(node, i).tensor.dtype === 'int32')) {
      const [a, b] = [0, 1].map((i) => asFloat(ctx, where, ctx.plain(node, i)));
      ctx.define(node.outputs[0], ctx.builder.node('binary', where, [a, b], { op })[0]);
      return;
    }
    const a = ctx.get(node, 0);
    const b = legacyOperand(ctx, node, attrs, op);
    if (b !== ctx.get(node, 1)) {
      // The legacy operand is a reshaped, plain tensor: compute in ONNX layout.
      ctx.define(node.outputs[0], ctx.builder.node('binary', where, [ctx.plain(node, 0), b.tensor], { op })[0]);
      return;
    }
    const ra = a.tensor.shape.length;
    const rb = b.tensor.shape.length;
    if (a.layout === b.layout && ra === rb) {
      ctx.define(node.outputs[0], ctx.builder.node('binary', where, [a.tensor, b.tensor], { op })[0], a.layout);
      return;
    }
    // One side channels-last: a constant other side is laid out the same way on the host.
    const [last, , lastIndex] = a.layout === 'channelsLast' ? [a, b, 0] : [b, a, 1];
    const c = last.layout === 'channelsLast' ? ctx.constant(node.inputs[1 - lastIndex]) : undefined;
    const r = last.tensor.shape.length;
    if (c && c.dims.length <= r) {
      const full = [...new Array(r - c.dims.length).fill(1), ...c.dims];
      const permuted = ctx.permutedConstant(`${where}/const_nhwc`, { ...c, dims: full, dtype: 'float32', data: floatData(where, c) }, toChannelsLast(r));
      const inputs = lastIndex === 0 ? [last.tensor, permuted] : [permuted, last.tensor];
      ctx.define(node.outputs[0], ctx.builder.node('binary', where, inputs, { op })[0], 'channelsLast');
      return;
    }
    ctx.define(node.outputs[0], ctx.builder.node('binary', where, [ctx.plain(node, 0), ctx.plain(node, 1)], { op })[0]);
  };
}

function softmax(log: boolean): Handler {
  return (ctx, node, attrs) => {
    const where = describe(node);
    const x = ctx.get(node, 0);
    const r = x.tensor.shape.length;
    const legacy = ctx.opset < 13;
    const axis = ((attrs.int('axis', legacy ? 1 : -1) % r) + r) % r;
    if (!legacy || axis === r - 1) {
      const irAxis = x.layout === 'channelsLast' ? channelsLastAxis(axis, r) : axis;
      ctx.define(node.outputs[0], ctx.builder.node('softmax', where, [x.tensor], { axis: irAxis, log })[0], x.layout);
      return;
    }
    // Before opset 13 the input is coerced to 2-D at `axis` and normalized over the whole second part.
    const plain = ctx.plain(node, 0);
    const s = dimsOf(plain);
    const flat = ctx.builder.node('reshape', `${where}/2d`, [plain], { shape: [-1, sizeOf(s.slice(axis))] })[0];
    const y = ctx.builder.node('softmax', where, [flat], { axis: 1, log })[0];
    ctx.define(node.outputs[0], ctx.builder.node('reshape', `${where}/back`, [y], { shape: s })[0]);
  };
}

/** Gemm: alpha * A' B' + beta * C, folded into one matmul with a bias when B and C are constants. */
const gemm: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const alpha = attrs.float('alpha', 1);
  const beta = attrs.float('beta', 1);
  const transposeA = attrs.int('transA', 0) === 1;
  const transposeB = attrs.int('transB', 0) === 1;
  const a = ctx.plain(node, 0);
  const bConst = ctx.constant(node.inputs[1]);
  const scaled = (t: OnnxTensor, by: number) => ctx.derived.get(t, `scaled ${by}`, () => floatData(where, t).map((v) => v * by));
  const b = bConst && alpha !== 1 ? ctx.hostConstant(`${where}/B*alpha`, bConst.dims, scaled(bConst, alpha)) : ctx.plain(node, 1);
  const cConst = optionalInput(node, 2) ? ctx.constant(node.inputs[2]) : undefined;
  const bias = cConst && beta !== 0 ? ctx.hostConstant(`${where}/C*beta`, cConst.dims, beta === 1 ? floatData(where, cConst) : scaled(cConst, beta)) : undefined;
  const linear = resolveActivation(where, 'linear');
  let y = ctx.builder.node('matmul', where, [a, b, bias], { transposeA, transposeB, activation: linear })[0];
  if (!bConst && alpha !== 1) y = ctx.builder.node('binary', `${where}/alpha`, [y, ctx.hostConstant(`${where}/alpha`, [1], Float32Array.of(alpha))], { op: 'mul' })[0];
  if (optionalInput(node, 2) && !cConst && beta !== 0) {
    const c = beta === 1 ? ctx.plain(node, 2) : ctx.builder.node('binary', `${where}/beta`, [ctx.plain(node, 2), ctx.hostConstant(`${where}/beta`, [1], Float32Array.of(beta))], { op: 'mul' })[0];
    y = ctx.builder.node('binary', `${where}/C`, [y, c], { op: 'add' })[0];
  }
  ctx.define(node.outputs[0], y);
};

/** MatMul with NumPy semantics: a 1-D operand is a row (A) or a column (B), dropped from the result. */
const matmul: Handler = (ctx, node) => {
  const where = describe(node);
  let a = ctx.plain(node, 0);
  let b = ctx.plain(node, 1);
  const aVector = a.shape.length === 1;
  const bVector = b.shape.length === 1;
  if (aVector) a = ctx.builder.node('reshape', `${where}/row`, [a], { shape: [1, -1] })[0];
  if (bVector) b = ctx.builder.node('reshape', `${where}/column`, [b], { shape: [-1, 1] })[0];
  let y = ctx.builder.node('matmul', where, [a, b], { transposeA: false, transposeB: false, activation: resolveActivation(where, 'linear') })[0];
  if (aVector || bVector) {
    const s = dimsOf(y);
    const keep = s.filter((_, i) => !((aVector && i === s.length - 2) || (bVector && i === s.length - 1)));
    y = ctx.builder.node('reshape', `${where}/squeeze`, [y], { shape: keep })[0];
  }
  ctx.define(node.outputs[0], y);
};

export const MATH_HANDLERS: Record<string, Handler> = {
  Relu: unary('relu'),
  LeakyRelu: unary('leakyRelu', (a) => ({ alpha: a.float('alpha', 0.01) })),
  Elu: unary('elu', (a) => ({ alpha: a.float('alpha', 1) })),
  Selu: unary('selu', (a) => ({ alpha: a.float('alpha', 1.6732632423543772), beta: a.float('gamma', 1.0507009873554805) })),
  Sigmoid: unary('sigmoid'),
  HardSigmoid: unary('hardSigmoid', (a) => ({ alpha: a.float('alpha', 0.2), beta: a.float('beta', 0.5) })),
  Tanh: unary('tanh'),
  Softplus: unary('softplus'),
  Softsign: unary('softsign'),
  Clip: clip,
  Add: binary('add'),
  Sub: binary('sub'),
  Mul: binary('mul'),
  Div: binary('div'),
  PRelu: binary('prelu'),
  Softmax: softmax(false),
  LogSoftmax: softmax(true),
  Gemm: gemm,
  MatMul: matmul,
};
