// CPU reference of an embedding lookup: ONNX Gather on axis 0 of a 2-D table.
//   out[...idx, :] = table[id, :]   with id = ids[...idx], and id < 0 meaning V + id (ONNX Gather).
import { WgnnError } from '../../errors.ts';
import { checkShape, formatShape, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';

const WHERE = 'Gather reference';

export function gatherRowsReference(table: HostTensor, ids: Int32Array, idsShape: number[]): HostTensor {
  if (table.shape.length !== 2) {
    throw new WgnnError(WHERE, `table has shape ${formatShape(table.shape)}, expected rank 2 [vocab_size, embedding_dim]`);
  }
  checkShape(WHERE, table.shape);
  checkShape(WHERE, idsShape);
  const [V, D] = table.shape;
  if (table.data.length !== V * D) {
    throw new WgnnError(WHERE, `table of shape ${formatShape(table.shape)} needs ${V * D} values, its data has ${table.data.length}`);
  }
  if (ids.length !== sizeOf(idsShape)) {
    throw new WgnnError(WHERE, `ids has ${ids.length} values, but idsShape ${formatShape(idsShape)} holds ${sizeOf(idsShape)}`);
  }
  const out = new Float32Array(ids.length * D);
  ids.forEach((id, k) => {
    if (id < -V || id >= V) {
      throw new WgnnError(WHERE, `ids[${k}] = ${id} is out of range for a table of ${V} rows; valid ids are ${-V}..${V - 1}`);
    }
    const row = id < 0 ? V + id : id;
    out.set(table.data.subarray(row * D, (row + 1) * D), k * D);
  });
  return { shape: [...idsShape, D], data: out };
}
