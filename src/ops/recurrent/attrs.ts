// What a recurrent layer call carries into the op (attributes) and its input/output slots,
// shared by the GPU plan (op.ts), the CPU twin (reference.ts) and the engine API (api.ts).
import type { RecurrentActivation } from './activations.ts';
import type { CellKind } from './layout.ts';
import type { RecurrentDirection } from './reference-common.ts';

export type RecurrentLayout = 'sequence-major' | 'batch-major';
/** How y holds the directions: 'stack' [T, D, B, H] (ONNX), 'concat' [T, B, D*H] (Keras, PyTorch), or merged [T, B, H]. */
export type MergeMode = 'stack' | 'concat' | 'sum' | 'mul' | 'ave';
export const MERGE_MODES: readonly MergeMode[] = ['stack', 'concat', 'sum', 'mul', 'ave'];

/** Activation functions per direction: LSTM f, g, h; GRU f, g; RNN f. */
export const ACTIVATIONS_PER_DIRECTION: Record<CellKind, number> = { lstm: 3, gru: 2, simpleRnn: 1 };

export interface RecurrentAttrs {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  numDirections: number;
  direction: RecurrentDirection;
  layout: RecurrentLayout;
  mergeMode: MergeMode;
  returnSequences: boolean;
  /** Normalized ONNX activations, ACTIVATIONS_PER_DIRECTION[cell] for each direction. */
  activations: Required<RecurrentActivation>[];
  clip?: number;
  inputForget: boolean;
  linearBeforeReset: boolean;
  hasPeepholes: boolean;
}

/** Input slots: x, then the prepared weights, then the optional per-call tensors. */
export const RECURRENT_INPUTS = { x: 0, input: 1, bias: 2, recurrent: 3, lengths: 4, initialH: 5, initialC: 6 } as const;

/** Output slots: the final states first, then y when returnSequences. */
export function outputSlots(attrs: RecurrentAttrs): { h: number; c?: number; y?: number } {
  const c = attrs.cell === 'lstm' ? 1 : undefined;
  const next = c === undefined ? 1 : 2;
  return { h: 0, c, y: attrs.returnSequences ? next : undefined };
}
