import { describe, expect, it } from 'vitest';
import { gatherRowsReference } from '../../src/ops/gather/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { Random } from '../harness/random.ts';

const SEED = 0x9a7;
const rng = new Random(SEED);

/** A [V, D] table whose entries are random; each row also differs from every other row. */
function randomTable(V: number, D: number): HostTensor {
  return { shape: [V, D], data: rng.floats(V * D) };
}
const row = (table: HostTensor, v: number) => [...table.data.subarray(v * table.shape[1], (v + 1) * table.shape[1])];

describe('gatherRowsReference', () => {
  it('looks up one row per id and appends the embedding dimension to the ids shape', () => {
    const table = randomTable(7, 5);
    const ids = Int32Array.from([3, 0, 6, 3, 1, 2]);
    const out = gatherRowsReference(table, ids, [2, 3]);
    expect(out.shape).toEqual([2, 3, 5]);
    expect([...out.data], `seed ${SEED}`).toEqual([...ids].flatMap((id) => row(table, id)));
  });

  it('counts negative ids from the end, as ONNX Gather does', () => {
    const table = randomTable(4, 3);
    const out = gatherRowsReference(table, Int32Array.from([-1, -4, 2, -2]), [4]);
    expect([...out.data]).toEqual([...row(table, 3), ...row(table, 0), ...row(table, 2), ...row(table, 2)]);
  });

  it('handles a scalar id, an empty id list and a width-1 table', () => {
    const table = randomTable(3, 4);
    const scalar = gatherRowsReference(table, Int32Array.from([1]), []);
    expect(scalar.shape).toEqual([4]);
    expect([...scalar.data]).toEqual(row(table, 1));
    const empty = gatherRowsReference(table, new Int32Array(0), [2, 0]);
    expect(empty.shape).toEqual([2, 0, 4]);
    expect(empty.data.length).toBe(0);
    const narrow = randomTable(5, 1);
    expect([...gatherRowsReference(narrow, Int32Array.from([4, 0]), [2]).data]).toEqual([narrow.data[4], narrow.data[0]]);
  });

  describe('rejects bad input with the op, the id and the table size in the message', () => {
    const table = randomTable(5, 2);
    it('ids outside [-V, V)', () => {
      expect(() => gatherRowsReference(table, Int32Array.from([0, 5]), [2])).toThrow(
        /Gather reference: ids\[1\] = 5 is out of range for a table of 5 rows; valid ids are -5\.\.4/,
      );
      expect(() => gatherRowsReference(table, Int32Array.from([-6]), [1])).toThrow(/ids\[0\] = -6 is out of range for a table of 5 rows/);
    });
    it('ids that do not fill idsShape, and tables that are not [V, D]', () => {
      expect(() => gatherRowsReference(table, Int32Array.from([0, 1, 2]), [2, 2])).toThrow(/ids has 3 values, but idsShape \[2, 2\] holds 4/);
      expect(() => gatherRowsReference({ shape: [10], data: new Float32Array(10) }, Int32Array.from([0]), [1])).toThrow(
        /table has shape \[10\], expected rank 2/,
      );
      expect(() => gatherRowsReference({ shape: [5, 2], data: new Float32Array(9) }, Int32Array.from([0]), [1])).toThrow(
        /needs 10 values, its data has 9/,
      );
    });
  });
});
