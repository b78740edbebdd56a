// softmax / logSoftmax along any axis (shaders/softmax.wgsl), numerically stable.
import softmaxWgsl from '../../../shaders/softmax.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { normalizeAxis, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { softmaxReference } from './reference.ts';

const SHADER = { name: 'softmax.wgsl', code: softmaxWgsl };
const WG_SIZE = 64;

export interface SoftmaxAttrs {
  axis: number;
  log: boolean;
}

export const softmaxOp: OpDefinition<SoftmaxAttrs> = {
  name: 'softmax',

  infer(where, [x], { axis }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.dtype !== 'float32') throw new WgnnError(where, `input must be float32, got ${x.dtype}`);
    normalizeAxis(where, axis, x.shape.length);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },

  plan([x], _outputs, { axis, log }, ctx) {
    const shape = x!.shape;
    const a = normalizeAxis('softmax', axis, shape.length);
    const len = shape[a] ?? 1;
    const inner = sizeOf(shape.slice(a + 1));
    const lines = sizeOf(shape) / Math.max(len, 1);
    if (sizeOf(shape) === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { LOG: Number(log), WG_SIZE },
          params: { lines, len, inner },
          bindings: [{ input: 0 }, { output: 0 }],
          workgroups: spreadWorkgroups('softmax', Math.ceil(lines / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], { axis, log }) {
    return [softmaxReference(x!, normalizeAxis('softmax', axis, x!.shape.length), log)];
  },
};
