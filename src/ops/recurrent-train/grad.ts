// Gradient rule of recurrentTrainForward: recurrentBackward runs the reverse recurrence and gives
// dP, the gradient of every pre-activation (the projection's: the matmul before it then makes
// dKernel = X^T dP and dX = dP kernel^T over all T*B rows, and the input bias's column sum).
// Here the rest, with the saved h(t-1) of every step as rows (layouts in ./attrs.ts):
//   dR      = Hprev^T dP as one GEMM over all T*B rows (dGr for a GRU with reset_after, whose
//             recurrent products the reset gate scales; without reset_after the h gate's left
//             operand is r h(t-1), saved as aux, so its columns come from a GEMM of their own)
//   dBias   a GRU with reset_after's rows: the column sums of dP (input) and dGr (recurrent)
//   dh0, dc0 straight from recurrentBackward.
// With two directions the rows hold both side by side: the GEMM gives [D*H, D*N] and each
// direction's block sits on the diagonal (the off-diagonal ones, mixing directions, are dropped).
import type { ValueId } from '../../graph/ir.ts';
import type { GradBuilder, GradRule } from '../../train/grad.ts';
import { LINEAR } from '../activation/kinds.ts';
import { BACKWARD_INPUTS, backwardSlots, FORWARD_INPUTS, forwardSlots, SAVED_SLOTS, type RecurrentTrainAttrs } from './attrs.ts';
import { GATES } from '../recurrent/layout.ts';

/** `t` [..., n, ...] cut to [begin, begin + size) along `axis` (a copy). */
function cut(b: GradBuilder, name: string, t: ValueId, axis: number, begin: number, size: number): ValueId {
  const shape = b.shape(t);
  if (begin === 0 && size === shape[axis]) return t;
  return b.node('slice', name, [t], { axes: shape.map((d, i) => (i === axis ? { begin, step: 1, size } : { begin: 0, step: 1, size: d })) })[0];
}

/**
 * Per direction d, sum over rows of left[row, d]^T right[row, d], side by side: [K, D*N].
 * left [rows, D*K], right [rows, D*N]; each direction's block of the one GEMM.
 */
function perDirectionGram(b: GradBuilder, name: string, left: ValueId, right: ValueId, D: number, K: number, N: number): ValueId[] {
  const full = b.node('matmul', name, [left, right], { transposeA: true, transposeB: false, activation: LINEAR })[0];
  if (D === 1) return [full];
  return Array.from({ length: D }, (_, d) => cut(b, `${name}_d${d}_cols`, cut(b, `${name}_d${d}`, full, 0, d * K, K), 1, d * N, N));
}

export const recurrentTrainForwardGrad: GradRule = (b, node, dOutputs, needs) => {
  const attrs = node.attrs as RecurrentTrainAttrs;
  const { cell, hiddenSize: H, numDirections: D } = attrs;
  const G = GATES[cell];
  const S = SAVED_SLOTS[cell];
  const out = forwardSlots(cell);
  const name = (s: string) => `${node.name}/${s}`;
  if (dOutputs[out.saved] !== undefined) throw new Error(`${node.name}: the saved values of recurrentTrainForward are not differentiated`);
  const [dY, dHN, dCN] = [dOutputs[out.y], dOutputs[out.h], out.c === undefined ? undefined : dOutputs[out.c]];
  const grads: (ValueId | undefined)[] = node.inputs.map(() => undefined);
  if (dY === undefined && dHN === undefined && dCN === undefined) return grads;

  const recurrent = node.inputs[FORWARD_INPUTS.recurrent]!;
  const saved = node.outputs[out.saved];
  const inputs: (ValueId | undefined)[] = [];
  Object.assign(inputs, { [BACKWARD_INPUTS.dY]: dY, [BACKWARD_INPUTS.dHN]: dHN, [BACKWARD_INPUTS.dCN]: dCN, [BACKWARD_INPUTS.recurrent]: recurrent, [BACKWARD_INPUTS.saved]: saved });
  const slots = backwardSlots(attrs);
  const back = b.node('recurrentBackward', name('backward'), Array.from({ length: 5 }, (_, i) => inputs[i]), attrs, Object.keys(slots).length);
  const dP = back[slots.dP];
  const dGr = slots.dGr === undefined ? dP : back[slots.dGr];
  const [B, T] = b.shape(dP);
  const rows = B * T;

  if (needs[FORWARD_INPUTS.projection]) grads[FORWARD_INPUTS.projection] = b.reshape(name('dP'), dP, b.shape(node.inputs[FORWARD_INPUTS.projection]!));
  if (needs[FORWARD_INPUTS.recurrent]) {
    // Saved slot S-1 of every step, the h(t-1) it started from, as rows [B*T, D*H]: columns of the
    // saved values viewed as [B*T*D, S*H] (and likewise the gate blocks of dP).
    const columns = (t: ValueId, width: number, first: number, count: number, label: string) =>
      b.reshape(name(`${label}_rows`), cut(b, name(label), b.reshape(name(`${label}_in`), t, [rows * D, width * H]), 1, first * H, count * H), [rows, D * count * H]);
    const hPrev = columns(saved, S, S - 1, 1, 'h_prev');
    let blocks: ValueId[];
    if (cell === 'gru' && !attrs.resetAfter) {
      // z, r from h(t-1); h from r h(t-1) (aux).
      const zr = perDirectionGram(b, name('dR_zr'), hPrev, columns(dP, G, 0, 2, 'dP_zr'), D, H, 2 * H);
      const hh = perDirectionGram(b, name('dR_h'), columns(saved, S, 3, 1, 'reset_h_prev'), columns(dP, G, 2, 1, 'dP_h'), D, H, H);
      blocks = zr.map((block, d) => b.node('concat', name(`dR_d${d}`), [block, hh[d]], { axis: 1 })[0]);
    } else {
      blocks = perDirectionGram(b, name('dR'), hPrev, b.reshape(name('dGr_rows'), dGr, [rows, D * G * H]), D, H, G * H);
    }
    grads[FORWARD_INPUTS.recurrent] = blocks.length === 1 ? blocks[0] : b.node('concat', name('dR'), blocks, { axis: 1 })[0];
  }
  if (needs[FORWARD_INPUTS.bias] && node.inputs[FORWARD_INPUTS.bias] !== undefined) {
    const columnSums = (t: ValueId, label: string) =>
      b.reshape(name(`${label}_rows`), b.node('reduce', name(label), [b.reshape(name(`${label}_in`), t, [rows, D, G * H])], { kind: 'sum', axes: [0], keepDims: false })[0], [D, 1, G * H]);
    grads[FORWARD_INPUTS.bias] = b.node('concat', name('dBias'), [columnSums(dP, 'dBias_input'), columnSums(dGr, 'dBias_recurrent')], { axis: 1 })[0];
  }
  if (needs[FORWARD_INPUTS.h0]) grads[FORWARD_INPUTS.h0] = back[slots.dh0];
  if (needs[FORWARD_INPUTS.c0] && slots.dc0 !== undefined) grads[FORWARD_INPUTS.c0] = back[slots.dc0];
  return grads;
};
