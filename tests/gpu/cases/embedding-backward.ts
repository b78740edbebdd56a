// embeddingBackward (shaders/embedding_backward_{count,scan,order,sum}.wgsl) on the GPU vs its CPU
// reference: tables of 1 to 20000 rows, widths 1/3/16/67 (not multiples of 4, and a width below
// one column group), 1 to 5000 ids as a vector or [batch, T], drawn with heavy repetition (half
// of them one "padding" row, the rest from 8 rows) or all distinct, each written as a negative id
// half of the time. Each case also runs compiled twice: the second run finds the first's
// leftovers in the arena scratch, and both must equal the first result bit for bit. The GPU sums
// in the reference's order, so the results agree to rounding.
import { Graph } from '../../../src/graph/ir.ts';
import { embeddingBackwardOp } from '../../../src/ops/gather/backward.ts';
import { expectClose, F32 } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

type Ids = 'repeated' | 'distinct';

/** n ids for a table of V rows; each row written as r or r - V at random. */
function makeIds(rng: Random, V: number, n: number, kind: Ids): Int32Array {
  let rowsOf: number[];
  if (kind === 'distinct') {
    const all = Array.from({ length: V }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = rng.int(i, V - 1);
      [all[i], all[j]] = [all[j], all[i]];
    }
    rowsOf = all.slice(0, n);
  } else {
    const pool = Array.from({ length: Math.min(V, 8) }, () => rng.int(0, V - 1));
    const padding = rng.int(0, V - 1);
    rowsOf = Array.from({ length: n }, () => (rng.next() < 0.5 ? padding : pool[rng.int(0, pool.length - 1)]));
  }
  return Int32Array.from(rowsOf, (r) => (rng.next() < 0.5 ? r - V : r));
}

const bits = (a: ArrayLike<number> & ArrayBufferView) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function backwardCase(V: number, E: number, idsShape: number[], kind: Ids): GpuCase {
  const name = `embeddingBackward V${V} E${E} ids [${idsShape}] ${kind}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const n = product(idsShape);
      const ids = makeIds(rng, V, n, kind);
      const dyShape = [...idsShape, E];
      const dy = { shape: dyShape, data: rng.floats(n * E) };
      const expected = embeddingBackwardOp.reference([dy, { shape: idsShape, data: ids as unknown as Float32Array }], { rows: V })[0];
      const [out] = engine.runOp('embeddingBackward', [engine.tensor(dyShape, dy.data), engine.tensor(idsShape, ids)], { rows: V });
      const first = await out.data();
      // The same float32 additions in the same order: only rounding-mode differences could show.
      expectClose(name, first, expected.data, F32, { seed: rng.seed, shape: [V, E] });

      const g = new Graph();
      const dyIn = g.input('dy', dyShape);
      const idsIn = g.input('ids', idsShape, 'int32');
      g.setOutputs([g.node('embeddingBackward', 'dtable', [dyIn, idsIn], { rows: V })[0]]);
      const compiled = engine.compile(g);
      try {
        for (const run of [1, 2]) {
          const again = (await compiled.run([{ data: dy.data, shape: dyShape }, { data: ids, shape: idsShape }])).dtable;
          const a = bits(first);
          const b = bits(again);
          const at = a.findIndex((v, i) => v !== b[i]);
          if (a.length !== b.length || at >= 0) throw new Error(`${name} (seed ${rng.seed}): compiled run ${run} differs from the first result at ${at}: ${again[at]} vs ${first[at]}`);
        }
      } finally {
        compiled.dispose();
      }
    },
  };
}

const CONFIGS: [number, number, number[], Ids][] = [
  [1, 1, [1], 'repeated'],
  [1, 3, [7], 'repeated'],
  [1, 16, [300], 'repeated'],
  [5, 3, [7], 'repeated'],
  [5, 16, [5], 'distinct'],
  [5, 67, [2, 150], 'repeated'],
  [5, 1, [5000], 'repeated'],
  [1000, 16, [300], 'distinct'],
  [1000, 67, [300], 'repeated'],
  [1000, 1, [7], 'distinct'],
  [1000, 3, [50, 100], 'repeated'],
  [1000, 16, [1000], 'distinct'],
  [20000, 67, [7], 'repeated'],
  [20000, 1, [300], 'repeated'],
  [20000, 16, [5000], 'distinct'],
  [20000, 3, [5000], 'repeated'],
  [20000, 67, [100, 50], 'distinct'],
];

const ORDER = 'embeddingBackward sums each row in position order: 1e8 first and -1e8 midway absorb the terms between';
const OUT_OF_RANGE = 'embeddingBackward: ids outside [-V, V) send nothing, no ids give a zero table';

export const embeddingBackwardCases: GpuCase[] = [
  ...CONFIGS.map(([V, E, idsShape, kind]) => backwardCase(V, E, idsShape, kind)),
  {
    // In position order a row's sum is 1e8 + (its first half's small terms, each lost to rounding:
    // 1e8's float32 spacing is 8) - 1e8 + its second half's terms; another order keeps or loses
    // other terms, an error of whole units against the tolerance's 1e-5.
    name: ORDER,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(ORDER));
      const [V, E, n] = [3, 5, 300];
      const ids = Int32Array.from({ length: n }, () => rng.int(-3, 2));
      const dy = rng.floats(n * E, -3, 3);
      for (let r = 0; r < V; r++) {
        const at = [...ids.keys()].filter((i) => (ids[i] + V) % V === r);
        const middle = at[at.length >> 1];
        for (let c = 0; c < E; c++) [dy[at[0] * E + c], dy[middle * E + c]] = [1e8, -1e8];
      }
      const expected = embeddingBackwardOp.reference([{ shape: [n, E], data: dy }, { shape: [n], data: ids as unknown as Float32Array }], { rows: V })[0];
      const [out] = engine.runOp('embeddingBackward', [engine.tensor([n, E], dy), engine.tensor([n], ids)], { rows: V });
      expectClose(ORDER, await out.data(), expected.data, F32, { seed: rng.seed, shape: [V, E] });
    },
  },
  {
    name: OUT_OF_RANGE,
    async run(ctx) {
      const engine = await ctx.engine();
      const name = OUT_OF_RANGE;
      const rng = new Random(seedOf(name));
      const [V, E] = [6, 5];
      const ids = Int32Array.from([2, 6, -1, 2, -7, 1000, 5, -6]);
      const dy = rng.floats(ids.length * E);
      const [out] = engine.runOp('embeddingBackward', [engine.tensor([ids.length, E], dy), engine.tensor([ids.length], ids)], { rows: V });
      // The reference rejects bad ids: it gets the in-range positions alone (same order).
      const keep = [...ids.keys()].filter((i) => ids[i] >= -V && ids[i] < V);
      const kept = { shape: [keep.length, E], data: Float32Array.from(keep.flatMap((i) => [...dy.subarray(i * E, (i + 1) * E)])) };
      const expected = embeddingBackwardOp.reference([kept, { shape: [keep.length], data: Int32Array.from(keep, (i) => ids[i]) as unknown as Float32Array }], { rows: V })[0];
      expectClose(name, await out.data(), expected.data, F32, { seed: rng.seed, shape: [V, E] });
      const [empty] = engine.runOp('embeddingBackward', [engine.tensor([0, E], new Float32Array(0)), engine.tensor([0], new Int32Array(0))], { rows: V });
      expectClose(`${name}: no ids`, await empty.data(), new Float32Array(V * E), F32, { seed: rng.seed, shape: [V, E] });
    },
  },
];
