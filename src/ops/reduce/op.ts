// reduce: ReduceSum/Mean/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp over a set of axes
// (shaders/reduce.wgsl). `axes` are normalized; an empty list reduces nothing (each output is
// the kind applied to one value, as ONNX's noop_with_empty_axes defines it); a reduced axis of
// size 0 gives the kind's empty result (see reference.ts).
import reduceWgsl from '../../../shaders/reduce.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { REDUCE_KINDS, reducedShape, reduceReference, reduceValues, type ReduceKind } from './reference.ts';

const SHADER = { name: 'reduce.wgsl', code: reduceWgsl };
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
  const pad = (runs: Run[]) => [...Array.from({ length: RUNS - runs.length }, () => ({ size: 1, stride: 0 })), ...runs];
  return { kept: pad(kept), reduced: pad(reduced) };
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
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { KIND: REDUCE_KINDS.indexOf(kind), WG_SIZE },
          params: {
            outCount,
            reduceCount: sizeOf(axes.map((a) => shape[a])),
            empty: reduceValues(kind, []),
            keptDims: kept.map((r) => r.size),
            keptStrides: kept.map((r) => r.stride),
            redDims: reduced.map((r) => r.size),
            redStrides: reduced.map((r) => r.stride),
          },
          bindings: [{ input: 0 }, { output: 0 }],
          workgroups: spreadWorkgroups('reduce', Math.ceil(outCount / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], { kind, axes, keepDims }) {
    return [reduceReference(x!, kind, axes, keepDims)];
  },
};
