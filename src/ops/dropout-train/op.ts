// dropoutTrain and dropoutBackward: Keras's Dropout in training and its gradient, one kernel
// (shaders/dropout.wgsl) for both: y = keep ? x / (1 - rate) : 0, and dX = keep ? dY / (1 - rate) : 0
// with the same mask, recomputed from (seed, step, index) instead of saved (./hash.ts). The step
// number comes from the external 'step' buffer, bound whole, so each training step draws a new
// mask without a new plan. Attributes: rate in [0, 1) (0: the identity), seed an integer in [0, 2^32).
import dropoutWgsl from '../../../shaders/dropout.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { dropoutReference, stepNumber, type DropoutAttrs } from './reference.ts';

export type { DropoutAttrs } from './reference.ts';

const SHADER = { name: 'dropout.wgsl', code: dropoutWgsl };
const WG_SIZE = 256;

/** keep iff bits >= threshold: bits / 2^32 >= rate for integer bits. */
const threshold = (rate: number) => Math.ceil(rate * 2 ** 32);

function dropoutOp(name: string, input: string): OpDefinition<DropoutAttrs> {
  return {
    name,

    infer(where, [x], { rate, seed }) {
      if (!x) throw new WgnnError(where, `needs ${input}`);
      if (x.dtype !== 'float32') throw new WgnnError(where, `${input} must be float32, got ${x.dtype}`);
      // A rate within 2^-32 of 1 would need a threshold of 2^32, past u32.
      if (!(Number.isFinite(rate) && rate >= 0 && threshold(rate) < 2 ** 32)) throw new WgnnError(where, `rate ${rate} must be in [0, 1) (the fraction of inputs dropped)`);
      if (!(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) throw new WgnnError(where, `seed ${seed} must be an integer in [0, 2^32)`);
      return [{ shape: [...x.shape], dtype: 'float32' }];
    },

    plan([x], _outputs, { rate, seed }, ctx) {
      const count = sizeOf(x!.shape);
      if (count === 0) return { scratchBytes: [], dispatches: [] };
      return {
        scratchBytes: [],
        dispatches: [
          {
            shader: SHADER,
            overrides: { WG_SIZE },
            params: { count, seed, threshold: threshold(rate), scale: 1 / (1 - rate) },
            bindings: [{ input: 0 }, { output: 0 }, { external: 'step' }],
            workgroups: spreadWorkgroups(name, Math.ceil(count / WG_SIZE), ctx.limits),
          },
        ],
      };
    },

    reference([x], attrs, externals) {
      return [dropoutReference(name, x!, attrs, stepNumber(name, externals))];
    },
  };
}

/** Inputs [x]; output y. */
export const dropoutTrainOp = dropoutOp('dropoutTrain', 'x');
/** Inputs [dY]; output dX (the forward's mask, recomputed: same rate, seed and step). */
export const dropoutBackwardOp = dropoutOp('dropoutBackward', 'dY');
