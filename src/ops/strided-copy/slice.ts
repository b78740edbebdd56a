// slice: per axis, `size` elements from `begin`, `step` apart (negative steps walk backwards).
// The ONNX importer resolves Slice's and Split's clamped, negative and omitted bounds into this
// form (src/onnx/args.ts); here every element read is checked to lie inside the input.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';
import { checkRank, stridedCopyPlan } from './dispatch.ts';
import { sliceReference, type SliceAxis } from './reference.ts';

export interface SliceAttrs {
  /** One entry per input axis. */
  axes: SliceAxis[];
}

export const sliceOp: OpDefinition<SliceAttrs> = {
  name: 'slice',

  infer(where, [x], { axes }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    checkRank(where, x.shape);
    if (axes.length !== x.shape.length) throw new WgnnError(where, `gives ${axes.length} axes for input ${formatShape(x.shape)}`);
    axes.forEach(({ begin, step, size }, d) => {
      const last = begin + (size - 1) * step;
      const inside = (i: number) => Number.isInteger(i) && i >= 0 && i < x.shape[d];
      if (!Number.isInteger(size) || size < 0 || !Number.isInteger(step) || (size > 1 && step === 0) || (size > 0 && (!inside(begin) || !inside(last)))) {
        throw new WgnnError(where, `axis ${d} of ${formatShape(x.shape)}: ${size} elements from ${begin} in steps of ${step} do not lie inside the input`);
      }
    });
    return [{ shape: axes.map((a) => a.size), dtype: x.dtype }];
  },

  plan([x], [out], { axes }, ctx) {
    return stridedCopyPlan('slice', x!.shape, out.shape, axes.map((a) => a.begin), axes.map((a) => a.step), ctx);
  },

  reference([x], { axes }) {
    return [sliceReference(x!, axes)];
  },
};
