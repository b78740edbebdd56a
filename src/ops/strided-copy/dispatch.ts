// The one dispatch of Slice, Expand and Tile (shaders/strided_copy.wgsl): every output element
// copies input element (begin + coord * step) mod inDim, axis by axis, up to rank 8, after
// merging the axes that read as one. Where the innermost axis then reads whole vec4s (step 1, its
// begin and both its sizes multiples of 4), the same kernel copies vec4s over that axis divided
// by 4 ('vec4', the default there): a quarter of the invocations, each with one load. A slice of
// one row of a recurrent layer's saved values (the training backward's h(t-1)) is such a copy.
// An invocation copies a run of up to 8 consecutive elements of the innermost axis where that
// axis does not wrap.
import stridedCopyWgsl from '../../../shaders/strided_copy.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpPlan, type PlanContext } from '../op.ts';

const SHADER = { name: 'strided_copy.wgsl', code: stridedCopyWgsl };
// The kernel only moves elements, so its vec4 form is the same code over vec4 arrays.
const SHADER_VEC4 = { name: 'strided_copy.wgsl (vec4)', code: stridedCopyWgsl.replaceAll('array<u32>', 'array<vec4<u32>>') };

export const STRIDED_COPY_VARIANTS = ['vec4', 'scalar'] as const;
export type StridedCopyVariant = (typeof STRIDED_COPY_VARIANTS)[number];
export const MAX_RANK = 8;
const WG_SIZE = 256;
/** Innermost elements one invocation copies (bench/NOTES.md). */
const COPY_RUN = 8;

export function checkRank(where: string, shape: readonly number[]): void {
  if (shape.length > MAX_RANK) throw new WgnnError(where, `rank of ${formatShape(shape)} exceeds ${MAX_RANK}`);
}

const pad = (values: readonly number[], fill: number) => [...new Array(MAX_RANK - values.length).fill(fill), ...values];

/** One axis of a strided copy: output coordinate c reads input coordinate (begin + c * step) mod input. */
export interface CopyAxis {
  out: number;
  input: number;
  begin: number;
  step: number;
}

/** Whether the axis reads outside [0, input) before the mod (Expand's broadcast axes, Tile): then it cannot merge. */
const wraps = (a: CopyAxis) => a.begin < 0 || a.begin >= a.input || a.begin + (a.out - 1) * a.step < 0 || a.begin + (a.out - 1) * a.step >= a.input;

/**
 * The same copy over fewer axes: an outer axis merges with the inner one next to it where the two
 * read as one axis (the inner whole and in order, or either of them a single element), neither
 * wrapping. A column cut of a matrix stays two axes; a contiguous block becomes one.
 */
export function mergeAxes(axes: readonly CopyAxis[]): CopyAxis[] {
  const merged: CopyAxis[] = [];
  for (let k = axes.length - 1; k >= 0; k--) {
    const [outer, inner] = [axes[k], merged[0]];
    const join = (out: number, begin: number, step: number) => (merged[0] = { out, input: outer.input * inner.input, begin, step });
    const whole = inner && inner.out === inner.input && inner.begin === 0 && inner.step === 1;
    if (!inner || wraps(outer) || wraps(inner)) merged.unshift({ ...outer });
    else if (whole && outer.step === 1) join(outer.out * inner.out, outer.begin * inner.input, 1);
    else if (inner.out === 1) join(outer.out, outer.begin * inner.input + inner.begin, outer.step * inner.input);
    else if (outer.out === 1) join(inner.out, outer.begin * inner.input + inner.begin, inner.step);
    else merged.unshift({ ...outer });
  }
  return merged;
}

/** Whether the innermost (merged) axis reads whole vec4s. */
export function vec4Axes(axes: readonly CopyAxis[]): boolean {
  const inner = axes[axes.length - 1];
  return inner !== undefined && inner.step === 1 && inner.begin % 4 === 0 && inner.out % 4 === 0 && inner.input % 4 === 0;
}

/** 'vec4' where the axes allow it, unless 'scalar' is forced; a forced 'vec4' that does not fit is an error. */
export function selectStridedCopyVariant(where: string, axes: readonly CopyAxis[], ctx: PlanContext): StridedCopyVariant {
  const forced = ctx.forcedVariants.stridedCopy;
  if (forced !== undefined && !(STRIDED_COPY_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError(where, `unknown stridedCopy variant '${forced}'; variants: ${STRIDED_COPY_VARIANTS.join(', ')}`);
  }
  if (forced === 'vec4' && !vec4Axes(axes)) {
    throw new WgnnError(where, `variant vec4 needs an innermost axis that reads whole vec4s (step 1, begin and sizes multiples of 4); got ${JSON.stringify(axes[axes.length - 1])}`);
  }
  return (forced as StridedCopyVariant | undefined) ?? (vec4Axes(axes) ? 'vec4' : 'scalar');
}

/** `inShape`, `begin` and `step` per output axis (the input's rank already aligned to the output's). */
export function stridedCopyPlan(where: string, inShape: readonly number[], outShape: readonly number[], begin: readonly number[], step: readonly number[], ctx: PlanContext): OpPlan {
  let count = sizeOf(outShape);
  if (count === 0) return { scratchBytes: [], dispatches: [] };
  const axes = mergeAxes(outShape.map((out, d) => ({ out, input: inShape[d], begin: begin[d], step: step[d] })));
  const vec4 = selectStridedCopyVariant(where, axes, ctx) === 'vec4';
  if (vec4) {
    const inner = axes[axes.length - 1];
    axes[axes.length - 1] = { out: inner.out / 4, input: inner.input / 4, begin: inner.begin / 4, step: 1 };
    count /= 4;
  }
  const [outs, ins, begins, steps] = [pad(axes.map((a) => a.out), 1), pad(axes.map((a) => a.input), 1), pad(axes.map((a) => a.begin), 0), pad(axes.map((a) => a.step), 1)];
  // Runs of the innermost axis per invocation where it does not wrap (Tile and Expand's broadcast
  // axes do): one offset computation per run instead of per element.
  const inner = axes[axes.length - 1];
  const run = wraps(inner) ? 1 : Math.min(inner.out, COPY_RUN);
  const runsPerRow = Math.ceil(inner.out / run);
  count = (count / inner.out) * runsPerRow;
  return {
    scratchBytes: [],
    dispatches: [
      {
        shader: vec4 ? SHADER_VEC4 : SHADER,
        overrides: { WG_SIZE },
        params: {
          count,
          rank: axes.length,
          outLo: outs.slice(0, 4), outHi: outs.slice(4),
          inLo: ins.slice(0, 4), inHi: ins.slice(4),
          beginLo: begins.slice(0, 4), beginHi: begins.slice(4),
          stepLo: steps.slice(0, 4), stepHi: steps.slice(4),
          run, runsPerRow,
        },
        bindings: [{ input: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups(where, Math.ceil(count / WG_SIZE), ctx.limits),
      },
    ],
  };
}
