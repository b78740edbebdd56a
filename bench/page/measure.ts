// Times one engine on one workload. First run: build() (model construction, weight upload,
// session/pipeline creation) plus one run(). Warm: `reps` further runs, median, min and max.
// The output of the first run is checked against the reference before any time counts.
import { agreement, type Agreement } from './data.ts';
import type { EngineName, Runner } from './engines/runner.ts';
import type { Workload } from './workloads/workload.ts';

export interface Result {
  workload: string;
  engine: EngineName;
  /** null when the engine failed (see error). */
  firstMs: number | null;
  /** Median of the warm runs; null when none ran (failed, or wgnn-cpu over its budget). */
  warmMs: number | null;
  minMs: number | null;
  maxMs: number | null;
  reps: number;
  agrees: boolean;
  maxAbsError: number | null;
  badCount: number;
  firstBad?: Agreement['firstBad'];
  error?: string;
  note?: string;
  /** wgnn: dispatches per run, and for compiled models the memory plan's bytes. */
  dispatches?: number;
  peakBytes?: number;
  naiveBytes?: number;
  lowerBoundBytes?: number;
}

export interface MeasureOptions {
  /** Warm runs for the GPU engines (at least 10 for a reported median). */
  reps: number;
  /** wgnn-cpu is there for scale: its warm runs stop after this many ms (none if the first run took longer). */
  cpuBudgetMs: number;
}

const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);

/** Runs `engine` on `w`; `reference` undefined means this run's output becomes the reference. */
export async function measure(w: Workload, engine: EngineName, reference: Float32Array | undefined, opts: MeasureOptions): Promise<{ result: Result; output?: Float32Array }> {
  const result: Result = { workload: w.name, engine, firstMs: null, warmMs: null, minMs: null, maxMs: null, reps: 0, agrees: false, maxAbsError: null, badCount: 0 };
  let runner: Runner | undefined;
  try {
    runner = await w.runner(engine);
    const start = performance.now();
    await runner.build();
    const first = await runner.run();
    result.firstMs = performance.now() - start;
    // Progress for the headless driver, which prints [bench] lines from the page's console.
    console.info(`[bench] ${w.name} / ${engine}: first run ${result.firstMs.toFixed(0)} ms`);
    const output = runner.toReference ? runner.toReference(first) : first;
    const check = agreement(output, reference ?? output, w.k);
    Object.assign(result, { agrees: check.agrees, maxAbsError: check.maxAbsError, badCount: check.badCount, firstBad: check.firstBad });
    // A fast wrong answer is not a result: no warm runs for an engine that disagrees.
    if (!check.agrees) return { result };
    const times: number[] = [];
    const budget = engine === 'wgnn-cpu' ? opts.cpuBudgetMs : Infinity;
    const loopStart = performance.now();
    while (times.length < opts.reps && (engine !== 'wgnn-cpu' || result.firstMs + (performance.now() - loopStart) < budget)) {
      const t0 = performance.now();
      await runner.run();
      times.push(performance.now() - t0);
    }
    if (times.length) {
      times.sort((a, b) => a - b);
      Object.assign(result, { warmMs: median(times), minMs: times[0], maxMs: times[times.length - 1], reps: times.length });
    }
    if (engine === 'wgnn-cpu' && times.length < opts.reps) result.note = `for scale: ${times.length} warm run(s) within ${opts.cpuBudgetMs / 1000} s`;
    Object.assign(result, (await runner.stats?.()) ?? {});
    return { result, output };
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    return { result };
  } finally {
    runner?.dispose();
  }
}
