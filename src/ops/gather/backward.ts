// embeddingBackward: the gradient of an embedding lookup with respect to its table. Inputs
// [dY [..., E] (one row per id), ids (int32, any shape holding as many values)], attribute
// rows = V; output dTable [V, E]: dTable[r, :] = sum of dY[i, :] over the positions i whose id
// names row r (negative ids count from the end), 0 for a row no id hits. An id outside [-V, V)
// sends nothing (its forward row was NaN, so the loss already is).
// Deterministic, no float atomics: a counting sort groups the positions by row, then one
// invocation per (row, 4 columns) sums its row's dY in increasing position order.
//   1. count (embedding_backward_count.wgsl): zero V + 1 counters, count each row (u32 atomics).
//   2. scan (embedding_backward_scan.wgsl): exclusive prefix sum, each row's segment of slots.
//   3. sort (embedding_backward_sort.wgsl): positions listed by atomic arrival, then sorted within
//      each segment (runs of 32 by rank, then log2(n / 32) merge passes): the same order every run.
//   4. sum (embedding_backward_sum.wgsl): the gather, writing every row (zeros where unhit).
// Measured, V 20000, E 64, n 3200 on SwiftShader (Node, per-node GPU time, median): 12-14 ms in
// all for Zipf-like, uniform or 40%-padding ids, of which the sum 12 ms (the floor: writing the
// 5 MB dTable, as long as a relu over it), the sort 1.3-1.9 ms and the rest 0.6 ms. Ranking each
// position against all earlier ones instead of sorting took 14 ms (n^2 / 2 compares); ranking
// against its row's positions only was as slow with 40% padding (SIMD lanes wait on the longest
// row). The merge sort costs O(n log^2 n) whatever the ids (all equal, n 5000: about 5 ms).
import countWgsl from '../../../shaders/embedding_backward_count.wgsl?raw';
import scanWgsl from '../../../shaders/embedding_backward_scan.wgsl?raw';
import sortWgsl from '../../../shaders/embedding_backward_sort.wgsl?raw';
import sumWgsl from '../../../shaders/embedding_backward_sum.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type Dispatch, type OpDefinition } from '../op.ts';
import { embeddingBackwardReference } from './backward-reference.ts';

const COUNT_SHADER = { name: 'embedding_backward_count.wgsl', code: countWgsl };
const SCAN_SHADER = { name: 'embedding_backward_scan.wgsl', code: scanWgsl };
const SORT_SHADER = { name: 'embedding_backward_sort.wgsl', code: sortWgsl };
const SUM_SHADER = { name: 'embedding_backward_sum.wgsl', code: sumWgsl };
const WG_SIZE = 64;
/** Runs sorted by rank before merging (the sort shader's RUN): 5 merge passes fewer than from 1. */
const RUN = 32;
const WHERE = 'embeddingBackward';

export interface EmbeddingBackwardAttrs {
  /** Rows of the forward's table (V). */
  rows: number;
}

// Scratch buffers, by index in the plan's scratchBytes.
const ROWS = 0; //    [n] u32: each position's row, or NO_ROW
const SLOTS = 1; //   [n] u32: each position's arrival among its row's (from the counting atomic)
const OFFSETS = 2; // [V + 1] u32: counts, then (scanned in place) each row's first slot
const SUMS = 3; //    [chunks] u32: the scan's chunk totals
const LISTS = [4, 5]; // 2 x [n] u32: positions by slot, the sort's steps ping-ponging between them

export const embeddingBackwardOp: OpDefinition<EmbeddingBackwardAttrs> = {
  name: 'embeddingBackward',

  infer(where, [dy, ids], { rows }) {
    if (!dy || dy.dtype !== 'float32' || dy.shape.length < 1) {
      throw new WgnnError(where, `dY must be a float32 [..., E] tensor, got ${dy ? `${formatShape(dy.shape)} ${dy.dtype}` : 'nothing'}`);
    }
    if (!ids || ids.dtype !== 'int32') throw new WgnnError(where, `ids must be an int32 tensor, got ${ids ? ids.dtype : 'nothing'}`);
    if (!Number.isInteger(rows) || rows < 1) throw new WgnnError(where, `rows ${rows} must be an integer >= 1 (the table's row count)`);
    const n = sizeOf(dy.shape.slice(0, -1));
    if (n !== sizeOf(ids.shape)) {
      throw new WgnnError(where, `dY ${formatShape(dy.shape)} holds ${n} rows of width ${dy.shape.at(-1)} but ids ${formatShape(ids.shape)} hold ${sizeOf(ids.shape)}; dY must be [...ids shape, E]`);
    }
    return [{ shape: [rows, dy.shape.at(-1)!], dtype: 'float32' }];
  },

  plan([dy], [dTable], { rows: V }, ctx) {
    const E = dTable.shape[1];
    const n = sizeOf(dy!.shape) / Math.max(E, 1);
    if (sizeOf(dTable.shape) === 0) return { scratchBytes: [], dispatches: [] };
    if (sizeOf(dTable.shape) * 4 > ctx.limits.maxStorageBufferBindingSize) {
      throw new WgnnError(WHERE, `dTable [${V}, ${E}] needs ${sizeOf(dTable.shape) * 4} bytes, over the device's storage binding limit of ${ctx.limits.maxStorageBufferBindingSize}`);
    }
    const groups = (invocations: number) => spreadWorkgroups(WHERE, Math.ceil(invocations / WG_SIZE), ctx.limits);
    const length = V + 1;
    const chunk = Math.ceil(Math.sqrt(length));
    const chunks = Math.ceil(length / chunk);
    const columnGroups = Math.ceil(E / 4);
    const count = (stage: number, invocations: number): Dispatch => ({
      shader: COUNT_SHADER,
      overrides: { STAGE: stage, WG_SIZE },
      params: { n, V },
      bindings: [{ input: 1 }, { scratch: ROWS }, { scratch: SLOTS }, { scratch: OFFSETS }],
      workgroups: groups(invocations),
    });
    const scan = (stage: number): Dispatch => ({
      shader: SCAN_SHADER,
      overrides: { STAGE: stage, WG_SIZE },
      params: { length, chunk, chunks },
      bindings: [{ scratch: OFFSETS }, { scratch: SUMS }],
      workgroups: groups(chunks),
    });
    // The sort: list by arrival into LISTS[0], sort runs of RUN, merge runs until one covers n.
    const sort: Dispatch[] = [];
    const sortStep = (stage: number, width: number): Dispatch => {
      const [from, to] = sort.length % 2 === 0 ? [LISTS[1], LISTS[0]] : [LISTS[0], LISTS[1]];
      return {
        shader: SORT_SHADER,
        overrides: { STAGE: stage, RUN, WG_SIZE },
        params: { n, V, width },
        bindings: [{ scratch: ROWS }, { scratch: SLOTS }, { scratch: OFFSETS }, { scratch: from }, { scratch: to }],
        workgroups: groups(n),
      };
    };
    sort.push(sortStep(0, 0));
    if (n > 1) sort.push(sortStep(1, 0));
    for (let width = RUN; width < n; width *= 2) sort.push(sortStep(2, width));
    const sorted = sort.length % 2 === 1 ? LISTS[0] : LISTS[1];
    const dispatches: Dispatch[] = [
      count(0, length),
      count(1, n),
      scan(0),
      scan(1),
      ...sort,
      {
        shader: SUM_SHADER,
        overrides: { WG_SIZE },
        params: { count: V * columnGroups, E, groups: columnGroups },
        bindings: [{ input: 0 }, { scratch: OFFSETS }, { scratch: sorted }, { output: 0 }],
        workgroups: groups(V * columnGroups),
      },
    ];
    const u32s = (k: number) => Math.max(k, 1) * 4;
    return { scratchBytes: [u32s(n), u32s(n), u32s(length), u32s(chunks), u32s(n), u32s(n)], dispatches };
  },

  reference([dy, ids], { rows }) {
    return [embeddingBackwardReference(dy!, ids!.data as unknown as Int32Array, rows)];
  },
};
