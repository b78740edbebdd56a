// recurrentTrainForward: a recurrent layer's recurrence in training, Keras's parametrization
// (layouts in ./attrs.ts). Inputs: the projection P = x·kernel (+ input bias) of every step and
// direction, the recurrent kernels R, a GRU with reset_after's bias rows, optional h0 and c0.
// Outputs: y (every step's h), the final h (and c), and the values the backward needs (saved).
// One kernel per cell (shaders/{lstm,gru,rnn}_train_forward.wgsl), and the LSTM's vec4 form
// (lstm_train_forward_vec4.wgsl, units a multiple of 4), launched by ./launch.ts.
import gruWgsl from '../../../shaders/gru_train_forward.wgsl?raw';
import lstmWgsl from '../../../shaders/lstm_train_forward.wgsl?raw';
import lstmVec4Wgsl from '../../../shaders/lstm_train_forward_vec4.wgsl?raw';
import rnnWgsl from '../../../shaders/rnn_train_forward.wgsl?raw';
import type { BindingRef, Dispatch, OpDefinition, TensorSpec } from '../op.ts';
import type { CellKind } from '../recurrent/layout.ts';
import { RECURRENT_ACTIVATION_CODES } from '../recurrent/op.ts';
import { activationCodes, checkForwardInputs, FORWARD_INPUTS, forwardSlots, type RecurrentTrainAttrs } from './attrs.ts';
import { checkBindingSize, STAND_IN, trainLaunch } from './launch.ts';
import { recurrentTrainForwardReference } from './reference.ts';

const SHADERS = {
  lstm: { name: 'lstm_train_forward.wgsl', code: lstmWgsl },
  gru: { name: 'gru_train_forward.wgsl', code: gruWgsl },
  simpleRnn: { name: 'rnn_train_forward.wgsl', code: rnnWgsl },
};
const VEC4: Partial<Record<CellKind, { name: string; code: string }>> = { lstm: { name: 'lstm_train_forward_vec4.wgsl', code: lstmVec4Wgsl } };

export const recurrentTrainForwardOp: OpDefinition<RecurrentTrainAttrs> = {
  name: 'recurrentTrainForward',

  infer(where, inputs, attrs) {
    const { B, T, D, H, S } = checkForwardInputs(where, inputs, attrs);
    const slots = forwardSlots(attrs.cell);
    const outputs: TensorSpec[] = [];
    outputs[slots.y] = { shape: [B, T, D, H], dtype: 'float32' };
    outputs[slots.h] = { shape: [B, D, H], dtype: 'float32' };
    if (slots.c !== undefined) outputs[slots.c] = { shape: [B, D, H], dtype: 'float32' };
    outputs[slots.saved] = { shape: [B, T, D, S, H], dtype: 'float32' };
    return outputs;
  },

  plan(inputs, _outputs, attrs, ctx) {
    const dims = checkForwardInputs('recurrentTrainForward', inputs, attrs);
    const { B, T, D, H, G, S } = dims;
    checkBindingSize(attrs.cell, 'the projection', B * T * D * G * H, ctx);
    checkBindingSize(attrs.cell, 'the saved values', B * T * D * S * H, ctx);
    const launch = trainLaunch(attrs.cell, dims, ctx, VEC4[attrs.cell] !== undefined);
    const { overrides, alpha, beta } = activationCodes(attrs, RECURRENT_ACTIVATION_CODES);
    const slots = forwardSlots(attrs.cell);
    // Each absent input gets its own stand-in: two bindings of a dispatch may not share a buffer.
    const scratchBytes: number[] = [];
    const optional = (slot: number): BindingRef => {
      if (inputs[slot]) return { input: slot };
      scratchBytes.push(STAND_IN);
      return { scratch: scratchBytes.length - 1 };
    };
    const has = (slot: number) => Number(inputs[slot] !== undefined);
    const [p, r] = [{ input: FORWARD_INPUTS.projection }, { input: FORWARD_INPUTS.recurrent }];
    const [y, h, saved] = [{ output: slots.y }, { output: slots.h }, { output: slots.saved }];
    let bindings: BindingRef[];
    let flags: Record<string, number>;
    if (attrs.cell === 'lstm') {
      bindings = [p, r, optional(FORWARD_INPUTS.h0), optional(FORWARD_INPUTS.c0), y, h, { output: slots.c! }, saved];
      flags = { hasH0: has(FORWARD_INPUTS.h0), hasC0: has(FORWARD_INPUTS.c0) };
    } else if (attrs.cell === 'gru') {
      bindings = [p, r, optional(FORWARD_INPUTS.bias), optional(FORWARD_INPUTS.h0), y, h, saved];
      flags = { hasH0: has(FORWARD_INPUTS.h0), hasBias: has(FORWARD_INPUTS.bias) };
      overrides.RESET_AFTER = Number(attrs.resetAfter);
    } else {
      bindings = [p, r, optional(FORWARD_INPUTS.h0), y, h, saved];
      flags = { hasH0: has(FORWARD_INPUTS.h0) };
    }
    const dispatches = launch.ranges.map(([stepBegin, stepEnd]): Dispatch => ({
      shader: launch.vec4 ? VEC4[attrs.cell]! : SHADERS[attrs.cell],
      overrides: { ...overrides, WG_SIZE: launch.workgroupSize, BATCH_TILE: launch.batchTile },
      params: { T, B, H, D, stepBegin, stepEnd, ...flags, alpha, beta },
      bindings,
      workgroups: launch.workgroups,
    }));
    return { scratchBytes, dispatches };
  },

  reference: recurrentTrainForwardReference,
};
