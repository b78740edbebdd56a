// transpose: permutes axes (out.shape[d] = x.shape[perm[d]]), up to rank 8 (shaders/transpose.wgsl).
// The ONNX importer also uses it at graph boundaries to move between NCHW and wgnn's NHWC.
import transposeWgsl from '../../../shaders/transpose.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';

const SHADER = { name: 'transpose.wgsl', code: transposeWgsl };
const MAX_RANK = 8;

export interface TransposeAttrs {
  perm: number[];
}

function checkPerm(where: string, rank: number, perm: number[]): void {
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) throw new WgnnError(where, `perm [${perm.join(', ')}] is not a permutation of the ${rank} axes`);
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

export const transposeOp: OpDefinition<TransposeAttrs> = {
  name: 'transpose',

  infer(where, [x], { perm }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.shape.length > MAX_RANK) throw new WgnnError(where, `rank of ${formatShape(x.shape)} exceeds ${MAX_RANK}`);
    checkPerm(where, x.shape.length, perm);
    return [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }];
  },

  plan([x], [out], { perm }, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    const inStrides = rowMajorStrides(x!.shape);
    const pad = MAX_RANK - perm.length;
    const shape = [...new Array(pad).fill(1), ...out.shape];
    const strides = [...new Array(pad).fill(0), ...perm.map((p) => inStrides[p])];
    return {
      scratchBytes: [],
      dispatches: [{
        shader: SHADER,
        overrides: { WG_SIZE: 256 },
        params: { count, shapeLo: shape.slice(0, 4), shapeHi: shape.slice(4), stridesLo: strides.slice(0, 4), stridesHi: strides.slice(4) },
        bindings: [{ input: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups('transpose', Math.ceil(count / 256), ctx.limits),
      }],
    };
  },

  /** The reference walks the input and scatters each element to its permuted place. */
  reference([x], { perm }) {
    const shape = perm.map((p) => x!.shape[p]);
    const outStrides = rowMajorStrides(shape);
    const data = new Float32Array(x!.data.length);
    const index = new Array<number>(x!.shape.length).fill(0);
    for (let flat = 0; flat < x!.data.length; flat++) {
      let target = 0;
      perm.forEach((p, d) => (target += index[p] * outStrides[d]));
      data[target] = x!.data[flat];
      for (let d = index.length - 1; d >= 0; d--) {
        if (++index[d] < x!.shape[d]) break;
        index[d] = 0;
      }
    }
    return [{ shape, data }];
  },
};
