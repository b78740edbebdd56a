// The benchmark page's entry points, shared by the interactive page (demos/bench) and the
// headless driver (bench/run.ts, through window.wgnnBench): list the workloads, run one workload
// on each engine, probe the roofline.
import { ENGINES, type EngineName } from './engines/runner.ts';
import { wgnnEngine } from './engines/wgnn.ts';
import { firstRun, type MeasureOptions, type Prepared, type Result, warmRuns } from './measure.ts';
import { probeRoofline, type Roofline } from './roofline.ts';
import { smokeWorkloads, workloads } from './workloads/index.ts';

export interface BenchOptions extends MeasureOptions {
  /** Issue-sized workloads (real GPUs) instead of the SwiftShader-sized defaults. */
  full: boolean;
  engines: EngineName[];
}

/**
 * At least 10 warm rounds, up to 30 while they take under 8 s in all (at the default sizes on
 * SwiftShader: 30 for matmul 256 and the Keras CNN b1, 18-19 for the LSTM b1 and conv 1x1, 10-11
 * for the rest).
 */
export const DEFAULT_OPTIONS: BenchOptions = { full: false, reps: 10, maxReps: 30, roundsBudgetMs: 8000, cpuBudgetMs: 2000, engines: [...ENGINES] };

export interface WorkloadInfo {
  name: string;
  family: string;
  flops: number;
  bytes: number;
  scaled?: string;
}

export async function adapterDescription(): Promise<string> {
  const a = (await wgnnEngine('webgpu')).info.adapter;
  return a ? [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') : 'unknown';
}

/** The workloads of a run: the default (SwiftShader-sized) list, the sizes, or the smoke test's tiny ones. */
export function listWorkloads(size: boolean | 'smoke'): WorkloadInfo[] {
  const list = size === 'smoke' ? smokeWorkloads() : workloads(size);
  return list.map(({ name, family, flops, bytes, scaled }) => ({ name, family, flops, bytes, scaled }));
}

/**
 * Every requested engine on one workload: first runs one engine after another, then the warm runs
 * interleaved (measure.ts). The wgnn CPU reference runs first: its output is the oracle the
 * others must agree with (when it cannot run, the first engine that did stands in, and the results
 * say which).
 */
export async function runWorkload(name: string, options: Partial<BenchOptions> = {}): Promise<Result[]> {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const w = [...workloads(opts.full), ...smokeWorkloads()].find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload '${name}'`);
  const order: EngineName[] = ['wgnn-cpu', 'wgnn', 'tfjs-webgpu', 'ort-webgpu'];
  const timed: Prepared[] = [];
  let reference: Float32Array | undefined;
  let referenceEngine: EngineName | undefined;
  for (const engine of order) {
    const isTimed = opts.engines.includes(engine);
    // wgnn-cpu left out of the timing still runs once, untimed: it is the oracle.
    if (!isTimed && engine !== 'wgnn-cpu') continue;
    const prepared = await firstRun(w, engine, reference);
    const { result, output } = prepared;
    if (!reference && output) {
      reference = output;
      referenceEngine = engine;
      if (engine !== 'wgnn-cpu') result.note = 'unchecked: the CPU reference did not run, so this output is the reference';
    } else if (referenceEngine !== 'wgnn-cpu') {
      result.note = `checked against ${referenceEngine ?? 'nothing'}: the CPU reference did not run`;
    }
    if (isTimed) timed.push(prepared);
    else prepared.runner?.dispose();
  }
  await warmRuns(timed, w.maxRounds ? { ...opts, reps: Math.min(opts.reps, w.maxRounds), maxReps: w.maxRounds } : opts);
  return timed.map((p) => p.result);
}

/** The roofline probes; `targetMs` per timed submit (the default suits SwiftShader; tests pass a few ms). */
export async function roofline(targetMs?: number): Promise<Roofline> {
  return probeRoofline((await wgnnEngine('webgpu')).device!, targetMs);
}

export const wgnnBench = { adapterDescription, listWorkloads, runWorkload, roofline };
