// movingAverage: an effect op that folds a batch statistic into a moving average kept in an
// external buffer (batch normalization's moving mean and variance; formula and source in
// ./reference.ts; kernel shaders/moving_average.wgsl). Input: the statistic (any shape, read
// flat); attributes: the buffer's name, the average's offset in it (floats) and the momentum.
// No outputs: the compiler keeps it because it has effects.
import movingAverageWgsl from '../../../shaders/moving_average.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { movingAverageReference, type MovingAverageAttrs } from './reference.ts';

export type { MovingAverageAttrs } from './reference.ts';

const SHADER = { name: 'moving_average.wgsl', code: movingAverageWgsl };
const WG_SIZE = 64;

export const movingAverageOp: OpDefinition<MovingAverageAttrs> = {
  name: 'movingAverage',
  effects: true,

  infer(where, [value], { buffer, offset, momentum }) {
    if (!value) throw new WgnnError(where, 'needs the value to average in');
    if (value.dtype !== 'float32') throw new WgnnError(where, `value ${formatShape(value.shape)} must be float32, got ${value.dtype}`);
    if (typeof buffer !== 'string' || buffer === '') throw new WgnnError(where, `buffer ${String(buffer)} must name an external buffer`);
    if (!(Number.isInteger(offset) && offset >= 0 && offset + sizeOf(value.shape) <= 2 ** 32)) {
      throw new WgnnError(where, `offset ${offset} must be an integer >= 0 with offset + ${sizeOf(value.shape)} values within 2^32`);
    }
    if (!(Number.isFinite(momentum) && momentum >= 0 && momentum <= 1)) throw new WgnnError(where, `momentum ${momentum} must be in [0, 1]`);
    return [];
  },

  plan([value], _outputs, { buffer, offset, momentum }, ctx) {
    const count = sizeOf(value!.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { WG_SIZE },
          params: { count, offset, momentum, oneMinusMomentum: 1 - momentum },
          bindings: [{ input: 0 }, { external: buffer }],
          workgroups: spreadWorkgroups(`movingAverage '${buffer}'`, Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference() {
    return [];
  },

  referenceEffects([value], attrs, externals) {
    movingAverageReference(value!, attrs, externals);
  },
};
