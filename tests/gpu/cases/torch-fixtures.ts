// The real PyTorch exports (tests/fixtures/torch) on WebGPU: each within 2e-3 x max |torch| of
// PyTorch's outputs for every data set (tests/harness/torch-fixtures.ts). In Node each case
// prints its errors; tests/unit/torch-fixtures.test.ts runs them on the CPU reference.
import { FIXTURES, formatErrors, runFixture } from '../../harness/torch-fixtures.ts';
import type { GpuCase } from './case.ts';

export const torchFixtureCases: GpuCase[] = FIXTURES.map((f) => ({
  name: `torch ${f.name}`,
  async run(ctx) {
    const errors = await runFixture(f.name, await ctx.engine(), ctx.readFile);
    if (typeof window === 'undefined') console.log(formatErrors('webgpu', f.name, errors));
  },
}));
