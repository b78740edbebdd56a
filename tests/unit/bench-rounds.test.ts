// The bench's warm rounds: at least `reps`, up to `maxReps` while the rounds so far fit their
// budget, every GPU engine once per round; the CPU reference apart.
import { describe, expect, it } from 'vitest';
import type { EngineName, Runner } from '../../bench/page/engines/runner.ts';
import { type Prepared, warmRuns } from '../../bench/page/measure.ts';

/** A prepared engine whose runs take `ms` each and log their engine's name. */
function engine(name: EngineName, ms: number, log: string[]): Prepared {
  const runner: Runner = {
    async build() {},
    async run() {
      log.push(name);
      const until = performance.now() + ms;
      while (performance.now() < until) { /* a run that takes ms */ }
      return new Float32Array(1);
    },
    dispose() {},
  };
  return { result: { workload: 'w', engine: name, firstMs: 1, warmMs: null, minMs: null, maxMs: null, reps: 0, agrees: true, maxAbsError: 0, badCount: 0 }, runner };
}

describe('bench warm rounds', () => {
  it('runs up to maxReps rounds where they are short, alternating the order of the GPU engines', async () => {
    const log: string[] = [];
    const prepared = [engine('wgnn', 0, log), engine('ort-webgpu', 0, log)];
    await warmRuns(prepared, { reps: 3, maxReps: 6, roundsBudgetMs: 10_000, cpuBudgetMs: 0 });
    expect(prepared.map((p) => p.result.reps)).toEqual([6, 6]);
    expect(log.slice(0, 4)).toEqual(['wgnn', 'ort-webgpu', 'ort-webgpu', 'wgnn']);
  });

  it('stops at reps once the rounds pass their budget', async () => {
    const log: string[] = [];
    const prepared = [engine('wgnn', 1, log), engine('tfjs-webgpu', 5, log)];
    await warmRuns(prepared, { reps: 3, maxReps: 30, roundsBudgetMs: 10, cpuBudgetMs: 0 });
    expect(prepared.map((p) => p.result.reps)).toEqual([3, 3]);
  });

  it('never runs fewer than reps rounds, whatever the budget', async () => {
    const prepared = [engine('wgnn', 2, [])];
    await warmRuns(prepared, { reps: 4, maxReps: 2, roundsBudgetMs: 0, cpuBudgetMs: 0 });
    expect(prepared[0].result.reps).toBe(4);
    expect(prepared[0].result.warmMs).toBeGreaterThanOrEqual(2);
  });
});
