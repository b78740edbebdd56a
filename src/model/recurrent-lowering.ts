// One recurrent layer added to a graph: weights in any convention converted once to the
// canonical layout and stored as three constants, then one `recurrent` node. The model API's
// LSTM/GRU/SimpleRNN layers and the ONNX importer's LSTM/GRU/RNN both come through here.
import { outputSlots, RECURRENT_INPUTS, type RecurrentAttrs } from '../ops/recurrent/attrs.ts';
import { recurrentAttrsFor, type LstmOptions } from '../ops/recurrent/api.ts';
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

export function lowerRecurrent(
  builder: GraphBuilder,
  name: string,
  cell: CellKind,
  spec: RecurrentWeightsSpec,
  x: SymbolicTensor,
  options: Omit<LstmOptions, 'initialH' | 'initialC' | 'sequenceLens'>,
  inputs: GraphRecurrentInputs = {},
): RecurrentLowering {
  const onnx = onnxWeightsFrom(name, cell, spec);
  const canonical = canonicalFromOnnx(onnx);
  const shapes = canonicalShapes(cell, onnx.numDirections, onnx.hiddenSize, onnx.inputSize);
  const info = {
    cell, inputSize: onnx.inputSize, hiddenSize: onnx.hiddenSize, numDirections: onnx.numDirections,
    linearBeforeReset: onnx.linearBeforeReset, hasPeepholes: onnx.p !== undefined,
  };
  const attrs = recurrentAttrsFor(name, cell, info, { ...options, initialC: inputs.initialC });
  const slots: (SymbolicTensor | number | undefined)[] = [];
  slots[RECURRENT_INPUTS.x] = x;
  slots[RECURRENT_INPUTS.input] = builder.constant(`${name}/input_weights`, shapes.input, canonical.input);
  slots[RECURRENT_INPUTS.bias] = builder.constant(`${name}/bias`, shapes.bias, canonical.bias);
  slots[RECURRENT_INPUTS.recurrent] = builder.constant(`${name}/recurrent_weights`, shapes.recurrent, canonical.recurrent);
  slots[RECURRENT_INPUTS.lengths] = inputs.lengths;
  slots[RECURRENT_INPUTS.initialH] = inputs.initialH;
  slots[RECURRENT_INPUTS.initialC] = inputs.initialC;
  const out = outputSlots(attrs);
  const count = 1 + (out.c !== undefined ? 1 : 0) + (out.y !== undefined ? 1 : 0);
  const outputs = builder.node('recurrent', name, [...Array(7).keys()].map((i) => slots[i]), attrs, count);
  return { attrs, yH: outputs[out.h], yC: out.c === undefined ? undefined : outputs[out.c], y: out.y === undefined ? undefined : outputs[out.y] };
}
