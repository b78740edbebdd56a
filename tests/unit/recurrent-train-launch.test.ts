// How the recurrent training kernels are launched (src/ops/recurrent-train/launch.ts): the vec4
// kernels by default where the units are a multiple of 4 (LSTM and GRU), the scalar ones
// elsewhere, one dispatch or one per step, and clear errors for variants that cannot run.
import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../src/ops/op.ts';
import { selectTrainVariant, trainLaunch, vec4Fits } from '../../src/ops/recurrent-train/launch.ts';

const ctx = (recurrentTrain?: string) =>
  ({ forcedVariants: { recurrentTrain }, limits: { maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256 } }) as unknown as PlanContext;
const dims = (H: number) => ({ B: 32, T: 5, D: 1, H, G: 4, S: 6 });

describe('recurrentTrain launch', () => {
  it('chooses vec4 for LSTMs and GRUs whose units are a multiple of 4, sequence elsewhere', () => {
    expect([vec4Fits('lstm', 64), vec4Fits('gru', 8), vec4Fits('lstm', 6), vec4Fits('simpleRnn', 64)]).toEqual([true, true, false, false]);
    expect(selectTrainVariant(ctx(), 'lstm', 256)).toBe('vec4');
    expect(selectTrainVariant(ctx(), 'gru', 70)).toBe('sequence');
    expect(selectTrainVariant(ctx('per-step'), 'lstm', 64)).toBe('per-step');
  });

  it('gives a kernel without a vec4 form the scalar launch, and vec4 ones an invocation per quad of units', () => {
    const vec4 = trainLaunch('gru', dims(256), ctx(), true);
    expect([vec4.vec4, vec4.workgroupSize, vec4.ranges]).toEqual([true, 64, [[0, 5]]]);
    const scalar = trainLaunch('gru', dims(256), ctx(), false);
    expect([scalar.vec4, scalar.workgroupSize]).toEqual([false, 256]);
    expect(trainLaunch('lstm', dims(8), ctx('vec4-per-step'), true).ranges).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  });

  it('refuses a forced vec4 variant on units that are not a multiple of 4, and unknown variants', () => {
    expect(() => selectTrainVariant(ctx('vec4'), 'lstm', 6)).toThrow(/variant vec4 needs an LSTM or GRU whose units are a multiple of 4; got lstm with 6 units/);
    expect(() => selectTrainVariant(ctx('vec4-per-step'), 'simpleRnn', 8)).toThrow(/got simpleRnn with 8 units/);
    expect(() => selectTrainVariant(ctx('fast'), 'lstm', 8)).toThrow(/unknown variant 'fast'; variants: sequence, per-step, vec4, vec4-per-step/);
  });
});
