// reduce (shaders/reduce.wgsl) and argReduce (shaders/arg_reduce.wgsl) on the GPU vs their CPU
// references: ranks 1 to 8, reducing the first, a middle, the last, several, all and no axes,
// size-1 and non-neighbouring axes (every run of the kernel's walk used), the NHWC spatial mean
// of a GlobalAveragePool, reductions thousands long, empty reductions, NaN, and arg max / arg
// min over small integers, so that ties are everywhere, with selectLast both ways.
import type { Engine } from '../../../src/index.ts';
import type { ReduceVariant } from '../../../src/ops/reduce/op.ts';
import { argReduceReference, REDUCE_KINDS, reduceReference, type ReduceKind } from '../../../src/ops/reduce/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

/** Inputs each kind is defined on without overflow or underflow: prod near 1, logSum positive. */
function inputFor(kind: ReduceKind, rng: Random, n: number): Float32Array {
  if (kind === 'prod') return rng.floats(n, 0.7, 1.3);
  if (kind === 'logSum') return rng.floats(n, 0.05, 1);
  return rng.floats(n, -2, 2);
}

/** Like expectClose, where the reference's NaN must be NaN and its infinities equal. */
function expectMatches(name: string, actual: ArrayLike<number>, expected: Float32Array, k: number, info: { seed: number; shape: number[] }): void {
  const special = expected.findIndex((e, i) => (Number.isNaN(e) ? !Number.isNaN(actual[i]) : !Number.isFinite(e) && actual[i] !== e));
  if (special >= 0) throw new Error(`${name} (seed ${info.seed}): index ${special} is ${actual[special]}, expected ${expected[special]}`);
  const finite = (a: ArrayLike<number>) => Float32Array.from(a, (v, i) => (Number.isFinite(expected[i]) ? v : 0));
  expectClose(name, finite(actual), finite(expected), reduction(k), info);
}

async function runReduce(engine: Engine, name: string, kind: ReduceKind, shape: number[], axes: number[], keepDims: boolean, edit?: (x: Float32Array) => void) {
  const rng = new Random(seedOf(name));
  const data = inputFor(kind, rng, product(shape));
  edit?.(data);
  const out = engine.runOp('reduce', [engine.tensor(shape, data)], { kind, axes, keepDims })[0];
  const expected = reduceReference({ shape, data }, kind, axes, keepDims);
  if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${expected.shape}]`);
  expectMatches(name, await out.data(), expected.data, product(axes.map((a) => shape[a])), { seed: rng.seed, shape: expected.shape });
}

function reduceCase(kind: ReduceKind, shape: number[], axes: number[], keepDims = false, note = '', variant?: ReduceVariant): GpuCase {
  const name = `reduce ${kind} [${shape}] over [${axes}]${keepDims ? ' keepDims' : ''}${note}${variant ? ` ${variant}` : ''}`;
  return { name, run: async (ctx) => runReduce(await ctx.engine(variant && { reduce: variant }), name, kind, shape, axes, keepDims) };
}

/** Every kind on one shape and axis set, in one case (one engine, ten pipelines). */
function everyKind(shape: number[], axes: number[], keepDims = false, variant?: ReduceVariant): GpuCase {
  const name = `reduce every kind [${shape}] over [${axes}]${keepDims ? ' keepDims' : ''}${variant ? ` ${variant}` : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(variant && { reduce: variant });
      for (const kind of REDUCE_KINDS) await runReduce(engine, `${name}: ${kind}`, kind, shape, axes, keepDims);
    },
  };
}

function argCase(kind: 'max' | 'min', shape: number[], axis: number, keepDims: boolean, selectLast: boolean, nan = false): GpuCase {
  const name = `arg${kind} [${shape}] axis ${axis}${keepDims ? ' keepDims' : ''}${selectLast ? ' selectLast' : ''}${nan ? ' with NaN' : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      // Values from {-2..2}: most lines hold ties for the best value.
      const data = Float32Array.from({ length: product(shape) }, () => rng.int(-2, 2));
      if (nan) for (let i = 0; i < data.length; i += 3) if (rng.next() < 0.5) data[i] = NaN;
      const out = engine.runOp('argReduce', [engine.tensor(shape, data)], { kind, axis, keepDims, selectLast })[0];
      const expected = argReduceReference({ shape, data }, kind, axis < 0 ? axis + shape.length : axis, keepDims, selectLast);
      if (out.dtype !== 'int32' || out.shape.join() !== expected.shape.join()) throw new Error(`${name}: ${out.dtype} [${out.shape}], expected int32 [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: expected.shape });
    },
  };
}

export const reduceCases: GpuCase[] = [
  everyKind([37], [0]),
  everyKind([5, 6, 7], [1], true),
  everyKind([3, 1, 4, 5], [0, 2]),
  everyKind([2, 3], []),
  reduceCase('sum', [7, 13], [1]),
  reduceCase('max', [7, 13], [0], true),
  reduceCase('min', [6, 5, 7], [2]),
  reduceCase('l2', [3, 5, 2, 7], [1, 2]),
  reduceCase('prod', [2, 3, 5, 3, 7], [0, 2, 4]),
  reduceCase('sumSquare', [2, 3, 5, 3, 7], [1, 3], true),
  reduceCase('logSumExp', [3, 2, 5, 1, 3], [0, 1, 2, 3, 4]),
  reduceCase('mean', [2, 3, 2, 3, 2, 3, 2, 3], [0, 2, 4, 6], false, ' (four kept and four reduced runs)'),
  reduceCase('sum', [2, 3, 2, 3, 2, 3, 2, 3], [1, 3, 5, 7], true),
  // GlobalAveragePool on NHWC data: neighbouring invocations read neighbouring channels.
  reduceCase('mean', [2, 7, 5, 19], [1, 2], true, ' (NHWC spatial mean)'),
  reduceCase('mean', [1, 9, 9, 67], [1, 2], false, ' (NHWC spatial mean)'),
  // Long reductions: tolerance grows with sqrt(k).
  reduceCase('sum', [3, 4099], [1]),
  reduceCase('mean', [4099, 2], [0]),
  reduceCase('l2', [53, 83], [0, 1]),
  reduceCase('logSumExp', [2, 2053], [1]),
  reduceCase('logSum', [61, 67], [0, 1]),
  // Few outputs of long reductions run in two passes (chunks of the outermost reduced run, then
  // the chunks): a bias gradient's pixels, a middle axis, a whole tensor, NaN through both passes.
  reduceCase('sum', [4096, 3], [0], false, ' (two passes)'),
  reduceCase('mean', [2, 30, 30, 16], [0, 1, 2], false, ' (two passes)'),
  reduceCase('max', [6, 1024, 5], [1], true, ' (two passes)'),
  reduceCase('min', [2048], [0], false, ' (two passes)'),
  reduceCase('sum', [4096, 8], [0], false, ' (two passes)', 'scalar'),
  {
    name: 'reduce max / min in two passes propagate NaN',
    async run(ctx) {
      const engine = await ctx.engine();
      for (const kind of ['max', 'min'] as const) {
        await runReduce(engine, `two-pass NaN ${kind}`, kind, [2048, 2], [0], false, (x) => { x[1500] = NaN; });
        await runReduce(engine, `two-pass NaN ${kind} in vec4s`, kind, [2048, 4], [0], false, (x) => { x[1501] = NaN; });
      }
    },
  },
  // vec4 (the innermost axis kept, whole vec4s: an invocation per 4 outputs), every kind, forced both ways.
  everyKind([3, 5, 8], [1], false, 'vec4'),
  everyKind([3, 5, 8], [1], false, 'scalar'),
  everyKind([2, 3, 4, 12], [0, 2], true, 'vec4'),
  reduceCase('mean', [2, 7, 5, 20], [1, 2], true, ' (NHWC spatial mean)', 'vec4'),
  {
    name: 'reduce over an empty axis in vec4s gives each kind its empty result',
    async run(ctx) {
      const engine = await ctx.engine({ reduce: 'vec4' });
      for (const kind of REDUCE_KINDS) await runReduce(engine, `empty ${kind}`, kind, [3, 0, 4], [1], true);
    },
  },
  {
    name: 'reduce over an empty axis gives each kind its empty result',
    async run(ctx) {
      const engine = await ctx.engine();
      for (const kind of REDUCE_KINDS) await runReduce(engine, `empty ${kind}`, kind, [3, 0, 2], [1], true);
    },
  },
  {
    name: 'reduce max / min / logSumExp propagate NaN; logSumExp is stable at 1000',
    async run(ctx) {
      const engine = await ctx.engine();
      const nanAt = (x: Float32Array) => { x[5] = NaN; x[17] = NaN; };
      for (const kind of ['max', 'min', 'logSumExp'] as const) await runReduce(engine, `NaN ${kind}`, kind, [4, 9], [1], false, nanAt);
      await runReduce(engine, 'logSumExp large', 'logSumExp', [3, 11], [1], false, (x) => x.forEach((v, i) => (x[i] = v + 1000)));
    },
  },
  argCase('max', [29], 0, false, false),
  argCase('max', [29], 0, true, true),
  argCase('min', [7, 13], 1, false, false),
  argCase('min', [7, 13], 1, true, true),
  argCase('max', [9, 5, 6], 0, true, false),
  argCase('max', [5, 9, 6], -2, false, true),
  argCase('min', [2, 3, 5, 7, 3], 3, false, true),
  argCase('max', [11, 17], 1, false, false, true),
  argCase('min', [11, 17], 1, false, true, true),
];
