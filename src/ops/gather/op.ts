// Embedding lookup (shaders/embedding.wgsl): out[...ids, :] = table[ids[...], :], negative ids
// counting from the end (ONNX Gather on axis 0). Ids that live on the GPU cannot be checked
// before the dispatch: an out-of-range id yields a row of NaN. The engine validates ids that
// come from host data before uploading them.
import embeddingWgsl from '../../../shaders/embedding.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { gatherRowsReference } from './reference.ts';

const SHADER = { name: 'embedding.wgsl', code: embeddingWgsl };
const WG_SIZE = 256;

export const embeddingOp: OpDefinition<Record<string, never>> = {
  name: 'embedding',

  infer(where, [table, ids]) {
    if (!table || table.dtype !== 'float32' || table.shape.length !== 2) {
      throw new WgnnError(where, `table must be a float32 [vocab, width] tensor, got ${table ? `${formatShape(table.shape)} ${table.dtype}` : 'nothing'}`);
    }
    if (!ids || ids.dtype !== 'int32') throw new WgnnError(where, `ids must be an int32 tensor, got ${ids ? ids.dtype : 'nothing'}`);
    if (table.shape[0] < 1) throw new WgnnError(where, `table ${formatShape(table.shape)} has no rows`);
    return [{ shape: [...ids.shape, table.shape[1]], dtype: 'float32' }];
  },

  plan([table], [out], _attrs, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { WG_SIZE },
          params: { count, E: table!.shape[1], V: table!.shape[0] },
          bindings: [{ input: 0 }, { input: 1 }, { output: 0 }],
          workgroups: spreadWorkgroups('embedding', Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([table, ids]) {
    return [gatherRowsReference(table!, ids!.data as unknown as Int32Array, ids!.shape)];
  },
};

/** Host ids checked against a table of `rows` rows: each in [-rows, rows). */
export function checkIds(where: string, ids: ArrayLike<number>, rows: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < -rows || id >= rows) {
      throw new WgnnError(where, `ids[${i}] = ${id} is out of range for a table of ${rows} rows; valid ids are ${-rows}..${rows - 1}`);
    }
    out[i] = id;
  }
  return out;
}
