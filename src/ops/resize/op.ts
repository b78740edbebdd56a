// resize: ONNX Resize / Upsample on float32 data of rank 1 to 8, in any axis order (the ONNX
// importer hands it channels-last tensors with the per-axis arguments permuted alike).
// Inputs: x, and the sampling table that resizeTable(x.shape, attrs) builds (table.ts), which the
// front-end adds as a constant: the kernel (shaders/resize.wgsl) only blends what the table says.
import resizeWgsl from '../../../shaders/resize.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { checkResize, type ResizeAttrs } from './coords.ts';
import { resizeReference } from './reference.ts';
import { resizeTable } from './table.ts';

export type { ResizeAttrs } from './coords.ts';

const SHADER = { name: 'resize.wgsl', code: resizeWgsl };
const WG_SIZE = 64;
export const MAX_RANK = 8;

const padFront = (values: readonly number[], fill: number) => [...new Array(MAX_RANK - values.length).fill(fill), ...values];

export const resizeOp: OpDefinition<ResizeAttrs> = {
  name: 'resize',

  infer(where, [x, table], attrs) {
    if (!x || x.dtype !== 'float32') throw new WgnnError(where, `input must be a float32 tensor, got ${x ? x.dtype : 'nothing'}`);
    checkResize(where, x.shape, attrs, MAX_RANK);
    const { entries } = resizeTable(where, x.shape, attrs);
    if (!table || table.dtype !== 'int32' || table.shape.join() !== `${entries},2`) {
      throw new WgnnError(where, `input 1 must be the int32 [${entries}, 2] sampling table of resizeTable(), got ${table ? `${formatShape(table.shape)} ${table.dtype}` : 'nothing'}`);
    }
    return [{ shape: [...attrs.sizes], dtype: 'float32' }];
  },

  plan([x], [out], attrs, ctx) {
    const count = sizeOf(out.shape);
    const { taps, bases } = resizeTable('resize', x!.shape, attrs);
    const [outs, tapsAll, basesAll] = [padFront(out.shape, 1), padFront(taps, 1), padFront(bases, 0)];
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { WG_SIZE },
          params: {
            count,
            rank: out.shape.length,
            extrapolation: attrs.extrapolationValue ?? 0,
            outLo: outs.slice(0, 4), outHi: outs.slice(4),
            tapsLo: tapsAll.slice(0, 4), tapsHi: tapsAll.slice(4),
            baseLo: basesAll.slice(0, 4), baseHi: basesAll.slice(4),
          },
          bindings: [{ input: 0 }, { input: 1 }, { output: 0 }],
          workgroups: spreadWorkgroups('resize', Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], attrs) {
    return [resizeReference(x!, attrs)];
  },
};
