// What the two training ops of a recurrent layer share (./forward.ts runs the recurrence and
// saves what its backward needs, ./backward.ts runs it in reverse): the attributes, the slots of
// their inputs and outputs, the layout of the saved values and the shape checks.
//
// Keras's parametrization (keras/src/layers/rnn/{lstm,gru,simple_rnn}.py), gate blocks in Keras
// order (LSTM i, f, c, o; GRU z, r, h). Layouts, batch-major like the Keras layer's input, with
// the D directions (forward, then backward) side by side:
//   P      [B, T, D*G*H]   x(t)·kernel (+ the input bias, except for a GRU with reset_after),
//                          column (d*G + g)*H + j: one GEMM over all steps and directions
//   R      [H, D*G*H]      the recurrent kernels side by side (Keras's [H, G*H] per direction)
//   bias   [D, 2, G*H]     GRU reset_after only: its input and recurrent bias rows
//   h0, c0 [B, D, H]       initial states (absent: zeros)
//   y      [B, T, D, H]    every step's h at its time index (the backward direction walks t down)
//   saved  [B, T, D, S, H] per step, what the backward needs (SAVED_SLOTS), the last slot the
//                          state h(t-1) that the step started from (the left operand of dR)
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { RecurrentActivation } from '../recurrent/activations.ts';
import { GATES, type CellKind } from '../recurrent/layout.ts';
import type { TensorSpec } from '../op.ts';

export interface RecurrentTrainAttrs {
  cell: CellKind;
  hiddenSize: number;
  numDirections: number;
  /** Normalized activations, shared by the directions: LSTM [gate, cell input, cell output], GRU [gate, candidate], simple RNN [f]. */
  activations: Required<RecurrentActivation>[];
  /** GRU: Keras's reset_after (the reset gate scales h(t-1)·R_h + recurrent bias, not h(t-1)). */
  resetAfter: boolean;
}

/**
 * The saved values per step and direction, post-activation: LSTM i, f, g = act(z_c), o, c(t-1),
 * h(t-1); GRU z, r, hh (the candidate), aux, h(t-1) with aux = h(t-1)·R_h + recurrent bias (the
 * product the reset gate scales, reset_after) or r * h(t-1) (the left operand of dR_h, without);
 * simple RNN h(t), h(t-1).
 */
export const SAVED_SLOTS: Record<CellKind, number> = { lstm: 6, gru: 5, simpleRnn: 2 };

/** Activations the training kernels differentiate (from their output): Keras's recurrent set. */
export const TRAINABLE_ACTIVATIONS = ['Relu', 'Tanh', 'Sigmoid', 'Affine', 'LeakyRelu', 'HardSigmoid', 'Elu', 'Softsign', 'Softplus'];

export const FORWARD_INPUTS = { projection: 0, recurrent: 1, bias: 2, h0: 3, c0: 4 } as const;
export const BACKWARD_INPUTS = { dY: 0, dHN: 1, dCN: 2, recurrent: 3, saved: 4 } as const;

/** recurrentTrainForward's outputs: y, the final h, the LSTM's final c, the saved values. */
export function forwardSlots(cell: CellKind): { y: number; h: number; c?: number; saved: number } {
  return cell === 'lstm' ? { y: 0, h: 1, c: 2, saved: 3 } : { y: 0, h: 1, saved: 2 };
}

/** recurrentBackward's outputs: dP, dh0, the LSTM's dc0, and a GRU with reset_after's dGr. */
export function backwardSlots(attrs: Pick<RecurrentTrainAttrs, 'cell' | 'resetAfter'>): { dP: number; dh0: number; dc0?: number; dGr?: number } {
  if (attrs.cell === 'lstm') return { dP: 0, dh0: 1, dc0: 2 };
  return attrs.cell === 'gru' && attrs.resetAfter ? { dP: 0, dh0: 1, dGr: 2 } : { dP: 0, dh0: 1 };
}

export interface TrainDims {
  B: number;
  T: number;
  D: number;
  H: number;
  G: number;
  S: number;
}

function expect(where: string, name: string, t: TensorSpec | undefined, shape: number[], meaning: string): void {
  if (!t) throw new WgnnError(where, `${name} is missing; expected ${formatShape(shape)} (${meaning})`);
  if (t.dtype !== 'float32' || t.shape.join() !== shape.join()) {
    throw new WgnnError(where, `${name} is ${formatShape(t.shape)} ${t.dtype}, expected ${formatShape(shape)} float32 (${meaning})`);
  }
}

/** Checks the attributes; returns G, H, D and S (B and T come from the tensors). */
export function checkTrainAttrs(where: string, attrs: RecurrentTrainAttrs): Omit<TrainDims, 'B' | 'T'> {
  const { cell, hiddenSize: H, numDirections: D, activations } = attrs;
  if (!(cell in GATES)) throw new WgnnError(where, `unknown cell '${String(cell)}'; use lstm, gru or simpleRnn`);
  if (!Number.isSafeInteger(H) || H < 1) throw new WgnnError(where, `hiddenSize ${H} must be an integer >= 1`);
  if (D !== 1 && D !== 2) throw new WgnnError(where, `numDirections ${D} must be 1 or 2`);
  const perCell = { lstm: 3, gru: 2, simpleRnn: 1 }[cell];
  if (!Array.isArray(activations) || activations.length !== perCell) throw new WgnnError(where, `a ${cell} takes ${perCell} activations, got ${activations?.length}`);
  for (const a of activations) {
    if (!TRAINABLE_ACTIVATIONS.includes(a.name)) throw new WgnnError(where, `training does not differentiate activation ${a.name}; use one of ${TRAINABLE_ACTIVATIONS.join(', ')}`);
  }
  return { G: GATES[cell], H, D, S: SAVED_SLOTS[cell] };
}

/** recurrentTrainForward's inputs checked; returns the dims. */
export function checkForwardInputs(where: string, inputs: (TensorSpec | undefined)[], attrs: RecurrentTrainAttrs): TrainDims {
  const { G, H, D, S } = checkTrainAttrs(where, attrs);
  const p = inputs[FORWARD_INPUTS.projection];
  if (!p || p.dtype !== 'float32' || p.shape.length !== 3 || p.shape[2] !== D * G * H) {
    throw new WgnnError(where, `the projection must be float32 [batch, steps, ${D * G * H}] (${D} direction(s) x ${G} gates x ${H} units), got ${p ? `${formatShape(p.shape)} ${p.dtype}` : 'nothing'}`);
  }
  const [B, T] = p.shape;
  if (B < 1 || T < 1) throw new WgnnError(where, `the projection ${formatShape(p.shape)} needs at least one batch entry and one step`);
  expect(where, 'the recurrent kernel', inputs[FORWARD_INPUTS.recurrent], [H, D * G * H], 'the Keras recurrent kernels of the directions side by side');
  const bias = inputs[FORWARD_INPUTS.bias];
  const twoBiases = attrs.cell === 'gru' && attrs.resetAfter;
  if (bias && !twoBiases) throw new WgnnError(where, 'only a GRU with resetAfter takes a bias here; other cells add theirs in the projection');
  if (bias) expect(where, 'bias', bias, [D, 2, G * H], 'input and recurrent bias rows per direction');
  for (const [name, slot] of [['h0', FORWARD_INPUTS.h0], ['c0', FORWARD_INPUTS.c0]] as const) {
    if (inputs[slot]) expect(where, name, inputs[slot], [B, D, H], '[batch, directions, units]');
  }
  if (inputs[FORWARD_INPUTS.c0] && attrs.cell !== 'lstm') throw new WgnnError(where, 'c0 is an LSTM state; this cell has none');
  return { B, T, D, H, G, S };
}

/** recurrentBackward's inputs checked; returns the dims. */
export function checkBackwardInputs(where: string, inputs: (TensorSpec | undefined)[], attrs: RecurrentTrainAttrs): TrainDims {
  const { G, H, D, S } = checkTrainAttrs(where, attrs);
  const saved = inputs[BACKWARD_INPUTS.saved];
  if (!saved || saved.dtype !== 'float32' || saved.shape.length !== 5 || saved.shape.slice(2).join() !== `${D},${S},${H}`) {
    throw new WgnnError(where, `the saved values must be float32 [batch, steps, ${D}, ${S}, ${H}] (recurrentTrainForward's), got ${saved ? formatShape(saved.shape) : 'nothing'}`);
  }
  const [B, T] = saved.shape;
  expect(where, 'the recurrent kernel', inputs[BACKWARD_INPUTS.recurrent], [H, D * G * H], 'the Keras recurrent kernels of the directions side by side');
  const [dY, dHN, dCN] = [inputs[BACKWARD_INPUTS.dY], inputs[BACKWARD_INPUTS.dHN], inputs[BACKWARD_INPUTS.dCN]];
  if (!dY && !dHN && !dCN) throw new WgnnError(where, 'needs the gradient of y, of the final h or of the final c');
  if (dY) expect(where, 'dY', dY, [B, T, D, H], "the gradient of the forward's y");
  if (dHN) expect(where, 'dHN', dHN, [B, D, H], 'the gradient of the final h');
  if (dCN) expect(where, 'dCN', dCN, [B, D, H], 'the gradient of the final c');
  if (dCN && attrs.cell !== 'lstm') throw new WgnnError(where, 'dCN is the gradient of an LSTM state; this cell has none');
  return { B, T, D, H, G, S };
}

/** The WGSL activation codes (src/ops/recurrent/op.ts's RECURRENT_ACTIVATION_CODES) and alpha/beta, as overrides and params. */
export function activationCodes(attrs: RecurrentTrainAttrs, codes: Record<string, number>): { overrides: Record<string, number>; alpha: number[]; beta: number[] } {
  const names = ['ACT_F', 'ACT_G', 'ACT_H'];
  const overrides: Record<string, number> = {};
  attrs.activations.forEach((a, i) => (overrides[names[i]] = codes[a.name]));
  const pad = (f: (a: Required<RecurrentActivation>) => number) => [0, 1, 2, 3].map((i) => (attrs.activations[i] ? f(attrs.activations[i]) : 0));
  return { overrides, alpha: pad((a) => a.alpha), beta: pad((a) => a.beta) };
}
