// recurrentLayer: what a Keras LSTM, GRU or SimpleRNN layer (optionally Bidirectional) computes,
// over its weights in Keras's own layout, before the compiler decides how. Inputs: x [B, T, I],
// then per direction (forward, backward) kernel [I, G*H], recurrent kernel [H, G*H] and bias
// ([G*H], or [2, G*H] for a GRU with reset_after; absent without use_bias). Outputs as the
// recurrent op's (src/ops/recurrent/attrs.ts outputSlots, batch-major): the final h [B, D, H],
// the LSTM's final c, and y when returnSequences ([B, T, D*H] concatenated, or [B, T, H] merged).
// For inference the compiler lowers it (./lower.ts) to the fast `recurrent` node over canonical
// weights converted once on the host; training rewrites it (./expand.ts) to a projection GEMM
// and recurrentTrainForward, which train Keras's parameters themselves. It never reaches a plan.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { OpDefinition, TensorSpec } from '../op.ts';
import { GATES } from '../recurrent/layout.ts';
import { checkTrainAttrs } from '../recurrent-train/attrs.ts';
import { directionsOf, layerOutputSlots, weightSlot, type RecurrentLayerAttrs, type WeightKind } from './attrs.ts';
import { recurrentLayerReference } from './reference.ts';

export const recurrentLayerOp: OpDefinition<RecurrentLayerAttrs> = {
  name: 'recurrentLayer',

  infer(where, inputs, attrs) {
    const { cell, units: H, inputSize: I } = attrs;
    const D = directionsOf(attrs);
    checkTrainAttrs(where, { cell, hiddenSize: H, numDirections: D, activations: attrs.activations, resetAfter: attrs.resetAfter });
    if (!['concat', 'sum', 'mul', 'ave'].includes(attrs.mergeMode) || (D === 1 && attrs.mergeMode !== 'concat')) {
      throw new WgnnError(where, `mergeMode '${attrs.mergeMode}' needs two directions; use concat, sum, mul or ave with 'bidirectional'`);
    }
    const x = inputs[0];
    if (!x || x.dtype !== 'float32' || x.shape.length !== 3 || x.shape[2] !== I) {
      throw new WgnnError(where, `x must be float32 [batch, steps, ${I}], got ${x ? `${formatShape(x.shape)} ${x.dtype}` : 'nothing'}`);
    }
    const [B, T] = x.shape;
    if (B < 1 || T < 1) throw new WgnnError(where, `x ${formatShape(x.shape)} needs at least one step and one batch entry`);
    const G = GATES[cell];
    const twoBiases = cell === 'gru' && attrs.resetAfter;
    const hasBias = inputs[weightSlot(0, 'bias')] !== undefined;
    for (let d = 0; d < D; d++) {
      const expected: [WeightKind, number[]][] = [['kernel', [I, G * H]], ['recurrentKernel', [H, G * H]], ['bias', twoBiases ? [2, G * H] : [G * H]]];
      for (const [which, shape] of expected) {
        const t = inputs[weightSlot(d, which)];
        if (which === 'bias' && !hasBias) {
          if (t) throw new WgnnError(where, 'the directions must all have a bias or none');
          continue;
        }
        if (!t || t.dtype !== 'float32' || t.shape.join() !== shape.join()) {
          throw new WgnnError(where, `${D === 2 ? `${d === 0 ? 'forward' : 'backward'} ` : ''}${which} is ${t ? formatShape(t.shape) : 'missing'}, expected ${formatShape(shape)} for ${H} units and input size ${I}`);
        }
      }
    }
    if (inputs.length > 1 + 3 * D) throw new WgnnError(where, `takes x and ${3 * D} weights, got ${inputs.length} inputs`);
    const state = { shape: [B, D, H], dtype: 'float32' } as TensorSpec;
    const slots = layerOutputSlots(attrs);
    const outputs: TensorSpec[] = [];
    outputs[slots.h] = state;
    if (slots.c !== undefined) outputs[slots.c] = { ...state };
    if (slots.y !== undefined) outputs[slots.y] = { shape: [B, T, attrs.mergeMode === 'concat' ? D * H : H], dtype: 'float32' };
    return outputs;
  },

  plan() {
    throw new WgnnError('recurrentLayer', 'is lowered before planning (src/compile/lower.ts)');
  },

  reference: recurrentLayerReference,
};
