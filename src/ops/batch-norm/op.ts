// batchNorm (inference) as a per-channel affine map over the last axis with an optional fused
// activation (shaders/channel_affine.wgsl). Inputs: x, scale, shift, where scale and shift come
// from the batch-norm statistics folded once on the host (foldBatchNorm in fold.ts).
import affineWgsl from '../../../shaders/channel_affine.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import { applyActivation } from '../activation/reference.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';

const SHADER = { name: 'channel_affine.wgsl', code: affineWgsl };

export interface ChannelAffineAttrs {
  activation: ResolvedActivation;
}

export const channelAffineOp: OpDefinition<ChannelAffineAttrs> = {
  name: 'batchNorm',

  infer(where, [x, scale, shift]) {
    if (!x || !scale || !shift) throw new WgnnError(where, 'needs x, scale and shift');
    const C = x.shape[x.shape.length - 1];
    if (x.shape.length < 1 || scale.shape.join() !== `${C}` || shift.shape.join() !== `${C}`) {
      throw new WgnnError(where, `scale ${formatShape(scale.shape)} and shift ${formatShape(shift.shape)} must be [${C}] for input ${formatShape(x.shape)} (channels last)`);
    }
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },

  plan([x], [out], { activation }, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [{
        shader: SHADER,
        overrides: { ACTIVATION: activation.code, WG_SIZE: 256 },
        params: { count, C: x!.shape[x!.shape.length - 1], alpha: activation.alpha, beta: activation.beta },
        bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 0 }],
        workgroups: spreadWorkgroups('batchNorm', Math.ceil(count / 256), ctx.limits),
      }],
    };
  },

  // The statistics reference (batchNormReference) checks fold.ts in tests/unit; this twin only
  // applies the folded affine map.
  reference([x, scale, shift], { activation }) {
    const C = scale!.data.length;
    const data = x!.data.map((v, i) => applyActivation(v * scale!.data[i % C] + shift!.data[i % C], activation));
    return [{ shape: [...x!.shape], data }];
  },
};
