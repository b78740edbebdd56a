// Gradient cases of batch normalization in training (src/ops/batch-norm-train/grad.ts): the
// batch statistics move with x, so dX is not gamma * invStd * dY. x carries a common offset (the
// variance must come from the noise, not from the offset's rounding); gamma keeps away from 0.
// Also losses that read the mean and variance outputs, alone and with y (the rule's path through
// the statistics). Dropout's rule needs the external 'step' buffer, which grad-check's runner does
// not give: it is checked in tests/unit/dropout-train-reference.test.ts.
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import type { GradCase } from './grad-check.ts';
import type { Random } from './random.ts';

const EPSILON = 1e-3;
const batchNorm = (g: Graph, x: ValueId, gamma: ValueId, beta: ValueId) => g.node('batchNormTrain', 'bn', [x, gamma, beta], { epsilon: EPSILON }, 3);

/** x: noise in [-1, 1) plus `offset`; gamma: magnitudes in [0.5, 1.5) of either sign; beta: [-1, 1). */
function normData(offset: number) {
  return (rng: Random, i: number, size: number) => {
    if (i === 0) return rng.floats(size).map((v) => v + offset);
    if (i === 1) return rng.floats(size, 0.5, 1.5).map((v) => (rng.next() < 0.5 ? -v : v));
    return rng.floats(size);
  };
}

/** gamma and beta as constants, for losses that only x reaches. */
const fixedAffine = (g: Graph, C: number) =>
  [g.constant('gamma', [C], Float32Array.from({ length: C }, (_, c) => 1 + 0.25 * c)), g.constant('beta', [C], Float32Array.from({ length: C }, (_, c) => 0.1 * c))] as const;

export const NORM_GRAD_CASES: GradCase[] = [
  { name: 'batchNormTrain [4,3] offset 10', inputs: [[4, 3], [3], [3]], build: (g, [x, gamma, beta]) => batchNorm(g, x, gamma, beta)[0], data: normData(10) },
  { name: 'batchNormTrain [2,3,5,4] offset 100', inputs: [[2, 3, 5, 4], [4], [4]], build: (g, [x, gamma, beta]) => batchNorm(g, x, gamma, beta)[0], data: normData(100) },
  {
    name: 'batchNormTrain [5,3]: y + mean + variance',
    inputs: [[5, 3], [3], [3]],
    build: (g, [x, gamma, beta]) => {
      const [y, mean, variance] = batchNorm(g, x, gamma, beta);
      const stats = g.node('binary', 'stats', [mean, variance], { op: 'add' })[0];
      return g.node('binary', 'out', [y, stats], { op: 'add' })[0];
    },
    data: normData(2),
  },
  { name: 'batchNormTrain [3,2,4]: the mean alone', inputs: [[3, 2, 4]], build: (g, [x]) => batchNorm(g, x, ...fixedAffine(g, 4))[1], data: normData(3) },
  { name: 'batchNormTrain [6,2]: the variance alone', inputs: [[6, 2]], build: (g, [x]) => batchNorm(g, x, ...fixedAffine(g, 2))[2], data: normData(-4) },
];
