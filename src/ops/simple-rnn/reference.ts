// CPU reference of the ONNX RNN operator (simple RNN, layout = 0), a plain per-step loop written
// from the operator's equation, accumulated in float64:
//   Ht = f(Xt Wi^T + Ht-1 Ri^T + Wbi + Rbi)
// clip bounds the pre-activation (the argument of f) to [-clip, clip].
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

const WHERE = 'RNN reference';

export interface SimpleRnnReferenceInputs {
  x: HostTensor; // [T, B, I]
  w: HostTensor; // [D, H, I]
  r: HostTensor; // [D, H, H]
  b?: HostTensor; // [D, 2H]: Wb then Rb
  sequenceLens?: Int32Array; // [B]
  initialH?: HostTensor; // [D, B, H]
}

export interface SimpleRnnReferenceAttrs {
  hiddenSize: number;
  direction: RecurrentDirection;
  /** f for each direction (1 or 2 entries); default Tanh. */
  activations?: RecurrentActivation[];
  clip?: number;
}

export interface SimpleRnnReferenceOutputs {
  y: HostTensor; // [T, D, B, H]; zero at steps past a sequence's length
  yH: HostTensor; // [D, B, H]
}

const DEFAULT_ACTIVATIONS: RecurrentActivation[] = [{ name: 'Tanh' }];

export function simpleRnnReference(inputs: SimpleRnnReferenceInputs, attrs: SimpleRnnReferenceAttrs): SimpleRnnReferenceOutputs {
  const dims = checkRecurrentInputs(WHERE, inputs, attrs.hiddenSize, 1, attrs.direction);
  const { seqLength: T, batch: B, inputSize: I, hiddenSize: H, numDirections: D } = dims;
  const { x, w, r, b, initialH } = inputs;
  const lengths = resolveSequenceLengths(WHERE, inputs.sequenceLens, dims);
  const activations = resolveDirectionActivations(WHERE, attrs.activations, DEFAULT_ACTIVATIONS, D);
  const clip = resolveClip(WHERE, attrs.clip);

  const y = new Float32Array(T * D * B * H); // steps past a sequence's length stay 0
  const yH = new Float32Array(D * B * H);

  for (let d = 0; d < D; d++) {
    const [f] = activations[d];
    const bias = (j: number): number => (b ? b.data[d * 2 * H + j] + b.data[d * 2 * H + H + j] : 0);
    for (let bi = 0; bi < B; bi++) {
      let hPrev = initialState(initialH, dims, d, bi);
      for (const t of timeOrder(walksBackward(attrs.direction, d), lengths[bi])) {
        const hNext = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          const pre =
            dot(x.data, (t * B + bi) * I, w.data, (d * H + j) * I, I) + dot(hPrev, 0, r.data, (d * H + j) * H, H) + bias(j);
          hNext[j] = f(clamp(pre, clip));
        }
        hPrev = hNext;
        y.set(hNext, ((t * D + d) * B + bi) * H);
      }
      yH.set(hPrev, (d * B + bi) * H);
    }
  }
  return { y: { shape: [T, D, B, H], data: y }, yH: { shape: [D, B, H], data: yH } };
}
