// The user-facing side of the recurrent layers: prepared weights (converted once, held as
// tensors), the call options and their validation, and the result objects. The engine's
// prepareLstm / lstm (and GRU, simple RNN) methods are thin wrappers over these.
import { WgnnError } from '../../errors.ts';
import { Tensor } from '../../tensor.ts';
import type { RecurrentActivation } from './activations.ts';
import { normalizeRecurrentActivation } from './activations.ts';
import { ACTIVATIONS_PER_DIRECTION, MERGE_MODES, type MergeMode, outputSlots, RECURRENT_INPUTS, type RecurrentAttrs, type RecurrentLayout } from './attrs.ts';
import { onnxWeightsFrom, type RecurrentWeightsSpec } from './convert.ts';
import { canonicalFromOnnx, canonicalShapes, type CellKind } from './layout.ts';
import type { RecurrentDirection } from './reference-common.ts';

/** Weights of one recurrent layer, converted to the canonical layout and uploaded; make with engine.prepareLstm() etc. */
export class PreparedRecurrent<C extends CellKind = CellKind> {
  /** @internal */
  constructor(
    readonly cell: C,
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numDirections: number,
    /** GRU: the h gate's recurrent bias is applied inside r * (...) (ONNX linear_before_reset=1, Keras reset_after, PyTorch). */
    readonly linearBeforeReset: boolean,
    readonly hasPeepholes: boolean,
    /** @internal [input, bias, recurrent] in the layout of layout.ts */
    readonly tensors: readonly [Tensor, Tensor, Tensor],
  ) {}

  get disposed(): boolean {
    return this.tensors.some((t) => t.disposed);
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
  }
}

export interface RecurrentOptions {
  /** Names the layer in errors and GPU labels. */
  name?: string;
  /** 'sequence-major' (default): x [T, B, I], states [D, B, H]; 'batch-major': x [B, T, I], states [B, D, H]. */
  layout?: RecurrentLayout;
  /** Default: 'bidirectional' for two-direction weights, else 'forward'. */
  direction?: RecurrentDirection;
  /** How y holds two directions; default 'concat' ([T, B, D*H]). 'stack' gives ONNX's [T, D, B, H]. */
  mergeMode?: MergeMode;
  /** Return y (default true); the final states are always returned. */
  returnSequences?: boolean;
  /** Per-example lengths in [1, T] (host data, validated): steps past a length keep the state and output zeros. */
  sequenceLens?: Int32Array | readonly number[];
  initialH?: Tensor;
  /** ONNX activation names with alpha/beta: one set per direction (LSTM f, g, h; GRU f, g; RNN f), or one set for all. */
  activations?: RecurrentActivation[];
  /** Bound on every gate pre-activation, [-clip, clip]. */
  clip?: number;
}

export interface LstmOptions extends RecurrentOptions {
  initialC?: Tensor;
  /** Couple the input and forget gates: f = 1 - i. */
  inputForget?: boolean;
}

export interface RecurrentResult {
  /** The output sequence (absent with returnSequences: false). */
  y?: Tensor;
  /** The final hidden state. */
  yH: Tensor;
}

export interface LstmResult extends RecurrentResult {
  /** The final cell state. */
  yC: Tensor;
}

/** What the engine needs from itself to prepare weights. */
interface TensorMaker {
  tensor(shape: readonly number[], data?: ArrayLike<number>): Tensor;
}

export function prepareRecurrent<C extends CellKind>(engine: TensorMaker, where: string, cell: C, spec: RecurrentWeightsSpec): PreparedRecurrent<C> {
  const onnx = onnxWeightsFrom(where, cell, spec);
  const canonical = canonicalFromOnnx(onnx);
  const shapes = canonicalShapes(cell, onnx.numDirections, onnx.hiddenSize, onnx.inputSize);
  const tensors = [engine.tensor(shapes.input, canonical.input), engine.tensor(shapes.bias, canonical.bias), engine.tensor(shapes.recurrent, canonical.recurrent)] as const;
  return new PreparedRecurrent(cell, onnx.inputSize, onnx.hiddenSize, onnx.numDirections, onnx.linearBeforeReset, onnx.p !== undefined, tensors);
}

const CELL_NAMES: Record<CellKind, string> = { lstm: 'lstm', gru: 'gru', simpleRnn: 'simpleRnn' };

/** What the op's attributes need to know of a layer's weights (PreparedRecurrent has it; so do graph constants). */
export type RecurrentWeightsInfo = Pick<PreparedRecurrent, 'cell' | 'inputSize' | 'hiddenSize' | 'numDirections' | 'linearBeforeReset' | 'hasPeepholes'>;

/** Validates the call and returns the op's attributes; `where` names the layer. */
export function recurrentAttrs(where: string, cell: CellKind, weights: PreparedRecurrent, options: LstmOptions): RecurrentAttrs {
  if (!(weights instanceof PreparedRecurrent)) throw new WgnnError(where, `weights must come from engine.prepare${cell === 'simpleRnn' ? 'SimpleRnn' : cell === 'lstm' ? 'Lstm' : 'Gru'}()`);
  if (weights.disposed) throw new WgnnError(where, 'the prepared weights were disposed');
  return recurrentAttrsFor(where, cell, weights, options);
}

/** recurrentAttrs for weights described by `weights` (graph lowering passes no tensors). */
export function recurrentAttrsFor(where: string, cell: CellKind, weights: RecurrentWeightsInfo, options: Omit<LstmOptions, 'initialH' | 'initialC'> & { initialC?: unknown }): RecurrentAttrs {
  if (weights.cell !== cell) throw new WgnnError(where, `these are ${CELL_NAMES[weights.cell]} weights; ${CELL_NAMES[cell]} needs its own`);
  const D = weights.numDirections;
  const direction = options.direction ?? (D === 2 ? 'bidirectional' : 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) {
    throw new WgnnError(where, `unknown direction '${String(direction)}'; use 'forward', 'reverse' or 'bidirectional'`);
  }
  if ((direction === 'bidirectional') !== (D === 2)) {
    throw new WgnnError(where, `direction '${direction}' does not match weights with ${D} direction(s)`);
  }
  const layout = options.layout ?? 'sequence-major';
  if (layout !== 'sequence-major' && layout !== 'batch-major') throw new WgnnError(where, `unknown layout '${String(layout)}'; use 'sequence-major' or 'batch-major'`);
  const mergeMode = options.mergeMode ?? 'concat';
  if (!MERGE_MODES.includes(mergeMode)) throw new WgnnError(where, `unknown mergeMode '${String(mergeMode)}'; use ${MERGE_MODES.join(', ')}`);
  if (D === 1 && (mergeMode === 'sum' || mergeMode === 'mul' || mergeMode === 'ave')) {
    throw new WgnnError(where, `mergeMode '${mergeMode}' merges two directions; this layer has one`);
  }
  const perDirection = ACTIVATIONS_PER_DIRECTION[cell];
  const defaults: RecurrentActivation[] = [{ name: cell === 'simpleRnn' ? 'Tanh' : 'Sigmoid' }, { name: 'Tanh' }, { name: 'Tanh' }].slice(0, perDirection);
  const given = options.activations ?? defaults;
  if (given.length !== perDirection && given.length !== perDirection * D) {
    throw new WgnnError(where, `activations has ${given.length} entries; give ${perDirection} (used for every direction)${D === 2 ? ` or ${2 * perDirection} (per direction)` : ''}`);
  }
  const activations = (given.length === perDirection ? Array.from({ length: D }, () => given).flat() : given).map((a) => normalizeRecurrentActivation(a, where));
  if (options.clip !== undefined && !(options.clip > 0)) throw new WgnnError(where, `clip must be > 0 (or left out for no clipping), got ${options.clip}`);
  if (cell !== 'lstm' && ((options as LstmOptions).inputForget || (options as LstmOptions).initialC)) {
    throw new WgnnError(where, 'inputForget and initialC are LSTM options');
  }
  return {
    cell, inputSize: weights.inputSize, hiddenSize: weights.hiddenSize, numDirections: D, direction, layout, mergeMode,
    returnSequences: options.returnSequences ?? true, activations, clip: options.clip, inputForget: options.inputForget ?? false,
    linearBeforeReset: weights.linearBeforeReset, hasPeepholes: weights.hasPeepholes,
  };
}

/** Host sequence lengths, checked against x: each in [1, T]. */
export function checkSequenceLens(where: string, lens: Int32Array | readonly number[], x: Tensor, layout: RecurrentLayout): Int32Array {
  const [T, B] = layout === 'sequence-major' ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
  if (!lens || typeof lens.length !== 'number') {
    throw new WgnnError(where, 'sequenceLens must be host data (an Int32Array or a number array), so it can be validated');
  }
  if (lens.length !== B) throw new WgnnError(where, `sequenceLens has ${lens.length} entries, expected one per batch entry (${B})`);
  lens.forEach((len, i) => {
    if (!Number.isInteger(len) || len < 1 || len > T) {
      throw new WgnnError(where, `sequenceLens[${i}] = ${len} is out of range; each length must be an integer in [1, ${T}] (the ${T} steps of x)`);
    }
  });
  return Int32Array.from(lens);
}

/** The op's inputs in slot order. */
export function recurrentInputs(x: Tensor, weights: PreparedRecurrent, lengths: Tensor | undefined, options: LstmOptions): (Tensor | undefined)[] {
  const inputs: (Tensor | undefined)[] = [];
  inputs[RECURRENT_INPUTS.x] = x;
  [inputs[RECURRENT_INPUTS.input], inputs[RECURRENT_INPUTS.bias], inputs[RECURRENT_INPUTS.recurrent]] = weights.tensors;
  inputs[RECURRENT_INPUTS.lengths] = lengths;
  inputs[RECURRENT_INPUTS.initialH] = options.initialH;
  inputs[RECURRENT_INPUTS.initialC] = options.initialC;
  return inputs;
}

export function recurrentResult(outputs: Tensor[], attrs: RecurrentAttrs): LstmResult | RecurrentResult {
  const slots = outputSlots(attrs);
  const result: RecurrentResult & { yC?: Tensor } = { yH: outputs[slots.h] };
  if (slots.c !== undefined) result.yC = outputs[slots.c];
  if (slots.y !== undefined) result.y = outputs[slots.y];
  return result;
}
