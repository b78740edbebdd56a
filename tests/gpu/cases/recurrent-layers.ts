// Recurrent layers in use: the dispatch count of each path, two stacked layers (layer 2 reads
// layer 1's output), and the embedding lookup that feeds token ids to them.
import type { Engine } from '../../../src/index.ts';
import { gatherRowsReference } from '../../../src/ops/gather/reference.ts';
import { RECURRENT_VARIANTS, type RecurrentVariant, residentTakes } from '../../../src/ops/recurrent/variant.ts';
import { expectClose, F32 } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';
import { compare, expected, layerTolerance, layOut, randomInputs, runLayer, type RnnCase } from './recurrent-helpers.ts';

function dispatchCountCase(variant: RecurrentVariant, cell: RnnCase['cell'], mergeMode: 'concat' | 'sum'): GpuCase {
  const T = 9;
  const name = `${cell} ${variant} T${T} bidirectional ${mergeMode}: ${variant === 'per-step' ? 'T + 1' : '2'} dispatches${mergeMode === 'sum' ? ' + 1 merge' : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ recurrent: variant });
      const c: RnnCase = { cell, variant, T, B: 3, I: 5, H: 6, direction: 'bidirectional', mergeMode };
      const o = randomInputs(new Random(seedOf(name)), c, 2);
      const x = engine.tensor(o.x.shape, o.x.data);
      const before = engine.dispatchCount;
      const got = runLayer(engine, c, o, 'bidirectional', x);
      const count = engine.dispatchCount - before;
      const want = (variant === 'per-step' ? T + 1 : 2) + (mergeMode === 'sum' ? 1 : 0);
      if (count !== want) throw new Error(`${name}: ${count} dispatches, expected ${want}`);
      await compare(`${name}: y`, got.y, layOut(expected(c, o, 'bidirectional').y, 'sequence-major', mergeMode), layerTolerance(c), 0);
    },
  };
}

/**
 * A batch entry whose initial h is infinite must not reach its neighbours: the kernels take h
 * four units at a time, and the last quad of H % 4 != 0 overlaps the next entry's state (R's
 * rows past H are 0, but 0 * Inf is NaN). Entries 0 and 2 are compared; entry 1 is not.
 */
function isolationCase(variant: RecurrentVariant, cell: RnnCase['cell']): GpuCase {
  const name = `${cell} ${variant}: an infinite state in one batch entry stays there`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ recurrent: variant });
      const rng = new Random(seedOf(name));
      const c: RnnCase = { cell, variant, T: 4, B: 3, I: 3, H: 5, initial: true };
      const o = randomInputs(rng, c, 1);
      o.initialH!.data.fill(Infinity, c.H, 2 * c.H); // [D, B, H]: entry 1
      const want = expected(c, o, 'forward');
      const got = runLayer(engine, c, o, 'forward', engine.tensor(o.x.shape, o.x.data));
      const others = (t: { data: ArrayLike<number> }) => Array.from(t.data).filter((_, i) => Math.floor(i / c.H) % c.B !== 1);
      const tol = layerTolerance(c);
      for (const [label, actual, ref] of [['y', got.y!, want.y], ['yH', got.yH, want.yH]] as const) {
        const a = others({ data: await actual.data() });
        expectClose(`${name}: ${label}, entries 0 and 2`, a, others(ref), tol, { seed: rng.seed, shape: [a.length] });
      }
    },
  };
}

/** Layer 1: bidirectional LSTM, outputs concatenated [T, B, 2H]; layer 2: GRU over them. */
function stackedCase(variant: RecurrentVariant): GpuCase {
  const name = `two stacked layers ${variant}: bidirectional LSTM -> GRU`;
  return {
    name,
    async run(ctx) {
      const engine: Engine = await ctx.engine({ recurrent: variant });
      const rng = new Random(seedOf(name));
      const first: RnnCase = { cell: 'lstm', variant, T: 8, B: 3, I: 5, H: 7, direction: 'bidirectional', ragged: true };
      const o1 = randomInputs(rng, first, 2);
      const y1 = layOut(expected(first, o1, 'bidirectional').y, 'sequence-major', 'concat');
      const second: RnnCase = { cell: 'gru', variant, T: 8, B: 3, I: 14, H: 9, linearBeforeReset: true };
      const o2 = { ...randomInputs(rng, second, 1), x: y1, sequenceLens: o1.sequenceLens };
      const want = expected(second, o2, 'forward');
      const layer1 = runLayer(engine, first, o1, 'bidirectional', engine.tensor(o1.x.shape, o1.x.data));
      const layer2 = runLayer(engine, second, o2, 'forward', layer1.y!);
      const tol = layerTolerance({ I: 14 + 12, H: 9 }); // layer 1's error feeds layer 2
      await compare(`${name}: layer 1 y`, layer1.y, y1, layerTolerance(first), rng.seed);
      await compare(`${name}: layer 2 y`, layer2.y, layOut(want.y, 'sequence-major', 'concat'), tol, rng.seed);
      await compare(`${name}: layer 2 yH`, layer2.yH, want.yH, tol, rng.seed);
    },
  };
}

function embeddingCase(V: number, E: number, idsShape: number[], hostIds: boolean): GpuCase {
  const name = `embedding V${V} E${E} ids [${idsShape}] from ${hostIds ? 'host data' : 'a GPU tensor'}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const table = { shape: [V, E], data: rng.floats(V * E) };
      const ids = Int32Array.from({ length: idsShape.reduce((p, d) => p * d, 1) }, () => rng.int(-V, V - 1));
      const want = gatherRowsReference(table, ids, idsShape);
      const t = engine.tensor(table.shape, table.data);
      const out = engine.embedding(t, hostIds ? { shape: idsShape, data: ids } : engine.tensor(idsShape, ids));
      if (out.shape.join() !== want.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${want.shape}]`);
      expectClose(name, await out.data(), want.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: want.shape });
    },
  };
}

const badGpuIds: GpuCase = {
  name: 'embedding: out-of-range ids in a GPU tensor give NaN rows, the others are exact',
  async run(ctx) {
    const engine = await ctx.engine();
    const table = engine.tensor([3, 2], [1, 2, 3, 4, 5, 6]);
    const out = await engine.embedding(table, engine.tensor([4], Int32Array.from([2, 3, -4, -1]))).data();
    const ok = out[0] === 5 && out[1] === 6 && out[6] === 5 && out[7] === 6 && [2, 3, 4, 5].every((i) => Number.isNaN(out[i]));
    if (!ok) throw new Error(`embedding with ids [2, 3, -4, -1]: got [${Array.from(out)}]`);
    expectClose('embedding exact rows', [out[0]], [5], F32, { seed: 0, shape: [1] });
  },
};

/** The cells a path takes for the small layers here (all under 64 units): the resident path is for LSTM and GRU. */
const cellsOf = (v: RecurrentVariant): RnnCase['cell'][] => (['lstm', 'gru', 'simpleRnn'] as const).filter((cell) => v !== 'resident' || residentTakes(cell, 8));
const MERGE: Record<RnnCase['cell'], 'concat' | 'sum'> = { lstm: 'concat', gru: 'sum', simpleRnn: 'concat' };

export const recurrentLayerCases: GpuCase[] = [
  ...RECURRENT_VARIANTS.flatMap((v) => cellsOf(v).map((cell) => dispatchCountCase(v, cell, MERGE[cell]))),
  ...RECURRENT_VARIANTS.map(stackedCase),
  ...RECURRENT_VARIANTS.flatMap((v) => cellsOf(v).map((cell) => isolationCase(v, cell))),
  embeddingCase(1, 1, [1], false),
  embeddingCase(10, 7, [3, 5], false),
  embeddingCase(50, 33, [2, 4], true),
  embeddingCase(1000, 64, [64], true),
  badGpuIds,
];
