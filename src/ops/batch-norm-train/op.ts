// batchNormTrain: batch normalization in training (Keras 3 BatchNormalization.call with
// training=True, keras/src/layers/normalization/batch_normalization.py): the statistics of the
// batch itself, per channel over every axis but the last (channels last), variance biased (from
// ops.moments). Inputs x [..., C], gamma [C], beta [C]; outputs y (x's shape), mean [C] and
// variance [C] (for the backward and the moving averages, see ../moving-average/op.ts).
// Two dispatches: the per-channel gather of the statistics (shaders/batch_norm_stats.wgsl, its
// lanes per channel chosen like the other normalizations': the 'normalize' variant), then the
// elementwise pass (shaders/batch_norm_apply.wgsl).
import applyWgsl from '../../../shaders/batch_norm_apply.wgsl?raw';
import statsWgsl from '../../../shaders/batch_norm_stats.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { checkEpsilon, selectNormalizeVariant } from '../normalize/dispatch.ts';
import { spreadWorkgroups, type OpDefinition, type OpPlan, type PlanContext, type TensorSpec } from '../op.ts';
import { batchNormTrainReference } from './reference.ts';

const STATS = { name: 'batch_norm_stats.wgsl', code: statsWgsl };
const APPLY = { name: 'batch_norm_apply.wgsl', code: applyWgsl };
/** Workgroup size of the per-channel gathers (stats and the backward's sums). */
export const GATHER_WG_SIZE = 64;
/** Workgroup size of the elementwise passes. */
export const ELEMENTWISE_WG_SIZE = 256;

export interface BatchNormTrainAttrs {
  epsilon: number;
}

/** Checks x [..., C] (float32, not empty) and that each named per-channel input is float32 [C]; returns C. */
export function checkChannelsLast(where: string, x: TensorSpec | undefined, perChannel: [string, TensorSpec | undefined][]): number {
  if (!x) throw new WgnnError(where, 'needs x');
  if (x.dtype !== 'float32') throw new WgnnError(where, `x must be float32, got ${x.dtype}`);
  if (x.shape.length < 1 || sizeOf(x.shape) === 0) throw new WgnnError(where, `x ${formatShape(x.shape)} must be [..., C] with at least one element (batch statistics of nothing are undefined)`);
  const C = x.shape[x.shape.length - 1];
  for (const [name, t] of perChannel) {
    if (!t) throw new WgnnError(where, `needs ${name}`);
    if (t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
    if (t.shape.join() !== `${C}`) throw new WgnnError(where, `${name} ${formatShape(t.shape)} must be [${C}] for x ${formatShape(x.shape)} (channels last)`);
  }
  return C;
}

/** Lanes per channel of a gather over `rows` rows of `channels` channels, and its workgroups. */
export function gatherShape(where: string, ctx: PlanContext, channels: number, rows: number): { lanes: number; workgroups: [number, number, number] } {
  const lanes = selectNormalizeVariant(ctx, channels, rows) === 'workgroup' ? GATHER_WG_SIZE : 1;
  return { lanes, workgroups: spreadWorkgroups(where, Math.ceil(channels / (GATHER_WG_SIZE / lanes)), ctx.limits) };
}

export const batchNormTrainOp: OpDefinition<BatchNormTrainAttrs> = {
  name: 'batchNormTrain',

  infer(where, [x, gamma, beta], { epsilon }) {
    const C = checkChannelsLast(where, x, [['gamma', gamma], ['beta', beta]]);
    checkEpsilon(where, epsilon);
    return [{ shape: [...x!.shape], dtype: 'float32' }, { shape: [C], dtype: 'float32' }, { shape: [C], dtype: 'float32' }];
  },

  plan([x], _outputs, { epsilon }, ctx): OpPlan {
    const count = sizeOf(x!.shape);
    const channels = x!.shape[x!.shape.length - 1];
    const rows = count / channels;
    const gather = gatherShape('batchNormTrain', ctx, channels, rows);
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: STATS,
          overrides: { WG_SIZE: GATHER_WG_SIZE, LANES: gather.lanes },
          params: { channels, rows },
          bindings: [{ input: 0 }, { output: 1 }, { output: 2 }],
          workgroups: gather.workgroups,
        },
        {
          shader: APPLY,
          overrides: { WG_SIZE: ELEMENTWISE_WG_SIZE },
          params: { count, channels, epsilon },
          bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 1 }, { output: 2 }, { output: 0 }],
          workgroups: spreadWorkgroups('batchNormTrain', Math.ceil(count / ELEMENTWISE_WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x, gamma, beta], { epsilon }) {
    const { y, mean, variance } = batchNormTrainReference(x!, gamma!, beta!, epsilon);
    return [y, mean, variance];
  },
};
