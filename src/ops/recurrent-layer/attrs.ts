// The attributes and slots of recurrentLayer (./op.ts), shared by its reference, its inference
// lowering (./lower.ts) and its training form (./expand.ts).
import type { RecurrentActivation } from '../recurrent/activations.ts';
import type { CellKind } from '../recurrent/layout.ts';

export type LayerMergeMode = 'concat' | 'sum' | 'mul' | 'ave';

export interface RecurrentLayerAttrs {
  cell: CellKind;
  units: number;
  inputSize: number;
  /** Normalized, shared by the directions: LSTM [recurrent activation, activation, activation], GRU [recurrent activation, activation], simple RNN [activation]. */
  activations: Required<RecurrentActivation>[];
  /** GRU: Keras's reset_after. */
  resetAfter: boolean;
  direction: 'forward' | 'bidirectional';
  /** How y holds two directions (Keras's Bidirectional merge_mode); 'concat' with one. */
  mergeMode: LayerMergeMode;
  returnSequences: boolean;
}

export const directionsOf = (attrs: Pick<RecurrentLayerAttrs, 'direction'>): number => (attrs.direction === 'bidirectional' ? 2 : 1);

export type WeightKind = 'kernel' | 'recurrentKernel' | 'bias';

/** Input slot of direction d's kernel, recurrent kernel and bias (after x, slot 0). */
export const weightSlot = (d: number, which: WeightKind): number => 1 + 3 * d + ['kernel', 'recurrentKernel', 'bias'].indexOf(which);

/** Output slots, as the recurrent op's: the final h, the LSTM's final c, then y with returnSequences. */
export function layerOutputSlots(attrs: Pick<RecurrentLayerAttrs, 'cell' | 'returnSequences'>): { h: number; c?: number; y?: number } {
  const c = attrs.cell === 'lstm' ? 1 : undefined;
  return { h: 0, c, y: attrs.returnSequences ? (c === undefined ? 1 : 2) : undefined };
}
