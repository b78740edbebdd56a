// argReduce: ONNX ArgMax / ArgMin along one axis (shaders/arg_reduce.wgsl), int32 positions.
// Ties go to the first position, or the last with selectLast; NaN as in NumPy (see reference.ts).
import argReduceWgsl from '../../../shaders/arg_reduce.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, normalizeAxis, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { argReduceReference, reducedShape } from './reference.ts';

const SHADER = { name: 'arg_reduce.wgsl', code: argReduceWgsl };
const WG_SIZE = 64;

export interface ArgReduceAttrs {
  kind: 'max' | 'min';
  axis: number;
  keepDims: boolean;
  selectLast: boolean;
}

export const argReduceOp: OpDefinition<ArgReduceAttrs> = {
  name: 'argReduce',

  infer(where, [x], { kind, axis, keepDims }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.dtype !== 'float32') throw new WgnnError(where, `input must be float32, got ${x.dtype}`);
    if (kind !== 'max' && kind !== 'min') throw new WgnnError(where, `kind must be 'max' or 'min', got '${String(kind)}'`);
    if (x.shape.length === 0) throw new WgnnError(where, 'input is a scalar; arg max / arg min need an axis');
    const a = normalizeAxis(where, axis, x.shape.length);
    if (x.shape[a] === 0) throw new WgnnError(where, `axis ${axis} of ${formatShape(x.shape)} is empty; arg ${kind} needs at least one value`);
    return [{ shape: reducedShape(x.shape, [a], keepDims), dtype: 'int32' }];
  },

  plan([x], [out], { kind, axis, selectLast }, ctx) {
    const shape = x!.shape;
    const a = normalizeAxis('argReduce', axis, shape.length);
    const lines = sizeOf(out.shape);
    if (lines === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { ARG_MAX: Number(kind === 'max'), SELECT_LAST: Number(selectLast), WG_SIZE },
          params: { lines, len: shape[a], inner: sizeOf(shape.slice(a + 1)) },
          bindings: [{ input: 0 }, { output: 0 }],
          workgroups: spreadWorkgroups('argReduce', Math.ceil(lines / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], { kind, axis, keepDims, selectLast }) {
    return [argReduceReference(x!, kind, normalizeAxis('argReduce', axis, x!.shape.length), keepDims, selectLast)];
  },
};
