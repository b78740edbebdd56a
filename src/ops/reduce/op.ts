// reduce: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp over a set of axes
// (shaders/reduce.wgsl). `axes` are normalized; an empty list reduces nothing (each output is
// the kind applied to one value, as ONNX's noop_with_empty_axes defines it); a reduced axis of
// size 0 gives the kind's empty result (see reference.ts).
import reduceWgsl from '../../../shaders/reduce.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { selectVec4Variant, spreadWorkgroups, vec4Shader, type Dispatch, type OpDefinition, type PlanContext, type Vec4Variant } from '../op.ts';
import { REDUCE_KINDS, reducedShape, reduceReference, reduceValues, type ReduceKind } from './reference.ts';

const SHADER = { name: 'reduce.wgsl', code: reduceWgsl };
const SHADER_VEC4 = vec4Shader(SHADER);
const WG_SIZE = 64;
/** Runs of kept and of reduced axes the kernel walks (vec4s); any rank up to 8 fits. */
const RUNS = 4;
const MAX_REDUCE_RANK = 2 * RUNS;

export interface ReduceAttrs {
  kind: ReduceKind;
  axes: number[];
  keepDims: boolean;
}

interface Run {
  size: number;
  stride: number;
}

/**
 * The input as alternating runs of kept and reduced axes: size-1 axes dropped, neighbours with
 * the same role merged (row-major neighbours are contiguous), each run padded to RUNS entries.
 */
export function reduceRuns(shape: readonly number[], axes: readonly number[]): { kept: Run[]; reduced: Run[] } {
  const kept: Run[] = [];
  const reduced: Run[] = [];
  let stride = 1;
  let previous: Run[] | undefined;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    if (size !== 1) {
      const runs = axes.includes(d) ? reduced : kept;
      if (runs === previous) runs[0].size *= size;
      else runs.unshift({ size, stride });
      previous = runs;
    }
    stride *= size;
  }
  return { kept: padRuns(kept), reduced: padRuns(reduced) };
}

export type ReduceVariant = Vec4Variant;

/** What 'vec4' runs: the innermost axis kept (stride 1) and its size whole vec4s, so every stride is too. */
const fitsVec4 = (kept: Run[]) => kept[RUNS - 1].stride === 1 && kept[RUNS - 1].size % 4 === 0;

/**
 * Pure choice: 'vec4' (an invocation per 4 neighbouring outputs, the same shader over vec4s)
 * where the runs allow it, else 'scalar' (forced: variants.reduce). A conv bias gradient
 * [64,30,30,16] -> 16 (two passes): 7.0 ms scalar, 3.6 vec4 (Node, p25).
 */
export function selectReduceVariant(kept: Run[], ctx: Pick<PlanContext, 'forcedVariants'>): ReduceVariant {
  return selectVec4Variant('reduce', ctx, fitsVec4(kept), 'the innermost axis kept and its size a multiple of 4');
}

/**
 * One pass of the reduce kernel: `count` outputs, each reducing `reduceCount` elements laid out
 * by `runs` (reduceRuns), bound as [input, output]; in vec4s where selectReduceVariant says so.
 */
export function reducePass(
  kind: ReduceKind, count: number, runs: { kept: Run[]; reduced: Run[] }, reduceCount: number,
  bindings: Dispatch['bindings'], ctx: Pick<PlanContext, 'limits' | 'forcedVariants'>,
): Dispatch {
  const lanes = selectReduceVariant(runs.kept, ctx) === 'vec4' ? 4 : 1;
  // In vec4s: the innermost kept run (stride 1) has a quarter of the elements; the other strides
  // are multiples of its size, so of 4.
  const kept = runs.kept.map((r, i) => (i === RUNS - 1 ? { size: r.size / lanes, stride: r.stride } : { size: r.size, stride: r.stride / lanes }));
  const reduced = runs.reduced.map((r) => ({ size: r.size, stride: r.stride / lanes }));
  return {
    shader: lanes === 4 ? SHADER_VEC4 : SHADER,
    overrides: { KIND: REDUCE_KINDS.indexOf(kind), WG_SIZE },
    params: {
      outCount: count / lanes,
      reduceCount,
      empty: reduceValues(kind, []),
      keptDims: kept.map((r) => r.size),
      keptStrides: kept.map((r) => r.stride),
      redDims: reduced.map((r) => r.size),
      redStrides: reduced.map((r) => r.stride),
    },
    bindings,
    workgroups: spreadWorkgroups('reduce', Math.ceil(count / lanes / WG_SIZE), ctx.limits),
  };
}

const padRuns = (runs: Run[]): Run[] => [...Array.from({ length: RUNS - runs.length }, () => ({ size: 1, stride: 0 })), ...runs];

/** Invocations a reduction is split to reach, and the least elements a chunk keeps. */
const SPLIT_INVOCATIONS = 1024;
const MIN_CHUNK = 64;

/**
 * Where few outputs each reduce many elements (a bias gradient: [N*H*W, C] summed over the pixels
 * gives C outputs, each a serial walk of N*H*W), the outermost reduced run is cut into equal
 * chunks reduced in parallel, then the chunks are reduced: sum, mean (of equal chunks), max and
 * min compose so. Chunks: the largest divisor of the run up to SPLIT_INVOCATIONS / outputs that
 * leaves each at least MIN_CHUNK elements; none where the kept runs leave no slot for the chunk
 * index. Measured in bench/NOTES.md.
 */
function splitOf(kind: ReduceKind, outCount: number, kept: Run[], reduced: Run[]): { chunks: number; at: number } | undefined {
  if (!['sum', 'mean', 'max', 'min'].includes(kind) || outCount >= SPLIT_INVOCATIONS || kept[0].size !== 1) return undefined;
  const at = reduced.findIndex((r) => r.size > 1);
  if (at < 0) return undefined;
  const size = reduced[at].size;
  for (let chunks = Math.min(Math.ceil(SPLIT_INVOCATIONS / outCount), Math.floor(size / MIN_CHUNK)); chunks >= 2; chunks--) {
    if (size % chunks === 0) return { chunks, at };
  }
  return undefined;
}

export const reduceOp: OpDefinition<ReduceAttrs> = {
  name: 'reduce',

  infer(where, [x], { kind, axes, keepDims }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.dtype !== 'float32') throw new WgnnError(where, `input must be float32, got ${x.dtype}`);
    if (!REDUCE_KINDS.includes(kind)) throw new WgnnError(where, `unknown reduction '${kind}'; expected one of ${REDUCE_KINDS.join(', ')}`);
    if (x.shape.length > MAX_REDUCE_RANK) throw new WgnnError(where, `input ${formatShape(x.shape)} has rank ${x.shape.length}; reductions take rank <= ${MAX_REDUCE_RANK}`);
    const rank = x.shape.length;
    if (axes.some((a) => !Number.isInteger(a) || a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new WgnnError(where, `axes [${axes.join(', ')}] must be distinct normalized axes of ${formatShape(x.shape)} (0..${rank - 1})`);
    }
    return [{ shape: reducedShape(x.shape, axes, keepDims), dtype: 'float32' }];
  },

  plan([x], [out], { kind, axes }, ctx) {
    const outCount = sizeOf(out.shape);
    if (outCount === 0) return { scratchBytes: [], dispatches: [] };
    const shape = x!.shape;
    const { kept, reduced } = reduceRuns(shape, axes);
    const reduceCount = sizeOf(axes.map((a) => shape[a]));
    const split = splitOf(kind, outCount, kept, reduced);
    if (!split) return { scratchBytes: [], dispatches: [reducePass(kind, outCount, { kept, reduced }, reduceCount, [{ input: 0 }, { output: 0 }], ctx)] };
    // Pass 1: each chunk of the outermost reduced run is reduced on its own, into partials
    // [chunks, outCount] (the chunk index is the slowest kept run); pass 2 reduces the chunks.
    const { chunks, at } = split;
    const run = reduced[at];
    const firstPass = {
      kept: [{ size: chunks, stride: (run.size / chunks) * run.stride }, ...kept.slice(1)],
      reduced: reduced.map((r, i) => (i === at ? { size: run.size / chunks, stride: r.stride } : r)),
    };
    const secondPass = reduceRuns([chunks, outCount], [0]);
    return {
      scratchBytes: [chunks * outCount * 4],
      dispatches: [
        reducePass(kind, chunks * outCount, firstPass, reduceCount / chunks, [{ input: 0 }, { scratch: 0 }], ctx),
        reducePass(kind, outCount, secondPass, chunks, [{ scratch: 0 }, { output: 0 }], ctx),
      ],
    };
  },

  reference([x], { kind, axes, keepDims }) {
    return [reduceReference(x!, kind, axes, keepDims)];
  },
};
