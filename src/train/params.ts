// Where training keeps the parameters: every trainable weight of a model in one flat float32
// buffer ('params'), each at an offset that is a multiple of 64 elements (256 bytes: any
// adapter's storage offset alignment, so a layer's weight binds on its own). Gradients sit at
// the same offsets in 'grads' and the optimizer's state in 'optimizerState', so one dispatch
// updates every parameter. The padding between them stays zero, and zero stays zero under every
// update rule.
import type { Graph, ValueId } from '../graph/ir.ts';
import { sizeOf } from '../shape.ts';

export const PARAM_ALIGNMENT = 64;

export interface ParamSlot {
  /** The trainable constant of the model's graph. */
  id: ValueId;
  name: string;
  shape: number[];
  /** In elements. */
  offset: number;
  size: number;
}

export interface ParamLayout {
  slots: ParamSlot[];
  /** Elements of the flat buffers, padding included. */
  total: number;
}

/** The layout of the model's weights of one kind: trainable ones ('params'), or the others ('variables'). */
export function layoutParams(graph: Graph, kind: 'trainable' | 'nonTrainable' = 'trainable'): ParamLayout {
  let total = 0;
  const slots = graph.values
    .filter((v) => v.weight === kind && v.data)
    .map((v) => {
      const shape = v.shape as number[];
      const slot = { id: v.id, name: v.name, shape, offset: total, size: sizeOf(shape) };
      total += Math.ceil(slot.size / PARAM_ALIGNMENT) * PARAM_ALIGNMENT;
      return slot;
    });
  return { slots, total: Math.max(total, PARAM_ALIGNMENT) };
}

/** The flat parameter buffer's initial contents: each weight's values at its offset. */
export function packParams(graph: Graph, layout: ParamLayout): Float32Array {
  const flat = new Float32Array(layout.total);
  for (const slot of layout.slots) flat.set(graph.values[slot.id].data as Float32Array, slot.offset);
  return flat;
}
