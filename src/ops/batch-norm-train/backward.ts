// batchNormBackward: the gradient of batchNormTrain (./op.ts) through its batch statistics.
// Inputs dY, x (channels last, [..., C]), gamma, mean and variance (the forward's outputs);
// outputs dX (x's shape), dGamma [C], dBeta [C].
//
// Derivation, per channel (sums over the M rows): y_i = gamma xhat_i + beta, xhat_i = (x_i - mu) s,
// s = (var + eps)^(-1/2), mu = sum_j x_j / M, var = sum_j (x_j - mu)^2 / M. Then
//   dBeta = sum_i dy_i,  dGamma = sum_i dy_i xhat_i,  and dxhat_i = gamma dy_i.
// x_k moves mu (d mu/d x_k = 1/M) and var: d var/d x_k = 2 (x_k - mu) / M (the mu term drops, as
// sum_j (x_j - mu) = 0), so d s/d x_k = -s^3 (x_k - mu) / M and
//   d xhat_i/d x_k = s (delta_ik - 1/M) - s xhat_i xhat_k / M.
// Summing dxhat_i times that over i:
//   dx_k = s (dxhat_k - sum_i dxhat_i / M - xhat_k sum_i dxhat_i xhat_i / M)
//        = gamma s / M (M dy_k - dBeta - xhat_k dGamma).
// Two dispatches: the per-channel gather of dBeta and dGamma (shaders/batch_norm_backward_sums.wgsl),
// then dX elementwise (shaders/batch_norm_backward_dx.wgsl).
import dxWgsl from '../../../shaders/batch_norm_backward_dx.wgsl?raw';
import sumsWgsl from '../../../shaders/batch_norm_backward_sums.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { checkEpsilon } from '../normalize/dispatch.ts';
import { spreadWorkgroups, type OpDefinition, type OpPlan } from '../op.ts';
import { checkChannelsLast, ELEMENTWISE_WG_SIZE, gatherShape, GATHER_WG_SIZE, type BatchNormTrainAttrs } from './op.ts';
import { batchNormBackwardReference } from './reference.ts';

const SUMS = { name: 'batch_norm_backward_sums.wgsl', code: sumsWgsl };
const DX = { name: 'batch_norm_backward_dx.wgsl', code: dxWgsl };

export const batchNormBackwardOp: OpDefinition<BatchNormTrainAttrs> = {
  name: 'batchNormBackward',

  infer(where, [dY, x, gamma, mean, variance], { epsilon }) {
    const C = checkChannelsLast(where, x, [['gamma', gamma], ['mean', mean], ['variance', variance]]);
    if (!dY) throw new WgnnError(where, 'needs dY');
    if (dY.dtype !== 'float32' || dY.shape.join() !== x!.shape.join()) {
      throw new WgnnError(where, `dY ${formatShape(dY.shape)} (${dY.dtype}) must be float32 of x's shape ${formatShape(x!.shape)}`);
    }
    checkEpsilon(where, epsilon);
    return [{ shape: [...x!.shape], dtype: 'float32' }, { shape: [C], dtype: 'float32' }, { shape: [C], dtype: 'float32' }];
  },

  plan([, x], _outputs, { epsilon }, ctx): OpPlan {
    const count = sizeOf(x!.shape);
    const channels = x!.shape[x!.shape.length - 1];
    const rows = count / channels;
    const gather = gatherShape('batchNormBackward', ctx, channels, rows);
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SUMS,
          overrides: { WG_SIZE: GATHER_WG_SIZE, LANES: gather.lanes },
          params: { channels, rows, epsilon },
          bindings: [{ input: 0 }, { input: 1 }, { input: 3 }, { input: 4 }, { output: 1 }, { output: 2 }],
          workgroups: gather.workgroups,
        },
        {
          shader: DX,
          overrides: { WG_SIZE: ELEMENTWISE_WG_SIZE },
          params: { count, channels, rows, epsilon },
          bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { input: 3 }, { input: 4 }, { output: 1 }, { output: 2 }, { output: 0 }],
          workgroups: spreadWorkgroups('batchNormBackward', Math.ceil(count / ELEMENTWISE_WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([dY, x, gamma, mean, variance], { epsilon }) {
    const { dX, dGamma, dBeta } = batchNormBackwardReference(dY!, x!, gamma!, mean!, variance!, epsilon);
    return [dX, dGamma, dBeta];
  },
};
