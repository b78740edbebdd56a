// Times engines on one workload. First run, per engine: build() (model construction, weight
// upload, session/pipeline creation) plus one run(); its output is checked against the reference
// before any time counts. Warm: at least `reps` further runs per engine, the GPU engines'
// interleaved (one run of each per round), so that a busy spell on a shared machine falls on
// every engine alike and the ratios hold; more rounds, up to `maxReps`, while the rounds so far
// took under `roundsBudgetMs`, so that short workloads, whose runs scatter with the browser's
// fixed readback latency, get steadier medians. Median, min and max per engine.
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
  /** Warm runs for the GPU engines, at least (10 or more for a reported median). */
  reps: number;
  /** Warm runs at most: rounds past `reps` run while the warm rounds so far took under `roundsBudgetMs`. */
  maxReps: number;
  roundsBudgetMs: number;
  /** wgnn-cpu is there for scale: its warm runs stop after this many ms (none if the first run took longer). */
  cpuBudgetMs: number;
}

const median = (sorted: number[]) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);

/** An engine past its first run: its result, and its output and live runner if the output agreed. */
export interface Prepared {
  result: Result;
  /** Set when the output agreed (in the reference layout). */
  output?: Float32Array;
  /** Set when the output agreed: warm runs may follow; dispose() when done. */
  runner?: Runner;
}

/** Builds `engine` for `w` and times the first run; `reference` undefined: this output becomes it. */
export async function firstRun(w: Workload, engine: EngineName, reference: Float32Array | undefined): Promise<Prepared> {
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
    Object.assign(result, (await runner.stats?.()) ?? {});
    // A fast wrong answer is not a result: no warm runs for an engine that disagrees.
    if (!check.agrees) {
      runner.dispose();
      return { result };
    }
    return { result, output, runner };
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    runner?.dispose();
    return { result };
  }
}

/**
 * Warm runs of every prepared engine. The wgnn CPU reference, there for scale, goes first and
 * alone (its runs would leave garbage for whichever engine came next), stopping once its first and
 * warm runs together pass `cpuBudgetMs`. The GPU engines are interleaved: rounds of one run each
 * (`reps` at least, see MeasureOptions), in forward and reverse order by turns, so that no engine
 * always runs right after the same other one. Fills each result's warm fields and disposes the
 * runners.
 */
export async function warmRuns(prepared: Prepared[], opts: MeasureOptions): Promise<void> {
  const live = prepared.filter((p) => p.runner);
  const times = new Map<Prepared, number[]>(live.map((p) => [p, []]));
  const timeOne = async (p: Prepared) => {
    try {
      const t0 = performance.now();
      await p.runner!.run();
      times.get(p)!.push(performance.now() - t0);
    } catch (error) {
      p.result.error = `warm run: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  for (const p of live.filter((x) => x.result.engine === 'wgnn-cpu')) {
    const start = performance.now();
    while (!p.result.error && times.get(p)!.length < opts.reps && (p.result.firstMs ?? 0) + performance.now() - start < opts.cpuBudgetMs) await timeOne(p);
  }
  const gpu = live.filter((x) => x.result.engine !== 'wgnn-cpu');
  const roundsStart = performance.now();
  const more = (round: number) => round < opts.reps || (round < opts.maxReps && performance.now() - roundsStart < opts.roundsBudgetMs);
  for (let round = 0; more(round); round++) {
    for (const p of round % 2 ? [...gpu].reverse() : gpu) if (!p.result.error) await timeOne(p);
  }
  for (const p of live) {
    p.runner!.dispose();
    const t = times.get(p)!.sort((a, b) => a - b);
    if (t.length) Object.assign(p.result, { warmMs: median(t), minMs: t[0], maxMs: t[t.length - 1], reps: t.length });
    if (p.result.engine === 'wgnn-cpu' && t.length < opts.reps) p.result.note = `for scale: ${t.length} warm run(s) within ${opts.cpuBudgetMs / 1000} s`;
  }
}
