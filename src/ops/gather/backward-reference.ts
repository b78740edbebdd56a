// CPU reference of the embedding gradient, from the definition of the lookup
//   y[i, :] = table[row(ids[i]), :]   (row(id) = id, or V + id for a negative id)
// so dL/dtable[r, :] = sum of dY[i, :] over the positions i with row(ids[i]) == r, and 0 for a row
// no id hits. The sum runs over i in increasing order in float32 (each += rounds), the order the
// GPU kernel also follows, so the two agree to the bit rather than merely to rounding.
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength } from '../reference-checks.ts';

const WHERE = 'embeddingBackward reference';

/** dY [..., E] (one row per id, in the ids' order), ids (any shape, int32) -> dTable [rows, E]. */
export function embeddingBackwardReference(dy: HostTensor, ids: Int32Array, rows: number): HostTensor {
  checkDataLength(WHERE, 'dY', dy);
  if (dy.shape.length < 1) throw new WgnnError(WHERE, 'dY must have rank >= 1 ([..., E])');
  if (!Number.isInteger(rows) || rows < 1) throw new WgnnError(WHERE, `rows ${rows} must be an integer >= 1`);
  const E = dy.shape.at(-1)!;
  const n = sizeOf(dy.shape.slice(0, -1));
  if (ids.length !== n) throw new WgnnError(WHERE, `dY ${formatShape(dy.shape)} holds ${n} rows but there are ${ids.length} ids`);
  const dTable = new Float32Array(rows * E);
  ids.forEach((id, i) => {
    if (!Number.isInteger(id) || id < -rows || id >= rows) {
      throw new WgnnError(WHERE, `ids[${i}] = ${id} is out of range for a table of ${rows} rows; valid ids are ${-rows}..${rows - 1}`);
    }
    const r = id < 0 ? rows + id : id;
    for (let c = 0; c < E; c++) dTable[r * E + c] += dy.data[i * E + c];
  });
  return { shape: [rows, E], data: dTable };
}
