// Each IR op of a model-API graph as ONNX nodes (opset 17). wgnn's activations are channels-last
// (NHWC); ONNX's Conv, ConvTranspose, pooling and DepthToSpace are channels-first, so each such
// op is wrapped in Transposes (onnxruntime cancels the back-to-back pairs), and its weights are
// reordered here, once. Recurrent layers become ONNX LSTM / GRU / RNN over weights converted from
// Keras's layout by the same code the inference path uses (src/ops/recurrent/convert.ts).
import { WgnnError } from '../../errors.ts';
import type { Graph, GraphNode, ValueId } from '../../graph/ir.ts';
import type { ReshapeAttrs } from '../../graph/ops.ts';
import type { ResolvedActivation } from '../../ops/activation/kinds.ts';
import type { BinaryAttrs } from '../../ops/binary/op.ts';
import type { BatchNormAttrs } from '../../ops/batch-norm/layer-op.ts';
import { resolvePads, type Padding } from '../../ops/conv2d/geometry.ts';
import type { Conv2dAttrs } from '../../ops/conv2d/op.ts';
import { convTransposeGeometry, type ConvTranspose2dAttrs } from '../../ops/conv-transpose2d/op.ts';
import type { DepthToSpaceAttrs } from '../../ops/depth-to-space/op.ts';
import type { Pool2dAttrs } from '../../ops/pool2d/op.ts';
import { onnxWeightsFrom } from '../../ops/recurrent/convert.ts';
import { GATES } from '../../ops/recurrent/layout.ts';
import { directionsOf, layerOutputSlots, weightSlot, type RecurrentLayerAttrs } from '../../ops/recurrent-layer/attrs.ts';
import type { SoftmaxAttrs } from '../../ops/softmax/op.ts';
import { transposeOp } from '../../ops/transpose/op.ts';
import type { TensorSpec } from '../../ops/op.ts';
import { USES_ALPHA, USES_BETA } from '../ops/recurrent.ts';
import type { OnnxWriter } from './writer.ts';

export interface ExportContext {
  w: OnnxWriter;
  graph: Graph;
  /** The ONNX name of a value (a constant gets its initializer, as stored, on first use). */
  name(id: ValueId): string;
  /** A constant's values; an error naming `node` if the value is computed. */
  constant(node: GraphNode, id: ValueId): { shape: number[]; data: Float32Array };
  /** The value's shape and dtype (open dims probed as 1). */
  spec(id: ValueId): TensorSpec;
}

type Emitter = (node: GraphNode, c: ExportContext) => void;

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const out = (node: GraphNode, c: ExportContext, i = 0) => c.name(node.outputs[i]);

/** Reorders a row-major tensor's axes on the host (the transpose op's reference). */
const permute = (data: Float32Array, shape: readonly number[], perm: number[]): Float32Array => transposeOp.reference([{ shape: [...shape], data }], { perm })[0].data as Float32Array;

/** `x` through the activation (or `x` itself for linear), into `target` when given. */
function activate(c: ExportContext, where: string, x: string, a: ResolvedActivation | undefined, target?: string): string {
  const to = target ?? c.w.fresh(`${x}/${a?.kind ?? 'linear'}`);
  const emit = (op: string, attrs: Record<string, number | { float: number }> = {}, inputs = [x]) => c.w.node(op, inputs, [to], attrs)[0];
  const scalar = (v: number) => c.w.floats(`${to}/const`, [], Float32Array.of(v));
  switch (a?.kind ?? 'linear') {
    case 'linear': return target ? emit('Identity') : x;
    case 'relu': return emit('Relu');
    case 'relu6': return emit('Clip', {}, [x, scalar(0), scalar(6)]);
    case 'clip': return emit('Clip', {}, [x, scalar(a!.alpha), scalar(a!.beta)]);
    case 'leakyRelu': return emit('LeakyRelu', { alpha: { float: a!.alpha } });
    case 'elu': return emit('Elu', { alpha: { float: a!.alpha } });
    case 'selu': return emit('Selu', { alpha: { float: a!.alpha }, gamma: { float: a!.beta } });
    case 'hardSigmoid': return emit('HardSigmoid', { alpha: { float: a!.alpha }, beta: { float: a!.beta } });
    case 'sigmoid': return emit('Sigmoid');
    case 'tanh': return emit('Tanh');
    case 'softplus': return emit('Softplus');
    case 'softsign': return emit('Softsign');
    case 'hardSwish': return emit('HardSwish');
    case 'gelu': {
      // Opset 17 has no Gelu: 0.5 x (1 + erf(x / sqrt 2)).
      const erf = c.w.op('Erf', [c.w.op('Mul', [x, scalar(Math.SQRT1_2)], `${to}/scaled`)], `${to}/erf`);
      return emit('Mul', {}, [c.w.op('Mul', [x, scalar(0.5)], `${to}/half`), c.w.op('Add', [erf, scalar(1)], `${to}/one_plus`)]);
    }
    case 'mish': return emit('Mul', {}, [x, c.w.op('Tanh', [c.w.op('Softplus', [x], `${to}/softplus`)], `${to}/tanh`)]);
    case 'erf': return emit('Erf');
    case 'sqrt': return emit('Sqrt');
    case 'exp': return emit('Exp');
    case 'log': return emit('Log');
    case 'neg': return emit('Neg');
    case 'abs': return emit('Abs');
    case 'reciprocal': return emit('Reciprocal');
    case 'floor': return emit('Floor');
    case 'ceil': return emit('Ceil');
    default: throw new WgnnError(where, `activation ${a!.kind} has no ONNX export`);
  }
}

/** ONNX pads [top, left, bottom, right] for a window op on an NHWC input, or auto_pad for 'same' with open sizes. */
function windowPads(c: ExportContext, where: string, x: ValueId, padding: Padding, kernel: [number, number], strides: [number, number], dilations: [number, number]) {
  const [, H, W] = c.graph.values[x].shape ?? [];
  if ((padding === 'same' || padding === 'same-upper' || padding === 'same-lower') && (H === null || W === null)) return { auto_pad: padding === 'same-lower' ? 'SAME_LOWER' : 'SAME_UPPER' };
  const [, h, w] = c.spec(x).shape;
  return { pads: resolvePads(where, padding, [h, w], kernel, strides, dilations, 2) };
}

const conv2d: Emitter = (node, c) => {
  const a = node.attrs as Conv2dAttrs;
  const [x, kernel, bias] = node.inputs;
  const k = c.constant(node, kernel!); // [KH, KW, Cin/groups, Cout]
  const [KH, KW] = k.shape;
  const weights = c.w.floats(`${node.name}/weights_oihw`, [k.shape[3], k.shape[2], KH, KW], permute(k.data, k.shape, [3, 2, 0, 1]));
  const nchw = c.w.op('Transpose', [c.name(x!)], `${node.name}/nchw`, { perm: TO_NCHW });
  const y = c.w.op('Conv', [nchw, weights, ...(bias === undefined ? [] : [c.name(bias)])], `${node.name}/conv`, {
    kernel_shape: [KH, KW], strides: a.strides, dilations: a.dilations, group: a.groups, ...windowPads(c, node.name, x!, a.padding, [KH, KW], a.strides, a.dilations),
  });
  activate(c, node.name, c.w.op('Transpose', [y], `${node.name}/nhwc`, { perm: TO_NHWC }), a.activation, out(node, c));
};

const convTranspose2d: Emitter = (node, c) => {
  const a = node.attrs as ConvTranspose2dAttrs;
  const [x, kernel, bias] = node.inputs;
  const k = c.constant(node, kernel!); // [Cin, KH, KW, Cout/groups]
  const g = convTransposeGeometry(node.name, c.spec(x!), { shape: k.shape, dtype: 'float32' }, a);
  const weights = c.w.floats(`${node.name}/weights_iohw`, [k.shape[0], k.shape[3], k.shape[1], k.shape[2]], permute(k.data, k.shape, [0, 3, 1, 2]));
  const nchw = c.w.op('Transpose', [c.name(x!)], `${node.name}/nchw`, { perm: TO_NCHW });
  const y = c.w.op('ConvTranspose', [nchw, weights, ...(bias === undefined ? [] : [c.name(bias)])], `${node.name}/conv_transpose`, {
    kernel_shape: [g.KH, g.KW], strides: a.strides, dilations: a.dilations, group: a.groups, pads: g.pads, output_padding: g.outputPadding,
  });
  activate(c, node.name, c.w.op('Transpose', [y], `${node.name}/nhwc`, { perm: TO_NHWC }), a.activation, out(node, c));
};

const pool2d: Emitter = (node, c) => {
  const a = node.attrs as Pool2dAttrs;
  const x = node.inputs[0]!;
  const nchw = c.w.op('Transpose', [c.name(x)], `${node.name}/nchw`, { perm: TO_NCHW });
  let y: string;
  if (a.kernel === undefined) {
    y = c.w.op(a.kind === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [nchw], `${node.name}/pool`);
  } else {
    const attrs = {
      kernel_shape: a.kernel, strides: a.strides, ceil_mode: Number(a.ceilMode), ...windowPads(c, node.name, x, a.padding, a.kernel, a.strides, a.dilations),
      ...(a.kind === 'max' ? { dilations: a.dilations } : { count_include_pad: Number(a.countIncludePad) }),
    };
    if (a.kind === 'avg' && a.dilations.some((d) => d !== 1)) throw new WgnnError(node.name, 'a dilated average pooling has no ONNX AveragePool form in opset 17');
    y = c.w.op(a.kind === 'max' ? 'MaxPool' : 'AveragePool', [nchw], `${node.name}/pool`, attrs);
  }
  c.w.node('Transpose', [y], [out(node, c)], { perm: TO_NHWC });
};

const matmul: Emitter = (node, c) => {
  const a = node.attrs as { transposeA: boolean; transposeB: boolean; activation: ResolvedActivation };
  const [x, y, bias] = node.inputs;
  const swapLast = (id: ValueId, label: string) => {
    const rank = c.spec(id).shape.length;
    return c.w.op('Transpose', [c.name(id)], `${node.name}/${label}_t`, { perm: [...Array(rank - 2).keys(), rank - 1, rank - 2] });
  };
  const left = a.transposeA ? swapLast(x!, 'a') : c.name(x!);
  const right = a.transposeB ? swapLast(y!, 'b') : c.name(y!);
  let result = c.w.op('MatMul', [left, right], `${node.name}/matmul`);
  if (bias !== undefined) result = c.w.op('Add', [result, c.name(bias)], `${node.name}/bias`);
  activate(c, node.name, result, a.activation, out(node, c));
};

const BINARY: Partial<Record<BinaryAttrs['op'], string>> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div', pow: 'Pow', max: 'Max', min: 'Min', prelu: 'PRelu' };

const binary: Emitter = (node, c) => {
  const a = node.attrs as BinaryAttrs;
  const op = BINARY[a.op];
  if (!op) throw new WgnnError(node.name, `binary op '${a.op}' has no ONNX export`);
  activate(c, node.name, c.w.op(op, node.inputs.map((id) => c.name(id!)), `${node.name}/${a.op}`), a.activation, out(node, c));
};

const batchNorm: Emitter = (node, c) => {
  // At inference: y = x * scale + shift over the last (channel) axis, folded here.
  const { epsilon } = node.attrs as BatchNormAttrs;
  const [gamma, beta, mean, variance] = node.inputs.slice(1).map((id) => c.constant(node, id!).data);
  const scale = gamma.map((g, i) => g / Math.sqrt(variance[i] + epsilon));
  const shift = beta.map((b, i) => b - mean[i] * scale[i]);
  const scaled = c.w.op('Mul', [c.name(node.inputs[0]!), c.w.floats(`${node.name}/scale`, [scale.length], scale)], `${node.name}/scaled`);
  c.w.node('Add', [scaled, c.w.floats(`${node.name}/shift`, [shift.length], shift)], [out(node, c)]);
};

/** recurrentLayer -> ONNX LSTM / GRU / RNN on [T, B, I], outputs back to batch-major and merged as Keras merges them. */
const recurrentLayer: Emitter = (node, c) => {
  const a = node.attrs as RecurrentLayerAttrs;
  const D = directionsOf(a);
  const H = a.units;
  const cellWeights = (d: number) => {
    const get = (which: 'kernel' | 'recurrentKernel' | 'bias') => {
      const id = node.inputs[weightSlot(d, which)];
      return id === undefined ? undefined : c.constant(node, id);
    };
    return { kernel: get('kernel')!, recurrentKernel: get('recurrentKernel')!, bias: get('bias') };
  };
  const converted = onnxWeightsFrom(node.name, a.cell, { format: 'keras', forward: cellWeights(0), ...(D === 2 ? { backward: cellWeights(1) } : {}), resetAfter: a.resetAfter });
  const G = GATES[a.cell];
  const I = a.inputSize;
  const W = c.w.floats(`${node.name}/W`, [D, G * H, I], converted.w);
  const R = c.w.floats(`${node.name}/R`, [D, G * H, H], converted.r);
  const B = c.w.floats(`${node.name}/B`, [D, 2 * G * H], converted.b);
  const opType = { lstm: 'LSTM', gru: 'GRU', simpleRnn: 'RNN' }[a.cell];
  const acts = Array.from({ length: D }, () => a.activations).flat();
  const alphas = acts.filter((x) => USES_ALPHA.has(x.name.toLowerCase())).map((x) => x.alpha);
  const betas = acts.filter((x) => USES_BETA.has(x.name.toLowerCase())).map((x) => x.beta);
  const seq = c.w.op('Transpose', [c.name(node.inputs[0]!)], `${node.name}/time_major`, { perm: [1, 0, 2] });
  const slots = layerOutputSlots(a);
  const y = c.w.fresh(`${node.name}/Y`);
  const yh = c.w.fresh(`${node.name}/Y_h`);
  const yc = a.cell === 'lstm' ? c.w.fresh(`${node.name}/Y_c`) : undefined;
  c.w.node(opType, [seq, W, R, B], [y, yh, ...(yc ? [yc] : [])], {
    hidden_size: H,
    direction: D === 2 ? 'bidirectional' : 'forward',
    activations: acts.map((x) => x.name),
    // Consumed in order by the functions that take them (as onnxruntime and wgnn's importer read them).
    ...(alphas.length ? { activation_alpha: { floats: alphas } } : {}),
    ...(betas.length ? { activation_beta: { floats: betas } } : {}),
    ...(a.cell === 'gru' ? { linear_before_reset: Number(a.resetAfter) } : {}),
  });
  // Final states [D, B, H] -> the layer's [B, D, H].
  c.w.node('Transpose', [yh], [out(node, c, slots.h)], { perm: [1, 0, 2] });
  if (yc && slots.c !== undefined) c.w.node('Transpose', [yc], [out(node, c, slots.c)], { perm: [1, 0, 2] });
  if (slots.y === undefined) return;
  // Y [T, D, B, H] -> [B, T, D, H], then the directions side by side or merged.
  const batchMajor = c.w.op('Transpose', [y], `${node.name}/Y_batch_major`, { perm: [2, 0, 1, 3] });
  const target = out(node, c, slots.y);
  if (D === 1 || a.mergeMode === 'concat') c.w.node('Reshape', [batchMajor, c.w.int64s(`${node.name}/shape`, [0, 0, -1])], [target]);
  else if (a.mergeMode === 'sum') c.w.node('ReduceSum', [batchMajor, c.w.int64s(`${node.name}/axes`, [2])], [target], { keepdims: 0 });
  else c.w.node(a.mergeMode === 'mul' ? 'ReduceProd' : 'ReduceMean', [batchMajor], [target], { axes: [2], keepdims: 0 });
};

export const EXPORTERS: Record<string, Emitter> = {
  conv2d,
  convTranspose2d,
  pool2d,
  matmul,
  binary,
  batchNorm,
  recurrentLayer,
  activation: (node, c) => void activate(c, node.name, c.name(node.inputs[0]!), node.attrs as ResolvedActivation, out(node, c)),
  softmax: (node, c) => {
    const a = node.attrs as SoftmaxAttrs;
    c.w.node(a.log ? 'LogSoftmax' : 'Softmax', [c.name(node.inputs[0]!)], [out(node, c)], { axis: a.axis });
  },
  dropout: (node, c) => void c.w.node('Identity', [c.name(node.inputs[0]!)], [out(node, c)]),
  reshape: (node, c) => {
    const a = node.attrs as ReshapeAttrs;
    c.w.node('Reshape', [c.name(node.inputs[0]!), c.w.int64s(`${node.name}/shape`, a.shape)], [out(node, c)], a.allowZero ? { allowzero: 1 } : {});
  },
  concat: (node, c) => void c.w.node('Concat', node.inputs.map((id) => c.name(id!)), [out(node, c)], { axis: (node.attrs as { axis: number }).axis }),
  embedding: (node, c) => void c.w.node('Gather', [c.name(node.inputs[0]!), c.name(node.inputs[1]!)], [out(node, c)], { axis: 0 }),
  depthToSpace: (node, c) => {
    const a = node.attrs as DepthToSpaceAttrs;
    const nchw = c.w.op('Transpose', [c.name(node.inputs[0]!)], `${node.name}/nchw`, { perm: TO_NCHW });
    const y = c.w.op('DepthToSpace', [nchw], `${node.name}/d2s`, { blocksize: a.blockSize, mode: a.mode });
    c.w.node('Transpose', [y], [out(node, c)], { perm: TO_NHWC });
  },
};
