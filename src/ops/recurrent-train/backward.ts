// recurrentBackward: the reverse recurrence of recurrentTrainForward (./forward.ts). Inputs: the
// gradients of y, of the final h and of the LSTM's final c (each optional, at least one), the
// recurrent kernels R and the forward's saved values. Outputs: dP, the gradient of every step's
// pre-activations (that of the projection P), dh0 (and dc0), and for a GRU with reset_after dGr,
// the gradient of its recurrent products (which the reset gate scales, so it is not dP). The
// gradient rule (./grad.ts) turns these into the weights' gradients with GEMMs over all steps.
// One kernel per cell (shaders/{lstm,gru,rnn}_train_backward.wgsl), launched by ./launch.ts,
// after a transpose of R into scratch (the scalar kernels read R^T); the vec4 kernels (LSTM, GRU)
// read R as it is (its rows are contiguous in the gates they sum over).
import gruWgsl from '../../../shaders/gru_train_backward.wgsl?raw';
import gruVec4Wgsl from '../../../shaders/gru_train_backward_vec4.wgsl?raw';
import lstmWgsl from '../../../shaders/lstm_train_backward.wgsl?raw';
import lstmVec4Wgsl from '../../../shaders/lstm_train_backward_vec4.wgsl?raw';
import rnnWgsl from '../../../shaders/rnn_train_backward.wgsl?raw';
import type { BindingRef, Dispatch, OpDefinition, TensorSpec } from '../op.ts';
import type { CellKind } from '../recurrent/layout.ts';
import { RECURRENT_ACTIVATION_CODES } from '../recurrent/op.ts';
import { transposeOp } from '../transpose/op.ts';
import { activationCodes, BACKWARD_INPUTS, backwardSlots, checkBackwardInputs, type RecurrentTrainAttrs } from './attrs.ts';
import { checkBindingSize, STAND_IN, trainLaunch } from './launch.ts';
import { recurrentBackwardReference } from './reference.ts';

const SHADERS = {
  lstm: { name: 'lstm_train_backward.wgsl', code: lstmWgsl },
  gru: { name: 'gru_train_backward.wgsl', code: gruWgsl },
  simpleRnn: { name: 'rnn_train_backward.wgsl', code: rnnWgsl },
};
const VEC4: Partial<Record<CellKind, { name: string; code: string }>> = {
  lstm: { name: 'lstm_train_backward_vec4.wgsl', code: lstmVec4Wgsl },
  gru: { name: 'gru_train_backward_vec4.wgsl', code: gruVec4Wgsl },
};

export const recurrentBackwardOp: OpDefinition<RecurrentTrainAttrs> = {
  name: 'recurrentBackward',

  infer(where, inputs, attrs) {
    const { B, T, D, H, G } = checkBackwardInputs(where, inputs, attrs);
    const slots = backwardSlots(attrs);
    const outputs: TensorSpec[] = [];
    outputs[slots.dP] = { shape: [B, T, D * G * H], dtype: 'float32' };
    outputs[slots.dh0] = { shape: [B, D, H], dtype: 'float32' };
    if (slots.dc0 !== undefined) outputs[slots.dc0] = { shape: [B, D, H], dtype: 'float32' };
    if (slots.dGr !== undefined) outputs[slots.dGr] = { shape: [B, T, D * G * H], dtype: 'float32' };
    return outputs;
  },

  plan(inputs, _outputs, attrs, ctx) {
    const dims = checkBackwardInputs('recurrentBackward', inputs, attrs);
    const { B, T, D, H, G } = dims;
    checkBindingSize(attrs.cell, 'the gradient of the projection', B * T * D * G * H, ctx);
    const launch = trainLaunch(attrs.cell, dims, ctx, VEC4[attrs.cell] !== undefined);
    const { overrides, alpha, beta } = activationCodes(attrs, RECURRENT_ACTIVATION_CODES);
    const slots = backwardSlots(attrs);
    const scratchBytes: number[] = [];
    const standIn = (): BindingRef => {
      scratchBytes.push(STAND_IN);
      return { scratch: scratchBytes.length - 1 };
    };
    const optional = (slot: number): BindingRef => (inputs[slot] ? { input: slot } : standIn());
    const has = (slot: number) => Number(inputs[slot] !== undefined);
    const [dY, dHN] = [optional(BACKWARD_INPUTS.dY), optional(BACKWARD_INPUTS.dHN)];
    // R^T [D*G*H, H] first for the scalar kernels, so that their gathers over R's rows read neighbouring weights.
    let r: BindingRef = { input: BACKWARD_INPUTS.recurrent };
    let transpose: Dispatch[] = [];
    if (!launch.vec4) {
      scratchBytes.push(H * D * G * H * 4);
      r = { scratch: scratchBytes.length - 1 };
      transpose = transposeOp.plan([inputs[BACKWARD_INPUTS.recurrent]], [{ shape: [D * G * H, H], dtype: 'float32' }], { perm: [1, 0] }, ctx).dispatches.map((dispatch) => ({
        ...dispatch,
        bindings: [{ input: BACKWARD_INPUTS.recurrent }, r],
      }));
    }
    const saved = { input: BACKWARD_INPUTS.saved };
    const [dP, dh] = [{ output: slots.dP }, { output: slots.dh0 }];
    let bindings: BindingRef[];
    const flags: Record<string, number> = { hasDY: has(BACKWARD_INPUTS.dY), hasDHN: has(BACKWARD_INPUTS.dHN) };
    if (attrs.cell === 'lstm') {
      bindings = [dY, dHN, optional(BACKWARD_INPUTS.dCN), r, saved, dP, dh, { output: slots.dc0! }];
      flags.hasDCN = has(BACKWARD_INPUTS.dCN);
    } else if (attrs.cell === 'gru') {
      bindings = [dY, dHN, r, saved, dP, dh, slots.dGr !== undefined ? { output: slots.dGr } : standIn()];
      overrides.RESET_AFTER = Number(attrs.resetAfter);
    } else {
      bindings = [dY, dHN, r, saved, dP, dh];
    }
    // The vec4 LSTM sums four quads of R's rows per invocation where the quads come in fours.
    if (launch.vec4 && attrs.cell === 'lstm') overrides.K_QUADS = (H / 4) % 4 === 0 ? 4 : 1;
    const dispatches = launch.ranges.map(([stepBegin, stepEnd]): Dispatch => ({
      shader: launch.vec4 ? VEC4[attrs.cell]! : SHADERS[attrs.cell],
      overrides: { ...overrides, WG_SIZE: launch.workgroupSize, BATCH_TILE: launch.batchTile },
      params: { T, B, H, D, stepBegin, stepEnd, ...flags, alpha, beta },
      bindings,
      workgroups: launch.workgroups,
    }));
    return { scratchBytes, dispatches: [...transpose, ...dispatches] };
  },

  reference: recurrentBackwardReference,
};
