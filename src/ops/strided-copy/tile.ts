// tile: ONNX Tile, the input repeated `repeats[d]` times along each axis d.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';
import { checkRank, stridedCopyPlan } from './dispatch.ts';
import { tileReference } from './reference.ts';

export interface TileAttrs {
  repeats: number[];
}

export const tileOp: OpDefinition<TileAttrs> = {
  name: 'tile',

  infer(where, [x], { repeats }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    checkRank(where, x.shape);
    if (repeats.length !== x.shape.length || repeats.some((r) => !Number.isSafeInteger(r) || r < 0)) {
      throw new WgnnError(where, `repeats [${repeats.join(', ')}] must give one count >= 0 per axis of ${formatShape(x.shape)}`);
    }
    return [{ shape: x.shape.map((d, i) => d * repeats[i]), dtype: x.dtype }];
  },

  plan([x], [out], _attrs, ctx) {
    const r = out.shape.length;
    return stridedCopyPlan('tile', x!.shape, out.shape, new Array(r).fill(0), new Array(r).fill(1), ctx);
  },

  reference([x], { repeats }) {
    return [tileReference(x!, repeats)];
  },
};
