// One recurrent layer added to a graph: weights in any convention converted once to the
// canonical layout (three constants), then one `recurrent` node. The model API's LSTM/GRU/
// SimpleRNN layers and the ONNX importer's LSTM/GRU/RNN both come through here.
import type { ValueId } from '../graph/ir.ts';
import { recurrentAttrsFor, type LstmOptions, type RecurrentWeightsInfo } from '../ops/recurrent/api.ts';
import { outputSlots, RECURRENT_INPUTS, type RecurrentAttrs } from '../ops/recurrent/attrs.ts';
import { onnxWeightsFrom, type RecurrentWeightsSpec } from '../ops/recurrent/convert.ts';
import { canonicalFromOnnx, canonicalShapes, type CellKind } from '../ops/recurrent/layout.ts';
import type { GraphBuilder, SymbolicTensor } from './builder.ts';

export interface RecurrentLowering {
  attrs: RecurrentAttrs;
  y?: SymbolicTensor;
  yH: SymbolicTensor;
  yC?: SymbolicTensor;
}

export interface GraphRecurrentInputs {
  lengths?: SymbolicTensor;
  initialH?: SymbolicTensor;
  initialC?: SymbolicTensor;
}

type WeightKey = 'input' | 'bias' | 'recurrent';
export type CanonicalConstants = Record<WeightKey, { shape: number[]; data: Float32Array }>;

/** Converts weights of any convention to the canonical constants, once. */
export function canonicalRecurrent(where: string, cell: CellKind, spec: RecurrentWeightsSpec): { info: RecurrentWeightsInfo; constants: CanonicalConstants } {
  const onnx = onnxWeightsFrom(where, cell, spec);
  const canonical = canonicalFromOnnx(onnx);
  const shapes = canonicalShapes(cell, onnx.numDirections, onnx.hiddenSize, onnx.inputSize);
  return {
    info: { cell, inputSize: onnx.inputSize, hiddenSize: onnx.hiddenSize, numDirections: onnx.numDirections, linearBeforeReset: onnx.linearBeforeReset, hasPeepholes: onnx.p !== undefined },
    constants: {
      input: { shape: shapes.input, data: canonical.input },
      bias: { shape: shapes.bias, data: canonical.bias },
      recurrent: { shape: shapes.recurrent, data: canonical.recurrent },
    },
  };
}

/** The recurrent node over constants already in the graph. */
export function recurrentNode(
  builder: GraphBuilder,
  name: string,
  info: RecurrentWeightsInfo,
  weights: Record<WeightKey, ValueId>,
  x: SymbolicTensor,
  options: Omit<LstmOptions, 'initialH' | 'initialC' | 'sequenceLens'>,
  inputs: GraphRecurrentInputs = {},
): RecurrentLowering {
  const attrs = recurrentAttrsFor(name, info.cell, info, { ...options, initialC: inputs.initialC });
  const slots: (SymbolicTensor | ValueId | undefined)[] = new Array(7).fill(undefined);
  slots[RECURRENT_INPUTS.x] = x;
  slots[RECURRENT_INPUTS.input] = weights.input;
  slots[RECURRENT_INPUTS.bias] = weights.bias;
  slots[RECURRENT_INPUTS.recurrent] = weights.recurrent;
  slots[RECURRENT_INPUTS.lengths] = inputs.lengths;
  slots[RECURRENT_INPUTS.initialH] = inputs.initialH;
  slots[RECURRENT_INPUTS.initialC] = inputs.initialC;
  const out = outputSlots(attrs);
  const count = 1 + (out.c !== undefined ? 1 : 0) + (out.y !== undefined ? 1 : 0);
  const outputs = builder.node('recurrent', name, slots, attrs, count);
  return { attrs, yH: outputs[out.h], yC: out.c === undefined ? undefined : outputs[out.c], y: out.y === undefined ? undefined : outputs[out.y] };
}

/** Adds weights converted by canonicalRecurrent as constants, and the node. */
export function lowerRecurrent(
  builder: GraphBuilder,
  name: string,
  { info, constants }: ReturnType<typeof canonicalRecurrent>,
  x: SymbolicTensor,
  options: Omit<LstmOptions, 'initialH' | 'initialC' | 'sequenceLens'>,
  inputs: GraphRecurrentInputs = {},
): RecurrentLowering {
  const ids = {
    input: builder.constant(`${name}/input_weights`, constants.input.shape, constants.input.data),
    bias: builder.constant(`${name}/bias`, constants.bias.shape, constants.bias.data),
    recurrent: builder.constant(`${name}/recurrent_weights`, constants.recurrent.shape, constants.recurrent.data),
  };
  return recurrentNode(builder, name, info, ids, x, options, inputs);
}
