// dropout: what a Dropout layer computes, before the compiler decides how: the identity at
// inference (lowered to a view, src/compile/lower.ts), a seeded random mask in training
// (rewritten to dropoutTrain, src/train/step-graph.ts). It never reaches a plan.
import { WgnnError } from '../../errors.ts';
import type { OpDefinition } from '../op.ts';

export interface DropoutAttrs {
  rate: number;
  seed: number;
}

export const dropoutOp: OpDefinition<DropoutAttrs> = {
  name: 'dropout',

  infer(where, [x], { rate }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (!(rate >= 0 && rate < 1)) throw new WgnnError(where, `rate ${rate} must be in [0, 1)`);
    return [{ shape: [...x.shape], dtype: x.dtype }];
  },

  plan() {
    throw new WgnnError('dropout', 'is lowered before planning (src/compile/lower.ts)');
  },

  reference([x]) {
    return [{ shape: [...x!.shape], data: x!.data }];
  },
};
