// The embedding gradient's CPU reference (src/ops/gather/backward-reference.ts): hand-worked
// cases with repeated and negative ids, its fixed summation order, central differences of the
// forward lookup's reference, and bad input rejected by the reference and by the op's infer.
import { describe, expect, it } from 'vitest';
import { embeddingBackwardReference } from '../../src/ops/gather/backward-reference.ts';
import { embeddingBackwardOp } from '../../src/ops/gather/backward.ts';
import { gatherRowsReference } from '../../src/ops/gather/reference.ts';
import { Random } from '../harness/random.ts';

const SEED = 0xeb1;

describe('embeddingBackwardReference', () => {
  it('sums dY into the rows the ids name (repeats add up, negative ids count from the end, unhit rows are 0)', () => {
    // V = 4, E = 2: row 1 <- positions 0, 2 and 5 (id -3); row 3 <- positions 1 (id 3) and 3 (id -1); row 0 <- position 4.
    const ids = Int32Array.from([1, 3, 1, -1, 0, -3]);
    const dy = { shape: [2, 3, 2], data: Float32Array.from([1, 2, 10, 20, 100, 200, 1000, 2000, 5, 6, 0.5, 0.25]) };
    const out = embeddingBackwardReference(dy, ids, 4);
    expect(out.shape).toEqual([4, 2]);
    expect([...out.data]).toEqual([5, 6, 101.5, 202.25, 0, 0, 1010, 2020]);
  });

  it('sums each row over its positions in increasing order, in float32', () => {
    // 1e8 + 1 rounds back to 1e8 in float32 (its spacing there is 8): in position order the row
    // sums to 0; any order that adds 1e8 and -1e8 first would give 1.
    const ids = Int32Array.from([2, 0, 2, 2]);
    const dy = { shape: [4, 1], data: Float32Array.from([1e8, 7, 1, -1e8]) };
    expect([...embeddingBackwardReference(dy, ids, 3).data]).toEqual([7, 0, 0]);
  });

  it('equals central differences of the forward lookup (sum(lookup(table, ids) * R) with respect to the table)', () => {
    const rng = new Random(SEED);
    const [V, E] = [6, 3];
    const ids = Int32Array.from([5, 0, -1, 2, 2, 5, -6, 3]);
    const table = { shape: [V, E], data: rng.floats(V * E) };
    const probe = rng.floats(ids.length * E);
    const loss = (t: Float32Array) => {
      const y = gatherRowsReference({ shape: [V, E], data: t }, ids, [2, 4]).data;
      return y.reduce((s, v, i) => s + v * probe[i], 0);
    };
    const analytic = embeddingBackwardReference({ shape: [2, 4, E], data: probe }, ids, V).data;
    const eps = 1e-2;
    for (let k = 0; k < V * E; k++) {
      const shifted = (delta: number) => Float32Array.from(table.data, (v, m) => (m === k ? v + delta : v));
      const numeric = (loss(shifted(eps)) - loss(shifted(-eps))) / (2 * eps);
      expect(analytic[k], `table[${Math.floor(k / E)}, ${k % E}] (seed ${SEED})`).toBeCloseTo(numeric, 4);
    }
    expect(analytic.subarray(E, 2 * E).every((v) => v === 0)).toBe(true); // row 1: no id hits it
  });

  it('handles no ids (all rows 0), a single id and E = 1', () => {
    expect([...embeddingBackwardReference({ shape: [0, 2], data: new Float32Array(0) }, new Int32Array(0), 3).data]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...embeddingBackwardReference({ shape: [1], data: Float32Array.from([4]) }, Int32Array.from([-2]), 2).data]).toEqual([4, 0]);
  });

  it('rejects ids out of range, a mismatch between dY and the ids, and a bad row count', () => {
    const dy = { shape: [2, 3], data: new Float32Array(6) };
    expect(() => embeddingBackwardReference(dy, Int32Array.from([0, 4]), 4)).toThrow(/embeddingBackward reference: ids\[1\] = 4 is out of range for a table of 4 rows; valid ids are -4\.\.3/);
    expect(() => embeddingBackwardReference(dy, Int32Array.from([-5, 0]), 4)).toThrow(/ids\[0\] = -5/);
    expect(() => embeddingBackwardReference(dy, Int32Array.from([0, 1, 2]), 4)).toThrow(/dY \[2, 3\] holds 2 rows but there are 3 ids/);
    expect(() => embeddingBackwardReference(dy, Int32Array.from([0, 1]), 0)).toThrow(/rows 0 must be an integer >= 1/);
    expect(() => embeddingBackwardReference({ shape: [2, 3], data: new Float32Array(5) }, Int32Array.from([0, 1]), 4)).toThrow(/dY \[2, 3\] needs 6 values, got 5/);
  });
});

describe('embeddingBackward op: infer', () => {
  const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  const i32 = (shape: number[]) => ({ shape, dtype: 'int32' as const });

  it('gives dTable [rows, E] for dY [...ids shape, E] or dY flattened to [n, E]', () => {
    expect(embeddingBackwardOp.infer('e', [f32([2, 5, 7]), i32([2, 5])], { rows: 11 })).toEqual([f32([11, 7])]);
    expect(embeddingBackwardOp.infer('e', [f32([10, 7]), i32([2, 5])], { rows: 3 })).toEqual([f32([3, 7])]);
  });

  it('names the node and what is wrong', () => {
    expect(() => embeddingBackwardOp.infer('emb/dtable', [f32([4, 3]), f32([4])], { rows: 5 })).toThrow(/emb\/dtable: ids must be an int32 tensor, got float32/);
    expect(() => embeddingBackwardOp.infer('emb/dtable', [i32([4, 3]), i32([4])], { rows: 5 })).toThrow(/dY must be a float32 \[\.\.\., E\] tensor, got \[4, 3\] int32/);
    expect(() => embeddingBackwardOp.infer('emb/dtable', [f32([4, 3]), i32([5])], { rows: 5 })).toThrow(/dY \[4, 3\] holds 4 rows of width 3 but ids \[5\] hold 5/);
    expect(() => embeddingBackwardOp.infer('emb/dtable', [f32([4, 3]), i32([4])], { rows: 2.5 })).toThrow(/rows 2.5 must be an integer >= 1/);
  });
});
