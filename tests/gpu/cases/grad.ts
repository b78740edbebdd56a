// The backward graphs of tests/harness/grad-cases.ts compiled and run on the GPU (fused and
// planned like any graph, outputs poisoned) against the same graphs on the CPU reference.
import { analyticGrads, buildGradCase } from '../../harness/grad-check.ts';
import { GRAD_CASES } from '../../harness/grad-cases.ts';
import { POOL_GRAD_CASES } from '../../harness/grad-cases-pool.ts';
import { CONV_GRAD_CASES } from '../../harness/grad-cases-conv.ts';
import { NORM_GRAD_CASES } from '../../harness/grad-cases-norm.ts';
import { RNN_GRAD_CASES } from '../../harness/grad-cases-rnn.ts';
import { EMBEDDING_GRAD_CASES } from '../../harness/grad-cases-embedding.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { seedOf } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';

export const gradCases: GpuCase[] = [...GRAD_CASES, ...POOL_GRAD_CASES, ...CONV_GRAD_CASES, ...NORM_GRAD_CASES, ...EMBEDDING_GRAD_CASES, ...RNN_GRAD_CASES].map((c) => ({
  name: `grad ${c.name}`,
  async run(ctx) {
    const engine = await ctx.engine();
    const seed = seedOf(c.name);
    const built = buildGradCase(c, seed);
    const expected = analyticGrads(built);
    const compiled = engine.compile(built.graph);
    try {
      const outputs = await compiled.run(built.data.map((data, i) => ({ data, shape: c.inputs[i] })));
      expected.forEach((want, k) => {
        const name = compiled.outputNames[k + 1];
        expectClose(`${c.name}: gradient of input ${k}`, outputs[name], want, reduction(64), { seed, shape: c.inputs[k] });
      });
    } finally {
      compiled.dispose();
    }
  },
}));
