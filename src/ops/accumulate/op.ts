// accumulate: adds the sum of a tensor's values into slot `slot` of the external buffer
// 'metrics' (shaders/accumulate.wgsl): the loss and metric totals of a training run stay on the
// GPU and are read back every few steps. An effect op: no outputs.
import accumulateWgsl from '../../../shaders/accumulate.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';
import { accumulateReference } from './reference.ts';

const SHADER = { name: 'accumulate.wgsl', code: accumulateWgsl };

export interface AccumulateAttrs {
  /** Index into 'metrics'. */
  slot: number;
}

export const accumulateOp: OpDefinition<AccumulateAttrs> = {
  name: 'accumulate',
  effects: true,

  infer(where, [values], { slot }) {
    if (!values) throw new WgnnError(where, 'needs the values to sum');
    if (values.dtype !== 'float32') throw new WgnnError(where, `values ${formatShape(values.shape)} must be float32, got ${values.dtype}`);
    if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** 32) throw new WgnnError(where, `slot ${slot} must be an integer >= 0 (an index into 'metrics')`);
    return [];
  },

  plan([values], _outputs, { slot }) {
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: {},
          params: { count: sizeOf(values!.shape), slot },
          bindings: [{ input: 0 }, { external: 'metrics' }],
          workgroups: [1, 1, 1],
        },
      ],
    };
  },

  reference() {
    return [];
  },

  referenceEffects([values], { slot }, externals) {
    accumulateReference(values!, slot, externals);
  },
};
