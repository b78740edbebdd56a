// batchNorm: what a BatchNormalization layer computes, before the compiler decides how. Inputs
// x (channels last), gamma, beta, movingMean, movingVariance ([C] each). At inference the
// compiler lowers it (src/compile/lower.ts) to a channelAffine over the moving statistics, folded
// once on the host when they are constants; training rewrites it to batchNormTrain (batch
// statistics) and updates the moving ones (src/train/step-graph.ts). It never reaches a plan.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';

export interface BatchNormAttrs {
  epsilon: number;
  /** Of the moving statistics' update in training (Keras's momentum, default 0.99). */
  momentum: number;
}

export const batchNormOp: OpDefinition<BatchNormAttrs> = {
  name: 'batchNorm',

  infer(where, [x, ...stats]) {
    if (!x || stats.length !== 4 || stats.some((s) => !s)) throw new WgnnError(where, 'needs x, gamma, beta, movingMean and movingVariance');
    const C = x.shape.at(-1);
    if (stats.some((s) => s!.shape.join() !== `${C}`)) throw new WgnnError(where, `gamma, beta and the moving statistics must be [${C}] for input ${formatShape(x.shape)} (channels last)`);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },

  plan() {
    throw new WgnnError('batchNorm', 'is lowered before planning (src/compile/lower.ts)');
  },

  /** Inference: the moving statistics normalize x. */
  reference([x, gamma, beta, mean, variance], { epsilon }) {
    const C = gamma!.data.length;
    const data = x!.data.map((v, i) => {
      const c = i % C;
      return (gamma!.data[c] * (v - mean!.data[c])) / Math.sqrt(variance!.data[c] + epsilon) + beta!.data[c];
    });
    return [{ shape: [...x!.shape], data }];
  },
};
