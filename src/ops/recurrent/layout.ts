// The one internal layout of recurrent weights: every convention users bring (ONNX, Keras,
// PyTorch; see convert.ts) is turned into it once, on the host, when the weights are prepared.
//
// Gate order (canonical): LSTM i, f, c, o (Keras and PyTorch order); GRU z, r, h (ONNX and Keras
// order); simple RNN one gate. Units of each gate block are padded with zeros from H to
// Hp = 4 * ceil(H / 4), so kernels move 4 units at a time as an aligned vec4.
//   input     [I, D * G * Hp]   column (d, g, j) holds the input weights of unit j of gate g of
//                               direction d: the B operand of the one input-projection GEMM,
//                               x [T*B, I] · input -> projection [T*B, D*G*Hp].
//   bias      [D * G * Hp]      the biases that are plain addends, folded into the GEMM:
//                               W-bias + R-bias of every gate, except the GRU h gate with
//                               linear_before_reset, whose R-bias is scaled by r inside the step.
//   recurrent flat, two parts:  R [D, Hp, G, Hp] (row k: what h[k] contributes to each gate/unit;
//                               rows past H zero, so that kernels take h 4 units at a time),
//                               then LSTM peepholes [D, 3, Hp] (i, f, o) or the GRU h-gate R-bias
//                               [D, Hp] (used with linear_before_reset, zeros without); the step
//                               kernel binds both parts as one buffer.
// `onnxFromCanonical` inverts the conversion exactly up to the folded bias (W-bias + R-bias
// become one W-bias); the CPU backend runs the ONNX-layout references through it.
import { sizeOf } from '../../shape.ts';

export type CellKind = 'lstm' | 'gru' | 'simpleRnn';

export const GATES: Record<CellKind, number> = { lstm: 4, gru: 3, simpleRnn: 1 };

/** For each canonical gate, its block in the ONNX order (LSTM: ONNX i, o, f, c). */
const ONNX_BLOCK: Record<CellKind, number[]> = { lstm: [0, 2, 3, 1], gru: [0, 1, 2], simpleRnn: [0] };
/** Canonical peephole blocks i, f, o, from ONNX P's i, o, f. */
const ONNX_PEEPHOLE_BLOCK = [0, 2, 1];

/** Weights in ONNX layout and gate order, as the ONNX operators take them (B and P filled in). */
export interface OnnxWeights {
  cell: CellKind;
  numDirections: number; // D
  hiddenSize: number; // H
  inputSize: number; // I
  w: Float32Array; // [D, G*H, I]
  r: Float32Array; // [D, G*H, H]
  b: Float32Array; // [D, 2*G*H]: W-bias then R-bias
  p?: Float32Array; // [D, 3H] LSTM peepholes i, o, f
  /** GRU only: the h gate's R-bias is applied inside r * (...). */
  linearBeforeReset: boolean;
}

export interface CanonicalWeights {
  input: Float32Array;
  bias: Float32Array;
  recurrent: Float32Array;
}

export const paddedUnits = (hiddenSize: number): number => 4 * Math.ceil(hiddenSize / 4);

export interface CanonicalShapes {
  input: number[];
  bias: number[];
  recurrent: number[];
}

export function canonicalShapes(cell: CellKind, D: number, H: number, I: number): CanonicalShapes {
  const G = GATES[cell];
  const Hp = paddedUnits(H);
  const extra = cell === 'lstm' ? D * 3 * Hp : cell === 'gru' ? D * Hp : 0;
  return { input: [I, D * G * Hp], bias: [D * G * Hp], recurrent: [D * Hp * G * Hp + extra] };
}

export function canonicalFromOnnx(o: OnnxWeights): CanonicalWeights {
  const { cell, numDirections: D, hiddenSize: H, inputSize: I } = o;
  const G = GATES[cell];
  const Hp = paddedUnits(H);
  const shapes = canonicalShapes(cell, D, H, I);
  const input = new Float32Array(sizeOf(shapes.input));
  const bias = new Float32Array(sizeOf(shapes.bias));
  const recurrent = new Float32Array(sizeOf(shapes.recurrent));
  const rSize = D * Hp * G * Hp;
  for (let d = 0; d < D; d++) {
    for (let g = 0; g < G; g++) {
      const block = ONNX_BLOCK[cell][g];
      const keepRBias = cell === 'gru' && o.linearBeforeReset && g === 2;
      for (let j = 0; j < H; j++) {
        const onnxRow = d * G * H + block * H + j;
        const col = (d * G + g) * Hp + j;
        for (let i = 0; i < I; i++) input[i * D * G * Hp + col] = o.w[onnxRow * I + i];
        for (let k = 0; k < H; k++) recurrent[((d * Hp + k) * G + g) * Hp + j] = o.r[onnxRow * H + k];
        const wBias = o.b[d * 2 * G * H + block * H + j];
        const rBias = o.b[d * 2 * G * H + G * H + block * H + j];
        bias[col] = keepRBias ? wBias : wBias + rBias;
        if (keepRBias) recurrent[rSize + d * Hp + j] = rBias;
      }
    }
    if (cell === 'lstm' && o.p) {
      for (let q = 0; q < 3; q++) {
        for (let j = 0; j < H; j++) recurrent[rSize + (d * 3 + q) * Hp + j] = o.p[d * 3 * H + ONNX_PEEPHOLE_BLOCK[q] * H + j];
      }
    }
  }
  return { input, bias, recurrent };
}

export function onnxFromCanonical(
  c: CanonicalWeights,
  cell: CellKind,
  dims: { numDirections: number; hiddenSize: number; inputSize: number },
  flags: { hasPeepholes: boolean; linearBeforeReset: boolean },
): OnnxWeights {
  const { numDirections: D, hiddenSize: H, inputSize: I } = dims;
  const G = GATES[cell];
  const Hp = paddedUnits(H);
  const rSize = D * Hp * G * Hp;
  const w = new Float32Array(D * G * H * I);
  const r = new Float32Array(D * G * H * H);
  const b = new Float32Array(D * 2 * G * H);
  const p = cell === 'lstm' && flags.hasPeepholes ? new Float32Array(D * 3 * H) : undefined;
  for (let d = 0; d < D; d++) {
    for (let g = 0; g < G; g++) {
      const block = ONNX_BLOCK[cell][g];
      for (let j = 0; j < H; j++) {
        const onnxRow = d * G * H + block * H + j;
        const col = (d * G + g) * Hp + j;
        for (let i = 0; i < I; i++) w[onnxRow * I + i] = c.input[i * D * G * Hp + col];
        for (let k = 0; k < H; k++) r[onnxRow * H + k] = c.recurrent[((d * Hp + k) * G + g) * Hp + j];
        b[d * 2 * G * H + block * H + j] = c.bias[col];
        if (cell === 'gru' && flags.linearBeforeReset && g === 2) b[d * 2 * G * H + G * H + block * H + j] = c.recurrent[rSize + d * Hp + j];
      }
    }
    if (p) {
      for (let q = 0; q < 3; q++) {
        for (let j = 0; j < H; j++) p[d * 3 * H + ONNX_PEEPHOLE_BLOCK[q] * H + j] = c.recurrent[rSize + (d * 3 + q) * Hp + j];
      }
    }
  }
  return { cell, numDirections: D, hiddenSize: H, inputSize: I, w, r, b, p, linearBeforeReset: flags.linearBeforeReset };
}
