// The CPU twins of recurrentTrainForward and recurrentBackward, written from the cell equations
// in float64 (layouts in ./attrs.ts). Forward, per direction d and batch entry, steps s = 0..T-1
// over t = s (forward) or T-1-s (backward direction), with x = P[b, t, d] and rec = h(t-1)·R_d:
//   LSTM  i, f, o = F(x + rec) of blocks i, f, o;  g = G(x_c + rec_c);  c = f c(t-1) + i g;
//         h = o Hc(c)                                          (keras/src/layers/rnn/lstm.py)
//   GRU   z, r = F(x + rec) of blocks z, r;  reset_after: hh = G(x_h + b_in,h + r (rec_h + b_rec,h))
//         (all gates' x get b_in, rec gets b_rec); without: hh = G(x_h + (r h(t-1))·R_h);
//         h = z h(t-1) + (1 - z) hh                             (keras/src/layers/rnn/gru.py)
//   RNN   h = F(x + rec)                                        (keras/src/layers/rnn/simple_rnn.py)
// Backward, the chain rule through those equations step by step in reverse, with dh = dY(t) +
// dh carried from step s+1 (and dHN at the last step), derivatives of the activations written
// from their outputs (tanh' = 1 - y^2, sigmoid' = y (1 - y), ...):
//   LSTM  dc = dc(carried) + dh o Hc'; do = dh Hc(c); di = dc g; dg = dc i; df = dc c(t-1);
//         dc(t-1) = dc f; dh(t-1) = sum over gates of dPre · R^T
//   GRU   dz = dh (h(t-1) - hh); dhh = dh (1 - z); dPre_h = dhh G'; reset_after: dr = dPre_h aux,
//         dGr = [dPre_z, dPre_r, dPre_h r] (the gradient of rec + b_rec), dh(t-1) = dh z + dGr·R^T;
//         without: d(r h(t-1)) = dPre_h·R_h^T, dr = that h(t-1), dh(t-1) = dh z + that r +
//         [dPre_z, dPre_r]·[R_z, R_r]^T
//   RNN   dPre = dh F'(h); dh(t-1) = dPre·R^T
// dP is the gradient of every pre-activation (that of P itself), dh0/dc0 those of the initial states.
import type { HostTensor } from '../host-tensor.ts';
import { resolveRecurrentActivation, type ScalarFunction } from '../recurrent/activations.ts';
import { backwardSlots, forwardSlots, SAVED_SLOTS, type RecurrentTrainAttrs, type TrainDims } from './attrs.ts';
import { GATES } from '../recurrent/layout.ts';
import type { RecurrentActivation } from '../recurrent/activations.ts';

type Values = ArrayLike<number>;

export interface ForwardValues {
  projection: Values;
  recurrent: Values;
  bias?: Values;
  h0?: Values;
  c0?: Values;
}

export interface ForwardResult {
  y: Float64Array;
  hN: Float64Array;
  cN?: Float64Array;
  saved: Float64Array;
}

export interface BackwardValues {
  dY?: Values;
  dHN?: Values;
  dCN?: Values;
  recurrent: Values;
  saved: Values;
}

export interface BackwardResult {
  dP: Float64Array;
  dh0: Float64Array;
  dc0?: Float64Array;
  dGr?: Float64Array;
}

/** The derivative of an activation at the point where it gave `y`. */
export function activationSlope(a: Required<RecurrentActivation>, y: number): number {
  switch (a.name) {
    case 'Relu':
      return y > 0 ? 1 : 0;
    case 'Tanh':
      return 1 - y * y;
    case 'Sigmoid':
      return y * (1 - y);
    case 'Affine':
      return a.alpha;
    case 'LeakyRelu':
      return y >= 0 ? 1 : a.alpha;
    case 'HardSigmoid':
      return y > 0 && y < 1 ? a.alpha : 0;
    case 'Elu':
      return y >= 0 ? 1 : y + a.alpha;
    case 'Softsign':
      return (1 - Math.abs(y)) ** 2;
    case 'Softplus':
      return -Math.expm1(-y);
    default:
      throw new Error(`no derivative for activation ${a.name}`);
  }
}

export function trainDims(attrs: RecurrentTrainAttrs, B: number, T: number): TrainDims {
  return { B, T, D: attrs.numDirections, H: attrs.hiddenSize, G: GATES[attrs.cell], S: SAVED_SLOTS[attrs.cell] };
}

/** The time index of step s in direction d. */
const timeOf = (d: number, s: number, T: number) => (d === 0 ? s : T - 1 - s);

export function recurrentTrainForwardMath(v: ForwardValues, attrs: RecurrentTrainAttrs, dims: TrainDims): ForwardResult {
  const { B, T, D, H, G, S } = dims;
  const [f, g, hc] = attrs.activations.map((a) => resolveRecurrentActivation(a)) as [ScalarFunction, ScalarFunction, ScalarFunction];
  const cols = D * G * H;
  const y = new Float64Array(B * T * D * H);
  const hN = new Float64Array(B * D * H);
  const cN = attrs.cell === 'lstm' ? new Float64Array(B * D * H) : undefined;
  const saved = new Float64Array(B * T * D * S * H);
  const twoBiases = attrs.cell === 'gru' && attrs.resetAfter;
  for (let d = 0; d < D; d++) {
    for (let b = 0; b < B; b++) {
      const state = (b * D + d) * H;
      let h = Float64Array.from({ length: H }, (_, j) => v.h0?.[state + j] ?? 0);
      let c = Float64Array.from({ length: H }, (_, j) => v.c0?.[state + j] ?? 0);
      for (let s = 0; s < T; s++) {
        const t = timeOf(d, s, T);
        const at = (slot: number, j: number) => (((b * T + t) * D + d) * S + slot) * H + j;
        const col = (gate: number, j: number) => (d * G + gate) * H + j;
        const x = (gate: number, j: number) => v.projection[(b * T + t) * cols + col(gate, j)] + (twoBiases && v.bias ? v.bias[(d * 2) * G * H + gate * H + j] : 0);
        const times = (left: ArrayLike<number>, gate: number, j: number) => {
          let sum = 0;
          for (let k = 0; k < H; k++) sum += left[k] * v.recurrent[k * cols + col(gate, j)];
          return sum;
        };
        const rec = (gate: number, j: number) => times(h, gate, j) + (twoBiases && v.bias ? v.bias[(d * 2 + 1) * G * H + gate * H + j] : 0);
        const next = new Float64Array(H);
        if (attrs.cell === 'lstm') {
          const nextC = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            const [i, fg, gg, o] = [0, 1, 2, 3].map((q) => (q === 2 ? g : f)(x(q, j) + rec(q, j)));
            nextC[j] = fg * c[j] + i * gg;
            next[j] = o * hc(nextC[j]);
            [i, fg, gg, o, c[j], h[j]].forEach((value, slot) => (saved[at(slot, j)] = value));
          }
          c = nextC;
        } else if (attrs.cell === 'gru') {
          const z = Float64Array.from({ length: H }, (_, j) => f(x(0, j) + rec(0, j)));
          const r = Float64Array.from({ length: H }, (_, j) => f(x(1, j) + rec(1, j)));
          const aux = Float64Array.from({ length: H }, (_, j) => (attrs.resetAfter ? rec(2, j) : r[j] * h[j]));
          for (let j = 0; j < H; j++) {
            const hh = g(x(2, j) + (attrs.resetAfter ? r[j] * aux[j] : times(aux, 2, j)));
            next[j] = z[j] * h[j] + (1 - z[j]) * hh;
            [z[j], r[j], hh, aux[j], h[j]].forEach((value, slot) => (saved[at(slot, j)] = value));
          }
        } else {
          for (let j = 0; j < H; j++) {
            next[j] = f(x(0, j) + rec(0, j));
            [next[j], h[j]].forEach((value, slot) => (saved[at(slot, j)] = value));
          }
        }
        h = next;
        y.set(h, ((b * T + t) * D + d) * H);
      }
      hN.set(h, state);
      cN?.set(c, state);
    }
  }
  return { y, hN, cN, saved };
}

export function recurrentBackwardMath(v: BackwardValues, attrs: RecurrentTrainAttrs, dims: TrainDims): BackwardResult {
  const { B, T, D, H, G, S } = dims;
  const [fa, ga, ha] = attrs.activations;
  const hc = ha ? resolveRecurrentActivation(ha) : undefined;
  const cols = D * G * H;
  const dP = new Float64Array(B * T * cols);
  const dh0 = new Float64Array(B * D * H);
  const dc0 = attrs.cell === 'lstm' ? new Float64Array(B * D * H) : undefined;
  const dGr = attrs.cell === 'gru' && attrs.resetAfter ? new Float64Array(B * T * cols) : undefined;
  for (let d = 0; d < D; d++) {
    for (let b = 0; b < B; b++) {
      const state = (b * D + d) * H;
      let dh = Float64Array.from({ length: H }, (_, j) => v.dHN?.[state + j] ?? 0);
      const dc = Float64Array.from({ length: H }, (_, j) => v.dCN?.[state + j] ?? 0);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeOf(d, s, T);
        const sv = (slot: number, j: number) => v.saved[(((b * T + t) * D + d) * S + slot) * H + j];
        const col = (gate: number, j: number) => (d * G + gate) * H + j;
        const row = (b * T + t) * cols;
        const R = (k: number, gate: number, j: number) => v.recurrent[k * cols + col(gate, j)];
        for (let j = 0; j < H; j++) dh[j] += v.dY?.[((b * T + t) * D + d) * H + j] ?? 0;
        // pre[gate][j]: the gradient of each pre-activation; through R it reaches h(t-1).
        const pre = Array.from({ length: G }, () => new Float64Array(H));
        const next = new Float64Array(H);
        let throughR = pre;
        if (attrs.cell === 'lstm') {
          for (let j = 0; j < H; j++) {
            const [i, f, g, o, cPrev] = [0, 1, 2, 3, 4].map((slot) => sv(slot, j));
            const hcOut = hc!(f * cPrev + i * g);
            const dcj = dc[j] + dh[j] * o * activationSlope(ha, hcOut);
            pre[0][j] = dcj * g * activationSlope(fa, i);
            pre[1][j] = dcj * cPrev * activationSlope(fa, f);
            pre[2][j] = dcj * i * activationSlope(ga, g);
            pre[3][j] = dh[j] * hcOut * activationSlope(fa, o);
            dc[j] = dcj * f;
          }
        } else if (attrs.cell === 'gru') {
          const [z, r, hh, aux, hPrev] = [0, 1, 2, 3, 4].map((slot) => Float64Array.from({ length: H }, (_, j) => sv(slot, j)));
          for (let j = 0; j < H; j++) {
            pre[0][j] = dh[j] * (hPrev[j] - hh[j]) * activationSlope(fa, z[j]);
            pre[2][j] = dh[j] * (1 - z[j]) * activationSlope(ga, hh[j]);
            next[j] = dh[j] * z[j];
          }
          if (attrs.resetAfter) {
            throughR = Array.from({ length: G }, () => new Float64Array(H));
            for (let j = 0; j < H; j++) {
              pre[1][j] = pre[2][j] * aux[j] * activationSlope(fa, r[j]);
              [throughR[0][j], throughR[1][j], throughR[2][j]] = [pre[0][j], pre[1][j], pre[2][j] * r[j]];
            }
          } else {
            for (let k = 0; k < H; k++) {
              let dReset = 0; // d(r h(t-1))[k]
              for (let j = 0; j < H; j++) dReset += pre[2][j] * R(k, 2, j);
              pre[1][k] = dReset * hPrev[k] * activationSlope(fa, r[k]);
              next[k] += dReset * r[k];
            }
            throughR = [pre[0], pre[1]];
          }
        } else {
          for (let j = 0; j < H; j++) pre[0][j] = dh[j] * activationSlope(fa, sv(0, j));
        }
        for (let k = 0; k < H; k++) {
          for (let gate = 0; gate < throughR.length; gate++) for (let j = 0; j < H; j++) next[k] += throughR[gate][j] * R(k, gate, j);
        }
        for (let gate = 0; gate < G; gate++) {
          for (let j = 0; j < H; j++) {
            dP[row + col(gate, j)] = pre[gate][j];
            if (dGr) dGr[row + col(gate, j)] = throughR[gate][j];
          }
        }
        dh = next;
      }
      dh0.set(dh, state);
      dc0?.set(dc, state);
    }
  }
  return { dP, dh0, dc0, dGr };
}

const f32 = (shape: number[], data: Float64Array): HostTensor => ({ shape, data: Float32Array.from(data) });

export function recurrentTrainForwardReference([projection, recurrent, bias, h0, c0]: (HostTensor | undefined)[], attrs: RecurrentTrainAttrs): HostTensor[] {
  const [B, T] = projection!.shape;
  const dims = trainDims(attrs, B, T);
  const { D, H, S } = dims;
  const r = recurrentTrainForwardMath({ projection: projection!.data, recurrent: recurrent!.data, bias: bias?.data, h0: h0?.data, c0: c0?.data }, attrs, dims);
  const slots = forwardSlots(attrs.cell);
  const out: HostTensor[] = [];
  out[slots.y] = f32([B, T, D, H], r.y);
  out[slots.h] = f32([B, D, H], r.hN);
  if (slots.c !== undefined) out[slots.c] = f32([B, D, H], r.cN!);
  out[slots.saved] = f32([B, T, D, S, H], r.saved);
  return out;
}

export function recurrentBackwardReference([dY, dHN, dCN, recurrent, saved]: (HostTensor | undefined)[], attrs: RecurrentTrainAttrs): HostTensor[] {
  const [B, T] = saved!.shape;
  const dims = trainDims(attrs, B, T);
  const { D, H, G } = dims;
  const r = recurrentBackwardMath({ dY: dY?.data, dHN: dHN?.data, dCN: dCN?.data, recurrent: recurrent!.data, saved: saved!.data }, attrs, dims);
  const slots = backwardSlots(attrs);
  const out: HostTensor[] = [];
  out[slots.dP] = f32([B, T, D * G * H], r.dP);
  out[slots.dh0] = f32([B, D, H], r.dh0);
  if (slots.dc0 !== undefined) out[slots.dc0] = f32([B, D, H], r.dc0!);
  if (slots.dGr !== undefined) out[slots.dGr] = f32([B, T, D * G * H], r.dGr!);
  return out;
}
