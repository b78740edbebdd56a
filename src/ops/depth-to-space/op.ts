// depthToSpace (PixelShuffle), NHWC, DCR or CRD channel order (shaders/depth_to_space.wgsl).
import depthToSpaceWgsl from '../../../shaders/depth_to_space.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { depthToSpaceReference, type DepthToSpaceMode } from './reference.ts';

const SHADER = { name: 'depth_to_space.wgsl', code: depthToSpaceWgsl };

export type { DepthToSpaceMode };

export interface DepthToSpaceAttrs {
  blockSize: number;
  mode: DepthToSpaceMode;
}

export const depthToSpaceOp: OpDefinition<DepthToSpaceAttrs> = {
  name: 'depthToSpace',

  infer(where, [x], { blockSize, mode }) {
    if (!x || x.shape.length !== 4) throw new WgnnError(where, `input ${x ? formatShape(x.shape) : 'missing'} must be [N, H, W, C]`);
    if (mode !== 'DCR' && mode !== 'CRD') throw new WgnnError(where, `mode '${String(mode)}' must be 'DCR' or 'CRD'`);
    const [N, H, W, C] = x.shape;
    if (!Number.isInteger(blockSize) || blockSize < 1 || C % (blockSize * blockSize) !== 0) {
      throw new WgnnError(where, `channels ${C} of ${formatShape(x.shape)} are not divisible by blockSize^2 = ${blockSize}^2`);
    }
    return [{ shape: [N, H * blockSize, W * blockSize, C / (blockSize * blockSize)], dtype: x.dtype }];
  },

  plan([x], [out], { blockSize, mode }, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [{
        shader: SHADER,
        overrides: { CRD: Number(mode === 'CRD'), WG_SIZE: 256 },
        params: { count, W: x!.shape[2], C: x!.shape[3], Cout: out.shape[3], OH: out.shape[1], OW: out.shape[2], blockSize },
        bindings: [{ input: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups('depthToSpace', Math.ceil(count / 256), ctx.limits),
      }],
    };
  },

  reference([x], { blockSize, mode }) {
    return [depthToSpaceReference(x!, blockSize, mode)];
  },
};
