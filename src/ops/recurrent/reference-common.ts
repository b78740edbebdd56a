// Validation and small loop helpers shared by the CPU references of the ONNX recurrent ops
// (RNN, GRU, LSTM). Only input checking and bookkeeping live here; each op's equations stay in
// its own reference.ts.
import { WgnnError } from '../../errors.ts';
import { checkShape, formatShape, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { type RecurrentActivation, type ScalarFunction, resolveRecurrentActivation } from './activations.ts';

export type RecurrentDirection = 'forward' | 'reverse' | 'bidirectional';

export interface RecurrentDims {
  seqLength: number; // T
  batch: number; // B
  inputSize: number; // I
  hiddenSize: number; // H
  numDirections: number; // D
}

/** The inputs every recurrent op shares, in ONNX layout (layout = 0). */
export interface RecurrentCommonInputs {
  x: HostTensor; // [T, B, I]
  w: HostTensor; // [D, gates*H, I]
  r: HostTensor; // [D, gates*H, H]
  b?: HostTensor; // [D, 2*gates*H]
  initialH?: HostTensor; // [D, B, H]
}

export function numDirectionsOf(where: string, direction: unknown): number {
  if (direction === 'forward' || direction === 'reverse') return 1;
  if (direction === 'bidirectional') return 2;
  throw new WgnnError(where, `unknown direction '${String(direction)}'; expected 'forward', 'reverse' or 'bidirectional'`);
}

/** Whether direction slot d walks time backwards: the 'reverse' op, or slot 1 of 'bidirectional'. */
export function walksBackward(direction: RecurrentDirection, d: number): boolean {
  return direction === 'reverse' || (direction === 'bidirectional' && d === 1);
}

/** Time indices in processing order for one sequence of `length` valid steps. */
export function timeOrder(backward: boolean, length: number): number[] {
  const steps = Array.from({ length }, (_, s) => s);
  return backward ? steps.reverse() : steps;
}

/** Throws unless the tensor has exactly the expected shape and as many values as the shape holds. */
export function expectShape(where: string, name: string, tensor: HostTensor, expected: number[], meaning: string): void {
  const same = tensor.shape.length === expected.length && tensor.shape.every((d, i) => d === expected[i]);
  if (!same) {
    throw new WgnnError(
      where,
      `${name} has shape ${formatShape(tensor.shape)}, expected ${formatShape(expected)} (${meaning})`,
    );
  }
  if (tensor.data.length !== sizeOf(expected)) {
    throw new WgnnError(
      where,
      `${name} of shape ${formatShape(expected)} needs ${sizeOf(expected)} values, its data has ${tensor.data.length}`,
    );
  }
}

/** Validates X, W, R, B and initial_h against hiddenSize, the gate count and the direction. */
export function checkRecurrentInputs(
  where: string,
  inputs: RecurrentCommonInputs,
  hiddenSize: number,
  gates: number,
  direction: RecurrentDirection,
): RecurrentDims {
  const numDirections = numDirectionsOf(where, direction);
  if (!Number.isSafeInteger(hiddenSize) || hiddenSize < 1) {
    throw new WgnnError(where, `hiddenSize must be an integer >= 1, got ${hiddenSize}`);
  }
  const { x, w, r, b, initialH } = inputs;
  if (x.shape.length !== 3) {
    throw new WgnnError(where, `X has shape ${formatShape(x.shape)}, expected rank 3 [seq_length, batch_size, input_size]`);
  }
  checkShape(where, x.shape);
  const [seqLength, batch, inputSize] = x.shape;
  if (seqLength < 1) throw new WgnnError(where, `X has shape ${formatShape(x.shape)}: seq_length must be >= 1`);
  expectShape(where, 'X', x, [seqLength, batch, inputSize], '[seq_length, batch_size, input_size]');
  const gh = gates * hiddenSize;
  const ctx = `hiddenSize ${hiddenSize}, direction '${direction}'`;
  expectShape(where, 'W', w, [numDirections, gh, inputSize], `[num_directions, ${gates}*hidden_size, input_size] for ${ctx}`);
  expectShape(where, 'R', r, [numDirections, gh, hiddenSize], `[num_directions, ${gates}*hidden_size, hidden_size] for ${ctx}`);
  if (b) expectShape(where, 'B', b, [numDirections, 2 * gh], `[num_directions, ${2 * gates}*hidden_size] for ${ctx}`);
  if (initialH) {
    expectShape(where, 'initial_h', initialH, [numDirections, batch, hiddenSize], `[num_directions, batch_size, hidden_size] for ${ctx}`);
  }
  return { seqLength, batch, inputSize, hiddenSize, numDirections };
}

/** Per-batch sequence lengths; every length must lie in [1, T]. Absent means all T. */
export function resolveSequenceLengths(where: string, lens: Int32Array | undefined, dims: RecurrentDims): Int32Array {
  const { seqLength, batch } = dims;
  if (!lens) return new Int32Array(batch).fill(seqLength);
  if (lens.length !== batch) {
    throw new WgnnError(where, `sequence_lens has ${lens.length} entries, expected batch_size = ${batch}`);
  }
  lens.forEach((len, i) => {
    // ONNX lets some runtimes accept 0 (an empty sequence); we reject it so every Y_h is a computed state.
    if (len < 1 || len > seqLength) {
      throw new WgnnError(where, `sequence_lens[${i}] = ${len} is out of range; each length must be in [1, ${seqLength}] (seq_length of X)`);
    }
  });
  return lens;
}

/** Activations per direction: `perDirection` functions for each of D directions, ONNX order. */
export function resolveDirectionActivations(
  where: string,
  activations: RecurrentActivation[] | undefined,
  defaults: RecurrentActivation[],
  numDirections: number,
): ScalarFunction[][] {
  const perDirection = defaults.length;
  const list = activations ?? Array.from({ length: numDirections }, () => defaults).flat();
  if (list.length !== perDirection * numDirections) {
    throw new WgnnError(
      where,
      `activations has ${list.length} entries, expected ${perDirection * numDirections} ` +
        `(${perDirection} per direction x ${numDirections} direction(s))`,
    );
  }
  const fns = list.map((act) => resolveRecurrentActivation(act, where));
  return Array.from({ length: numDirections }, (_, d) => fns.slice(d * perDirection, (d + 1) * perDirection));
}

/** The clip threshold, Infinity when absent; ONNX calls it a threshold, so it must be > 0. */
export function resolveClip(where: string, clip: number | undefined): number {
  if (clip === undefined) return Infinity;
  if (!(clip > 0)) throw new WgnnError(where, `clip must be > 0 (or left out for no clipping), got ${clip}`);
  return clip;
}

export function clamp(value: number, limit: number): number {
  return Math.min(limit, Math.max(-limit, value));
}

/** sum_k a[aOffset + k] * b[bOffset + k], accumulated in float64. */
export function dot(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, n: number): number {
  let sum = 0;
  for (let k = 0; k < n; k++) sum += a[aOffset + k] * b[bOffset + k];
  return sum;
}

/** The state vector of direction d, batch entry b from a [D, B, H] tensor, or zeros when absent. */
export function initialState(tensor: HostTensor | undefined, dims: RecurrentDims, d: number, b: number): Float64Array {
  const H = dims.hiddenSize;
  const state = new Float64Array(H);
  if (tensor) for (let j = 0; j < H; j++) state[j] = tensor.data[(d * dims.batch + b) * H + j];
  return state;
}
