// The one dispatch of Slice, Expand and Tile (shaders/strided_copy.wgsl): every output element
// copies input element (begin + coord * step) mod inDim, axis by axis, up to rank 8.
import stridedCopyWgsl from '../../../shaders/strided_copy.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpPlan, type PlanContext } from '../op.ts';

const SHADER = { name: 'strided_copy.wgsl', code: stridedCopyWgsl };
export const MAX_RANK = 8;
const WG_SIZE = 256;

export function checkRank(where: string, shape: readonly number[]): void {
  if (shape.length > MAX_RANK) throw new WgnnError(where, `rank of ${formatShape(shape)} exceeds ${MAX_RANK}`);
}

const pad = (values: readonly number[], fill: number) => [...new Array(MAX_RANK - values.length).fill(fill), ...values];

/** `inShape`, `begin` and `step` per output axis (the input's rank already aligned to the output's). */
export function stridedCopyPlan(where: string, inShape: readonly number[], outShape: readonly number[], begin: readonly number[], step: readonly number[], ctx: PlanContext): OpPlan {
  const count = sizeOf(outShape);
  if (count === 0) return { scratchBytes: [], dispatches: [] };
  const [outs, ins, begins, steps] = [pad(outShape, 1), pad(inShape, 1), pad(begin, 0), pad(step, 1)];
  return {
    scratchBytes: [],
    dispatches: [
      {
        shader: SHADER,
        overrides: { WG_SIZE },
        params: {
          count,
          outLo: outs.slice(0, 4), outHi: outs.slice(4),
          inLo: ins.slice(0, 4), inHi: ins.slice(4),
          beginLo: begins.slice(0, 4), beginHi: begins.slice(4),
          stepLo: steps.slice(0, 4), stepHi: steps.slice(4),
        },
        bindings: [{ input: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups(where, Math.ceil(count / WG_SIZE), ctx.limits),
      },
    ],
  };
}
