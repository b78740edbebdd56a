// CPU reference of the ONNX LSTM operator (layout = 0), a plain per-step loop written from the
// operator's equations, accumulated in float64. ONNX weight layout, gate order i, o, f, c:
//   it = f(Xt Wi^T + Ht-1 Ri^T + Pi . Ct-1 + Wbi + Rbi)
//   ft = f(Xt Wf^T + Ht-1 Rf^T + Pf . Ct-1 + Wbf + Rbf)      (input_forget: ft = 1 - it)
//   ct = g(Xt Wc^T + Ht-1 Rc^T + Wbc + Rbc)
//   Ct = ft . Ct-1 + it . ct
//   ot = f(Xt Wo^T + Ht-1 Ro^T + Po . Ct + Wbo + Rbo)
//   Ht = ot . h(Ct)
// clip bounds every gate pre-activation (the argument of f and g above) to [-clip, clip]; the cell
// state fed to h is not clipped (onnxruntime does the same).
// input_forget: the ONNX doc only says "couple the input and forget gates"; onnxruntime's CPU LSTM
// (uni_directional_lstm.cc, GateComputations) sets f = 1 - i and ignores the forget gate's
// weights, bias and peephole. We do the same.
import type { HostTensor } from '../host-tensor.ts';
import type { RecurrentActivation } from '../recurrent/activations.ts';
import {
  type RecurrentDirection,
  checkRecurrentInputs,
  clamp,
  dot,
  expectShape,
  initialState,
  resolveClip,
  resolveDirectionActivations,
  resolveSequenceLengths,
  timeOrder,
  walksBackward,
} from '../recurrent/reference-common.ts';

const WHERE = 'LSTM reference';
// Row blocks of W, R and the bias halves, in ONNX order.
const GATE_I = 0;
const GATE_O = 1;
const GATE_F = 2;
const GATE_C = 3;
// Peephole blocks of P, in ONNX order i, o, f.
const PEEP_I = 0;
const PEEP_O = 1;
const PEEP_F = 2;

export interface LstmReferenceInputs {
  x: HostTensor; // [T, B, I]
  w: HostTensor; // [D, 4H, I], gates i, o, f, c
  r: HostTensor; // [D, 4H, H]
  b?: HostTensor; // [D, 8H]: Wb (i, o, f, c) then Rb (i, o, f, c)
  sequenceLens?: Int32Array; // [B]
  initialH?: HostTensor; // [D, B, H]
  initialC?: HostTensor; // [D, B, H]
  p?: HostTensor; // [D, 3H]: peepholes i, o, f
}

export interface LstmReferenceAttrs {
  hiddenSize: number;
  direction: RecurrentDirection;
  /** f, g, h for each direction (3 or 6 entries); default Sigmoid, Tanh, Tanh. */
  activations?: RecurrentActivation[];
  clip?: number;
  inputForget?: boolean;
}

export interface LstmReferenceOutputs {
  y: HostTensor; // [T, D, B, H]; zero at steps past a sequence's length
  yH: HostTensor; // [D, B, H]
  yC: HostTensor; // [D, B, H]
}

const DEFAULT_ACTIVATIONS: RecurrentActivation[] = [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Tanh' }];

export function lstmReference(inputs: LstmReferenceInputs, attrs: LstmReferenceAttrs): LstmReferenceOutputs {
  const dims = checkRecurrentInputs(WHERE, inputs, attrs.hiddenSize, 4, attrs.direction);
  const { seqLength: T, batch: B, inputSize: I, hiddenSize: H, numDirections: D } = dims;
  const { x, w, r, b, initialH, initialC, p } = inputs;
  if (initialC) expectShape(WHERE, 'initial_c', initialC, [D, B, H], '[num_directions, batch_size, hidden_size]');
  if (p) expectShape(WHERE, 'P', p, [D, 3 * H], '[num_directions, 3*hidden_size]');
  const lengths = resolveSequenceLengths(WHERE, inputs.sequenceLens, dims);
  const activations = resolveDirectionActivations(WHERE, attrs.activations, DEFAULT_ACTIVATIONS, D);
  const clip = resolveClip(WHERE, attrs.clip);
  const inputForget = attrs.inputForget ?? false;

  const y = new Float32Array(T * D * B * H); // steps past a sequence's length stay 0
  const yH = new Float32Array(D * B * H);
  const yC = new Float32Array(D * B * H);

  for (let d = 0; d < D; d++) {
    const [f, g, h] = activations[d];
    const wBase = d * 4 * H * I;
    const rBase = d * 4 * H * H;
    // Sum of both biases of row (gate, j); 0 without B.
    const bias = (gate: number, j: number): number =>
      b ? b.data[d * 8 * H + gate * H + j] + b.data[d * 8 * H + 4 * H + gate * H + j] : 0;
    const peephole = (block: number, j: number): number => (p ? p.data[d * 3 * H + block * H + j] : 0);

    for (let bi = 0; bi < B; bi++) {
      let hPrev = initialState(initialH, dims, d, bi);
      let cPrev = initialState(initialC, dims, d, bi);
      for (const t of timeOrder(walksBackward(attrs.direction, d), lengths[bi])) {
        const xOffset = (t * B + bi) * I;
        // Pre-activation of gate row (gate, j) without peephole: X W^T + H R^T + Wb + Rb.
        const linear = (gate: number, j: number): number => {
          const row = gate * H + j;
          return dot(x.data, xOffset, w.data, wBase + row * I, I) + dot(hPrev, 0, r.data, rBase + row * H, H) + bias(gate, j);
        };
        const hNext = new Float64Array(H);
        const cNext = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const inputGate = f(clamp(linear(GATE_I, j) + peephole(PEEP_I, j) * cPrev[j], clip));
          const forgetGate = inputForget
            ? 1 - inputGate
            : f(clamp(linear(GATE_F, j) + peephole(PEEP_F, j) * cPrev[j], clip));
          const cellCandidate = g(clamp(linear(GATE_C, j), clip));
          const cell = forgetGate * cPrev[j] + inputGate * cellCandidate;
          const outputGate = f(clamp(linear(GATE_O, j) + peephole(PEEP_O, j) * cell, clip));
          cNext[j] = cell;
          hNext[j] = outputGate * h(cell);
        }
        hPrev = hNext;
        cPrev = cNext;
        y.set(hNext, ((t * D + d) * B + bi) * H);
      }
      yH.set(hPrev, (d * B + bi) * H);
      yC.set(cPrev, (d * B + bi) * H);
    }
  }
  return { y: { shape: [T, D, B, H], data: y }, yH: { shape: [D, B, H], data: yH }, yC: { shape: [D, B, H], data: yC } };
}
