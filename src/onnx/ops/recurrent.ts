// ONNX LSTM, GRU and RNN: weights (constants) converted once to wgnn's canonical layout, one
// fused recurrent node (src/model/recurrent-lowering.ts). Y keeps ONNX's [T, D, B, H] (or
// [B, T, D, H] with layout = 1); Y_h and Y_c are the final states.
import { WgnnError } from '../../errors.ts';
import { canonicalRecurrent, lowerRecurrent } from '../../model/recurrent-lowering.ts';
import type { RecurrentActivation } from '../../ops/recurrent/activations.ts';
import type { CellKind } from '../../ops/recurrent/layout.ts';
import type { RecurrentDirection } from '../../ops/recurrent/reference-common.ts';
import { describe, dimsOf, floatData, intValues, type Attributes, type ImportContext } from '../context.ts';
import type { OnnxNode, OnnxTensor } from '../model.ts';
import { optionalInput, requireConstant, type Handler } from './handler.ts';

export const USES_ALPHA = new Set(['leakyrelu', 'thresholdedrelu', 'scaledtanh', 'hardsigmoid', 'elu', 'affine']);
export const USES_BETA = new Set(['scaledtanh', 'hardsigmoid', 'affine']);

/** activation_alpha / activation_beta go, in order, to the functions that take them (as onnxruntime does). */
function activations(attrs: Attributes): RecurrentActivation[] | undefined {
  const names = attrs.strings('activations');
  if (!names) return undefined;
  const alphas = [...(attrs.floats('activation_alpha') ?? [])];
  const betas = [...(attrs.floats('activation_beta') ?? [])];
  return names.map((name) => {
    const key = name.toLowerCase();
    return { name, alpha: USES_ALPHA.has(key) ? alphas.shift() : undefined, beta: USES_BETA.has(key) ? betas.shift() : undefined };
  });
}

const array = (where: string, t: OnnxTensor) => ({ shape: t.dims, data: floatData(where, t) });

function recurrent(cell: CellKind): Handler {
  return (ctx: ImportContext, node: OnnxNode, attrs: Attributes) => {
    const where = describe(node);
    const optional = (i: number, what: string) => (optionalInput(node, i) ? array(where, requireConstant(ctx, node, i, what)) : undefined);
    const wTensor = requireConstant(ctx, node, 1, 'W');
    const w = array(where, wTensor);
    const r = array(where, requireConstant(ctx, node, 2, 'R'));
    const b = optional(3, 'B');
    const p = cell === 'lstm' ? optional(7, 'P') : undefined;
    const direction = attrs.string('direction', 'forward') as RecurrentDirection;
    const batchMajor = attrs.int('layout', 0) === 1;
    const x = ctx.plain(node, 0);
    let lengths;
    if (optionalInput(node, 4)) {
      const lens = intValues(where, requireConstant(ctx, node, 4, 'sequence_lens'));
      const T = dimsOf(x)[batchMajor ? 1 : 0];
      const bad = lens.find((l) => !Number.isInteger(l) || l < 1 || l > T);
      if (bad !== undefined) throw new WgnnError(where, `sequence length ${bad} is outside [1, ${T}]`);
      lengths = ctx.hostConstant(`${where}/sequence_lens`, [lens.length], Int32Array.from(lens));
    }
    const spec = { format: 'onnx' as const, w, r, b, p, hiddenSize: attrs.int('hidden_size', w.shape[1] / { lstm: 4, gru: 3, simpleRnn: 1 }[cell]), ...(cell === 'gru' ? { linearBeforeReset: attrs.int('linear_before_reset', 0) === 1 } : {}) };
    // Converted once for every signature's graph (keyed by W; R, B and P are the same node's).
    const converted = ctx.derived.get(wTensor, `recurrent ${cell} ${node.inputs.join(' ')} ${spec.hiddenSize} ${spec.linearBeforeReset ?? ''}`, () => canonicalRecurrent(where, cell, spec));
    const lowered = lowerRecurrent(
      ctx.builder,
      where,
      converted,
      x,
      {
        name: where,
        layout: batchMajor ? 'batch-major' : 'sequence-major',
        direction,
        mergeMode: 'stack',
        returnSequences: Boolean(node.outputs[0]),
        activations: activations(attrs),
        clip: node.attributes.clip ? attrs.float('clip', 0) : undefined,
        ...(cell === 'lstm' ? { inputForget: attrs.int('input_forget', 0) === 1 } : {}),
      },
      {
        lengths,
        initialH: optionalInput(node, 5) ? ctx.plain(node, 5) : undefined,
        initialC: cell === 'lstm' && optionalInput(node, 6) ? ctx.plain(node, 6) : undefined,
      },
    );
    if (node.outputs[0]) ctx.define(node.outputs[0], lowered.y!);
    if (node.outputs[1]) ctx.define(node.outputs[1], lowered.yH);
    if (node.outputs[2] && cell === 'lstm') ctx.define(node.outputs[2], lowered.yC!);
  };
}

export const RECURRENT_HANDLERS: Record<string, Handler> = {
  LSTM: recurrent('lstm'),
  GRU: recurrent('gru'),
  RNN: recurrent('simpleRnn'),
};
