// clipNormScales: the scale that clips each parameter's gradient by norm (Keras's clipnorm), or
// all of them by their global norm (global_clipnorm); formulas in ./reference.ts. Inputs: the
// parameter bounds in the flat 'grads' buffer (int32 [S + 1]), then the gradients themselves,
// which only order this node after the backward pass (the kernels read the flat buffer). Output:
// scales [S], which optimizerStep applies as it reads each gradient, so clipping costs one extra
// read of the gradients and no extra write. Two dispatches: the sums of squares
// (shaders/clip_norm_sums.wgsl, a workgroup per parameter), then the scales
// (shaders/clip_norm_scales.wgsl). Deterministic: fixed summation order, no atomics.
import sumsWgsl from '../../../shaders/clip_norm_sums.wgsl?raw';
import scalesWgsl from '../../../shaders/clip_norm_scales.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { spreadWorkgroups, type Dispatch, type OpDefinition } from '../op.ts';
import { clipNormScalesReference, type ClipNormAttrs } from './reference.ts';

export type { ClipNormAttrs } from './reference.ts';

const SUMS_SHADER = { name: 'clip_norm_sums.wgsl', code: sumsWgsl };
const SCALES_SHADER = { name: 'clip_norm_scales.wgsl', code: scalesWgsl };
const SUMS_WG_SIZE = 256;
const SCALES_WG_SIZE = 64;
const GRADS = 'grads';

export const clipNormScalesOp: OpDefinition<ClipNormAttrs> = {
  name: 'clipNormScales',

  infer(where, [bounds, ...gradients], { clip, global }) {
    if (!bounds || bounds.dtype !== 'int32' || bounds.shape.length !== 1 || bounds.shape[0] < 2) {
      throw new WgnnError(where, `bounds must be int32 [parameters + 1] (at least one parameter), got ${bounds ? `${formatShape(bounds.shape)} ${bounds.dtype}` : 'nothing'}`);
    }
    if (!(typeof clip === 'number' && Number.isFinite(clip) && clip > 0)) throw new WgnnError(where, `clip norm ${clip} must be a finite number > 0`);
    if (typeof global !== 'boolean') throw new WgnnError(where, `global must be true or false, got ${String(global)}`);
    gradients.forEach((g, i) => {
      if (g && g.dtype !== 'float32') throw new WgnnError(where, `input ${i + 1} (a gradient, for ordering) must be float32, got ${g.dtype}`);
    });
    return [{ shape: [bounds.shape[0] - 1], dtype: 'float32' }];
  },

  plan([bounds], _outputs, { clip, global }, ctx) {
    const segments = bounds!.shape[0] - 1;
    const where = `clipNormScales (${segments} parameters)`;
    const dispatches: Dispatch[] = [
      {
        shader: SUMS_SHADER,
        overrides: { WG_SIZE: SUMS_WG_SIZE },
        params: { segments },
        bindings: [{ input: 0 }, { external: GRADS }, { scratch: 0 }],
        workgroups: spreadWorkgroups(where, segments, ctx.limits),
      },
      {
        shader: SCALES_SHADER,
        overrides: { GLOBAL: Number(global), WG_SIZE: SCALES_WG_SIZE },
        params: { segments, clip },
        bindings: [{ scratch: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups(where, Math.ceil(segments / SCALES_WG_SIZE), ctx.limits),
      },
    ];
    return { scratchBytes: [4 * segments], dispatches };
  },

  reference([bounds], attrs, externals) {
    const grads = externals?.get(GRADS);
    if (!grads) throw new WgnnError('clipNormScales', `needs the external buffer '${GRADS}', which was not given`);
    const scales = clipNormScalesReference(grads, bounds!.data as unknown as Int32Array, attrs);
    return [{ shape: [scales.length], data: scales }];
  },
};
