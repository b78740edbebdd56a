// expand: ONNX Expand, NumPy broadcasting of the input to a shape (the result takes the
// broadcast of both, so a target dim of 1 keeps the input's).
import { WgnnError } from '../../errors.ts';
import { broadcastShapes } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';
import { checkRank, stridedCopyPlan } from './dispatch.ts';
import { expandReference } from './reference.ts';

export interface ExpandAttrs {
  shape: number[];
}

export const expandOp: OpDefinition<ExpandAttrs> = {
  name: 'expand',

  infer(where, [x], { shape }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    const out = broadcastShapes(where, x.shape, shape);
    checkRank(where, out);
    return [{ shape: out, dtype: x.dtype }];
  },

  plan([x], [out], _attrs, ctx) {
    const r = out.shape.length;
    const inShape = [...new Array(r - x!.shape.length).fill(1), ...x!.shape];
    return stridedCopyPlan('expand', inShape, out.shape, new Array(r).fill(0), new Array(r).fill(1), ctx);
  },

  reference([x], { shape }) {
    return [expandReference('expand', x!, shape)];
  },
};
