// The gradient pass (src/train/grad.ts) and the rules beside each op, against central finite
// differences of the CPU reference forward: every case of tests/harness/grad-cases.ts.
import { describe, expect, it } from 'vitest';
import { analyticGrads, buildGradCase, numericGrads } from '../harness/grad-check.ts';
import { GRAD_CASES } from '../harness/grad-cases.ts';
import { POOL_GRAD_CASES } from '../harness/grad-cases-pool.ts';
import { CONV_GRAD_CASES } from '../harness/grad-cases-conv.ts';
import { NORM_GRAD_CASES } from '../harness/grad-cases-norm.ts';
import { RNN_GRAD_CASES } from '../harness/grad-cases-rnn.ts';
import { EMBEDDING_GRAD_CASES } from '../harness/grad-cases-embedding.ts';
import { seedOf } from '../harness/random.ts';

describe('gradient rules against finite differences', () => {
  for (const c of [...GRAD_CASES, ...POOL_GRAD_CASES, ...CONV_GRAD_CASES, ...NORM_GRAD_CASES, ...EMBEDDING_GRAD_CASES, ...RNN_GRAD_CASES]) {
    it(c.name, () => {
      const built = buildGradCase(c, seedOf(c.name));
      const analytic = analyticGrads(built);
      const numeric = numericGrads(built);
      analytic.forEach((a, k) => {
        const n = numeric[k];
        const scale = Math.max(1, ...Array.from(n, Math.abs));
        const worst = a.reduce((w, v, i) => Math.max(w, Math.abs(v - n[i])), 0);
        // float32 forward, eps 1e-2: differences accurate to ~1e-3 of the gradient's scale.
        expect(worst, `input ${k}: max |analytic - numeric| (scale ${scale.toFixed(2)})`).toBeLessThanOrEqual(5e-3 * scale);
      });
    });
  }
});
