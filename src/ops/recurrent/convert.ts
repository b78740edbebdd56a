// Recurrent weights as users bring them, in the three conventions wgnn reads, validated and
// brought to ONNX layout and gate order (OnnxWeights); layout.ts then makes the canonical form.
//   ONNX     W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H], P [D, 3H]; LSTM i,o,f,c; GRU z,r,h.
//   Keras    kernel [I, G*H], recurrent_kernel [H, G*H], bias [G*H] (GRU reset_after=True:
//            [2, 3H] = input bias, recurrent bias); LSTM i,f,c,o; GRU z,r,h. A Bidirectional
//            layer gives a forward and a backward cell.
//   PyTorch  weight_ih_l{k} [G*H, I], weight_hh_l{k} [G*H, H], bias_ih_l{k}, bias_hh_l{k} [G*H],
//            suffix _reverse for the second direction; LSTM i,f,g,o; GRU r,z,n (GRU is always
//            linear_before_reset).
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { type CellKind, GATES, type OnnxWeights } from './layout.ts';

/** A host array with its row-major shape: how weights arrive from a model file or a framework. */
export interface WeightArray {
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface OnnxRecurrentWeights {
  format: 'onnx';
  w: WeightArray;
  r: WeightArray;
  b?: WeightArray;
  /** The ONNX hidden_size attribute, checked against the weights when given. */
  hiddenSize?: number;
}

export interface KerasCellWeights {
  kernel: WeightArray;
  recurrentKernel: WeightArray;
  bias?: WeightArray;
}

export interface KerasRecurrentWeights {
  format: 'keras';
  forward: KerasCellWeights;
  /** The backward layer of a Bidirectional wrapper. */
  backward?: KerasCellWeights;
}

export interface PytorchRecurrentWeights {
  format: 'pytorch';
  /** state_dict entries; names are `${prefix}weight_ih_l${layer}` and so on. */
  stateDict: Record<string, WeightArray>;
  layer?: number;
  prefix?: string;
}

export type LstmWeightsSpec = (OnnxRecurrentWeights & { p?: WeightArray }) | KerasRecurrentWeights | PytorchRecurrentWeights;
export type GruWeightsSpec =
  | (OnnxRecurrentWeights & { linearBeforeReset?: boolean })
  | (KerasRecurrentWeights & { resetAfter?: boolean })
  | PytorchRecurrentWeights;
export type SimpleRnnWeightsSpec = OnnxRecurrentWeights | KerasRecurrentWeights | PytorchRecurrentWeights;
export type RecurrentWeightsSpec = LstmWeightsSpec | GruWeightsSpec | SimpleRnnWeightsSpec;

/** For each ONNX gate block, the block holding it in Keras / PyTorch order. */
const KERAS_BLOCK: Record<CellKind, number[]> = { lstm: [0, 3, 1, 2], gru: [0, 1, 2], simpleRnn: [0] };
const PYTORCH_BLOCK: Record<CellKind, number[]> = { lstm: [0, 3, 1, 2], gru: [1, 0, 2], simpleRnn: [0] };

function values(where: string, name: string, a: WeightArray | undefined, expected: number[], meaning: string): Float32Array {
  if (!a || !Array.isArray(a.shape) && !ArrayBuffer.isView(a.shape) || !a.data) {
    throw new WgnnError(where, `${name} is missing or not a { shape, data } array; expected ${formatShape(expected)} (${meaning})`);
  }
  if (a.shape.length !== expected.length || a.shape.some((d, i) => d !== expected[i])) {
    throw new WgnnError(where, `${name} has shape ${formatShape(a.shape)}, expected ${formatShape(expected)} (${meaning})`);
  }
  if (a.data.length !== sizeOf(expected)) {
    throw new WgnnError(where, `${name} of shape ${formatShape(expected)} needs ${sizeOf(expected)} values, its data has ${a.data.length}`);
  }
  return Float32Array.from(a.data);
}

function checkDims(where: string, H: number, I: number, what: string): void {
  if (!Number.isSafeInteger(H) || H < 1 || !Number.isSafeInteger(I) || I < 1) {
    throw new WgnnError(where, `${what} give hidden size ${H} and input size ${I}; both must be integers >= 1`);
  }
}

/** Rows of `src` ([G*H, K], blocks in `order` of the source) rearranged into ONNX block order. */
function reorderRows(src: Float32Array, blockOf: number[], H: number, K: number, out: Float32Array, outOffset: number): void {
  blockOf.forEach((from, to) => out.set(src.subarray(from * H * K, (from + 1) * H * K), outOffset + to * H * K));
}

function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

function fromOnnx(where: string, cell: CellKind, s: OnnxRecurrentWeights & { p?: WeightArray; linearBeforeReset?: boolean }): OnnxWeights {
  const G = GATES[cell];
  const ws = s.w?.shape;
  if (!ws || ws.length !== 3 || (ws[0] !== 1 && ws[0] !== 2) || ws[1] % G !== 0) {
    throw new WgnnError(where, `W has shape ${formatShape(ws ?? [])}, expected [num_directions (1 or 2), ${G}*hidden_size, input_size]`);
  }
  const [D, GH, I] = ws;
  const H = GH / G;
  checkDims(where, H, I, `W ${formatShape(ws)}`);
  if (s.hiddenSize !== undefined && s.hiddenSize !== H) {
    throw new WgnnError(where, `W ${formatShape(ws)} holds hidden size ${H}, but hiddenSize is ${s.hiddenSize}`);
  }
  const ctx = `hidden size ${H}, ${D} direction(s)`;
  const w = values(where, 'W', s.w, [D, G * H, I], `[num_directions, ${G}*hidden_size, input_size]`);
  const r = values(where, 'R', s.r, [D, G * H, H], `[num_directions, ${G}*hidden_size, hidden_size] for ${ctx}`);
  const b = s.b ? values(where, 'B', s.b, [D, 2 * G * H], `[num_directions, ${2 * G}*hidden_size] for ${ctx}`) : new Float32Array(D * 2 * G * H);
  const p = cell === 'lstm' && s.p ? values(where, 'P', s.p, [D, 3 * H], `[num_directions, 3*hidden_size] for ${ctx}`) : undefined;
  return { cell, numDirections: D, hiddenSize: H, inputSize: I, w, r, b, p, linearBeforeReset: cell === 'gru' && !!s.linearBeforeReset };
}

function fromKeras(where: string, cell: CellKind, s: KerasRecurrentWeights & { resetAfter?: boolean }): OnnxWeights {
  const G = GATES[cell];
  const ks = s.forward?.kernel?.shape;
  if (!ks || ks.length !== 2 || ks[1] % G !== 0) {
    throw new WgnnError(where, `kernel has shape ${formatShape(ks ?? [])}, expected [input_size, ${G}*units]`);
  }
  const [I, GH] = ks;
  const H = GH / G;
  checkDims(where, H, I, `kernel ${formatShape(ks)}`);
  const cells = s.backward ? [s.forward, s.backward] : [s.forward];
  const D = cells.length;
  const biasShapeOf = (c: KerasCellWeights) => c.bias?.shape;
  const resetAfter = cell === 'gru' ? (s.resetAfter ?? (biasShapeOf(s.forward) ? biasShapeOf(s.forward)!.length === 2 : true)) : false;
  const w = new Float32Array(D * G * H * I);
  const r = new Float32Array(D * G * H * H);
  const b = new Float32Array(D * 2 * G * H);
  cells.forEach((c, d) => {
    const name = (n: string) => (D === 2 ? `${d === 0 ? 'forward' : 'backward'} ${n}` : n);
    const kernel = values(where, name('kernel'), c.kernel, [I, G * H], `[input_size, ${G}*units]`);
    const recurrent = values(where, name('recurrent_kernel'), c.recurrentKernel, [H, G * H], `[units, ${G}*units] for ${H} units`);
    reorderRows(transpose(kernel, I, G * H), KERAS_BLOCK[cell], H, I, w, d * G * H * I);
    reorderRows(transpose(recurrent, H, G * H), KERAS_BLOCK[cell], H, H, r, d * G * H * H);
    if (c.bias) {
      const twoRows = cell === 'gru' && resetAfter;
      const bias = values(where, name('bias'), c.bias, twoRows ? [2, G * H] : [G * H], twoRows ? `[2, 3*units] (input and recurrent bias) for reset_after=True` : `[${G}*units]`);
      reorderRows(bias.subarray(0, G * H), KERAS_BLOCK[cell], H, 1, b, d * 2 * G * H);
      if (twoRows) reorderRows(bias.subarray(G * H), KERAS_BLOCK[cell], H, 1, b, d * 2 * G * H + G * H);
    }
  });
  return { cell, numDirections: D, hiddenSize: H, inputSize: I, w, r, b, linearBeforeReset: resetAfter };
}

function fromPytorch(where: string, cell: CellKind, s: PytorchRecurrentWeights): OnnxWeights {
  const G = GATES[cell];
  const layer = s.layer ?? 0;
  const prefix = s.prefix ?? '';
  const dict = s.stateDict ?? {};
  const key = (kind: string, d: number) => `${prefix}${kind}_l${layer}${d === 1 ? '_reverse' : ''}`;
  if (dict[key('weight_hr', 0)]) throw new WgnnError(where, `${key('weight_hr', 0)} is present: LSTM proj_size is not supported`);
  const ih = dict[key('weight_ih', 0)];
  if (!ih) {
    const names = Object.keys(dict).slice(0, 8).join(', ');
    throw new WgnnError(where, `no ${key('weight_ih', 0)} in the state dict (it has ${names || 'no entries'}); check prefix and layer`);
  }
  if (ih.shape.length !== 2 || ih.shape[0] % G !== 0) {
    throw new WgnnError(where, `${key('weight_ih', 0)} has shape ${formatShape(ih.shape)}, expected [${G}*hidden_size, input_size]`);
  }
  const H = ih.shape[0] / G;
  const I = ih.shape[1];
  checkDims(where, H, I, `${key('weight_ih', 0)} ${formatShape(ih.shape)}`);
  const D = dict[key('weight_ih', 1)] ? 2 : 1;
  const hasBias = !!dict[key('bias_ih', 0)] || !!dict[key('bias_hh', 0)];
  const w = new Float32Array(D * G * H * I);
  const r = new Float32Array(D * G * H * H);
  const b = new Float32Array(D * 2 * G * H);
  for (let d = 0; d < D; d++) {
    const get = (kind: string, shape: number[], meaning: string) => values(where, key(kind, d), dict[key(kind, d)], shape, meaning);
    reorderRows(get('weight_ih', [G * H, I], `[${G}*hidden_size, input_size]`), PYTORCH_BLOCK[cell], H, I, w, d * G * H * I);
    reorderRows(get('weight_hh', [G * H, H], `[${G}*hidden_size, hidden_size] for hidden size ${H}`), PYTORCH_BLOCK[cell], H, H, r, d * G * H * H);
    if (hasBias) {
      reorderRows(get('bias_ih', [G * H], `[${G}*hidden_size]`), PYTORCH_BLOCK[cell], H, 1, b, d * 2 * G * H);
      reorderRows(get('bias_hh', [G * H], `[${G}*hidden_size]`), PYTORCH_BLOCK[cell], H, 1, b, d * 2 * G * H + G * H);
    }
  }
  return { cell, numDirections: D, hiddenSize: H, inputSize: I, w, r, b, linearBeforeReset: cell === 'gru' };
}

/** Validates `spec` and returns its weights in ONNX layout and gate order. */
export function onnxWeightsFrom(where: string, cell: CellKind, spec: RecurrentWeightsSpec): OnnxWeights {
  switch (spec?.format) {
    case 'onnx':
      return fromOnnx(where, cell, spec);
    case 'keras':
      return fromKeras(where, cell, spec);
    case 'pytorch':
      return fromPytorch(where, cell, spec);
    default:
      throw new WgnnError(where, `unknown weights format '${String((spec as { format?: unknown })?.format)}'; use 'onnx', 'keras' or 'pytorch'`);
  }
}
