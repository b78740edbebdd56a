// CPU reference of the ONNX GRU operator (layout = 0), a plain per-step loop written from the
// operator's equations, accumulated in float64. ONNX weight layout, gate order z, r, h:
//   zt = f(Xt Wz^T + Ht-1 Rz^T + Wbz + Rbz)
//   rt = f(Xt Wr^T + Ht-1 Rr^T + Wbr + Rbr)
//   ht = g(Xt Wh^T + (rt . Ht-1) Rh^T + Rbh + Wbh)        linear_before_reset = 0 (default)
//   ht = g(Xt Wh^T + rt . (Ht-1 Rh^T + Rbh) + Wbh)        linear_before_reset = 1
//   Ht = (1 - zt) . ht + zt . Ht-1
// clip bounds every gate pre-activation (the argument of f and g) to [-clip, clip].
import type { HostTensor } from '../host-tensor.ts';
import type { RecurrentActivation } from '../recurrent/activations.ts';
import {
  type RecurrentDirection,
  checkRecurrentInputs,
  clamp,
  dot,
  initialState,
  resolveClip,
  resolveDirectionActivations,
  resolveSequenceLengths,
  timeOrder,
  walksBackward,
} from '../recurrent/reference-common.ts';

const WHERE = 'GRU reference';
// Row blocks of W, R and the bias halves, in ONNX order.
const GATE_Z = 0;
const GATE_R = 1;
const GATE_H = 2;

export interface GruReferenceInputs {
  x: HostTensor; // [T, B, I]
  w: HostTensor; // [D, 3H, I], gates z, r, h
  r: HostTensor; // [D, 3H, H]
  b?: HostTensor; // [D, 6H]: Wb (z, r, h) then Rb (z, r, h)
  sequenceLens?: Int32Array; // [B]
  initialH?: HostTensor; // [D, B, H]
}

export interface GruReferenceAttrs {
  hiddenSize: number;
  direction: RecurrentDirection;
  /** f, g for each direction (2 or 4 entries); default Sigmoid, Tanh. */
  activations?: RecurrentActivation[];
  clip?: number;
  linearBeforeReset?: boolean;
}

export interface GruReferenceOutputs {
  y: HostTensor; // [T, D, B, H]; zero at steps past a sequence's length
  yH: HostTensor; // [D, B, H]
}

const DEFAULT_ACTIVATIONS: RecurrentActivation[] = [{ name: 'Sigmoid' }, { name: 'Tanh' }];

export function gruReference(inputs: GruReferenceInputs, attrs: GruReferenceAttrs): GruReferenceOutputs {
  const dims = checkRecurrentInputs(WHERE, inputs, attrs.hiddenSize, 3, attrs.direction);
  const { seqLength: T, batch: B, inputSize: I, hiddenSize: H, numDirections: D } = dims;
  const { x, w, r, b, initialH } = inputs;
  const lengths = resolveSequenceLengths(WHERE, inputs.sequenceLens, dims);
  const activations = resolveDirectionActivations(WHERE, attrs.activations, DEFAULT_ACTIVATIONS, D);
  const clip = resolveClip(WHERE, attrs.clip);
  const linearBeforeReset = attrs.linearBeforeReset ?? false;

  const y = new Float32Array(T * D * B * H); // steps past a sequence's length stay 0
  const yH = new Float32Array(D * B * H);

  for (let d = 0; d < D; d++) {
    const [f, g] = activations[d];
    const wBase = d * 3 * H * I;
    const rBase = d * 3 * H * H;
    const inputBias = (gate: number, j: number): number => (b ? b.data[d * 6 * H + gate * H + j] : 0);
    const recurrentBias = (gate: number, j: number): number => (b ? b.data[d * 6 * H + 3 * H + gate * H + j] : 0);

    for (let bi = 0; bi < B; bi++) {
      let hPrev = initialState(initialH, dims, d, bi);
      for (const t of timeOrder(walksBackward(attrs.direction, d), lengths[bi])) {
        const xOffset = (t * B + bi) * I;
        const inputPart = (gate: number, j: number): number =>
          dot(x.data, xOffset, w.data, wBase + (gate * H + j) * I, I) + inputBias(gate, j);
        const recurrentPart = (gate: number, j: number, state: ArrayLike<number>): number =>
          dot(state, 0, r.data, rBase + (gate * H + j) * H, H) + recurrentBias(gate, j);

        const z = new Float64Array(H);
        const reset = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          z[j] = f(clamp(inputPart(GATE_Z, j) + recurrentPart(GATE_Z, j, hPrev), clip));
          reset[j] = f(clamp(inputPart(GATE_R, j) + recurrentPart(GATE_R, j, hPrev), clip));
        }
        // linear_before_reset = 0 multiplies the whole reset vector into the state before Rh.
        const resetState = hPrev.map((v, m) => reset[m] * v);
        const hNext = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const recurrent = linearBeforeReset
            ? reset[j] * recurrentPart(GATE_H, j, hPrev)
            : recurrentPart(GATE_H, j, resetState);
          const candidate = g(clamp(inputPart(GATE_H, j) + recurrent, clip));
          hNext[j] = (1 - z[j]) * candidate + z[j] * hPrev[j];
        }
        hPrev = hNext;
        y.set(hNext, ((t * D + d) * B + bi) * H);
      }
      yH.set(hPrev, (d * B + bi) * H);
    }
  }
  return { y: { shape: [T, D, B, H], data: y }, yH: { shape: [D, B, H], data: yH } };
}
