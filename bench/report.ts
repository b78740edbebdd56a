// Turns the page's results into bench/results/latest.{json,md}: warm and first-run tables with
// ratios (peer time / wgnn time; above 1 means wgnn is faster) and each wgnn workload's fraction
// of the probed roofline.
import type { Result } from './page/measure.ts';
import type { Roofline } from './page/roofline.ts';
import type { WorkloadInfo } from './page/api.ts';

export interface Report {
  adapter: string;
  date: string;
  options: { full: boolean; reps: number; only?: string };
  /** The best reading of each rate over `probes` (interference only ever lowers a reading). */
  roofline?: Roofline;
  /** Each probe run: before the workloads and, in a full run, after them. */
  probes?: Roofline[];
  workloads: WorkloadInfo[];
  /** Workloads not started because the run was past its time budget. */
  skipped: string[];
  results: Result[];
  durationS?: number;
}

/** Each rate's best reading over several probes, with the details of the run that gave it. */
export function bestRoofline(probes: Roofline[]): Roofline {
  const best = <K extends 'gflops' | 'gbps' | 'gloads'>(rate: K) => probes.reduce((a, b) => (b[rate] > a[rate] ? b : a));
  const [fma, copy, load] = [best('gflops'), best('gbps'), best('gloads')];
  return { gflops: fma.gflops, gbps: copy.gbps, gloads: load.gloads, fma: fma.fma, copy: copy.copy, load: load.load };
}

const PEERS = ['tfjs-webgpu', 'ort-webgpu'] as const;
const ms = (v: number | null | undefined) => (v == null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));

function find(r: Report, workload: string, engine: string): Result | undefined {
  return r.results.find((x) => x.workload === workload && x.engine === engine);
}

/** A cell: the time, or why there is none. */
function cell(res: Result | undefined, field: 'warmMs' | 'firstMs'): string {
  if (!res) return 'not run';
  if (res.error) return `failed: ${res.error.split('\n')[0].slice(0, 60)}`;
  if (!res.agrees) return `disagrees (${res.badCount} bad, max err ${res.maxAbsError?.toExponential(1)})`;
  if (field === 'warmMs' && res.warmMs != null) return `${ms(res.warmMs)} (${ms(res.minMs)}–${ms(res.maxMs)})`;
  return ms(res[field]);
}

export function ratio(peer: Result | undefined, wgnn: Result | undefined, field: 'warmMs' | 'firstMs'): number | null {
  const p = peer?.agrees ? peer[field] : null;
  const w = wgnn?.agrees ? wgnn[field] : null;
  return p != null && w != null && w > 0 ? p / w : null;
}

const x = (v: number | null) => (v == null ? '–' : `${v.toFixed(2)}×`);

/** Time the roofline allows: the larger of FLOPs at peak FMA rate and bytes at copy bandwidth. */
export function boundMs(w: WorkloadInfo, roof: Roofline): number {
  return Math.max(w.flops / (roof.gflops * 1e6), w.bytes / (roof.gbps * 1e6));
}

export function markdown(r: Report): string {
  const lines: string[] = [];
  // Warm runs per GPU engine: at least options.reps, more where rounds are short (measure.ts).
  const counts = r.results.filter((x) => x.engine !== 'wgnn-cpu' && x.warmMs !== null).map((x) => x.reps);
  const runs = counts.length && Math.max(...counts) > Math.min(...counts) ? `${Math.min(...counts)}-${Math.max(...counts)} runs (more where rounds are short)` : `${counts[0] ?? r.options.reps} runs`;
  lines.push(`Adapter: ${r.adapter}. ${r.date}. ${r.options.full ? 'Full (issue) sizes' : 'Default sizes'}, warm median of ${runs} interleaved across the GPU engines${r.options.only ? `, only: ${r.options.only}` : ''}.`);
  lines.push('Time = input upload -> output downloaded to JS. Ratios = peer time / wgnn time (>1: wgnn faster).', '');
  lines.push('### Warm (median ms, min–max)', '');
  lines.push('| workload | wgnn | TF.js WebGPU | ORT Web WebGPU | wgnn CPU ref | TF.js / wgnn | ORT / wgnn |', '|---|---|---|---|---|---|---|');
  for (const w of r.workloads) {
    const g = find(r, w.name, 'wgnn');
    lines.push(`| ${w.name}${w.scaled ? ' *' : ''} | ${cell(g, 'warmMs')} | ${cell(find(r, w.name, 'tfjs-webgpu'), 'warmMs')} | ${cell(find(r, w.name, 'ort-webgpu'), 'warmMs')} | ${cell(find(r, w.name, 'wgnn-cpu'), 'warmMs')} | ${PEERS.map((p) => x(ratio(find(r, w.name, p), g, 'warmMs'))).join(' | ')} |`);
  }
  lines.push('', '### First run (ms, including model build and pipeline compilation)', '');
  lines.push('| workload | wgnn | TF.js WebGPU | ORT Web WebGPU | wgnn CPU ref | TF.js / wgnn | ORT / wgnn |', '|---|---|---|---|---|---|---|');
  for (const w of r.workloads) {
    const g = find(r, w.name, 'wgnn');
    lines.push(`| ${w.name}${w.scaled ? ' *' : ''} | ${cell(g, 'firstMs')} | ${cell(find(r, w.name, 'tfjs-webgpu'), 'firstMs')} | ${cell(find(r, w.name, 'ort-webgpu'), 'firstMs')} | ${cell(find(r, w.name, 'wgnn-cpu'), 'firstMs')} | ${PEERS.map((p) => x(ratio(find(r, w.name, p), g, 'firstMs'))).join(' | ')} |`);
  }
  if (r.roofline) {
    const roof = r.roofline;
    // gloads is absent from result files written before the load probe existed.
    const loads = roof.gloads === undefined ? '' : `, ${roof.gloads.toFixed(3)} G vec4 loads/s from cache`;
    // Result files written before the second probe have one reading.
    const readings = (r.probes?.length ?? 0) > 1 ? `; best of ${r.probes!.length} probes, FMA read ${r.probes!.map((p) => p.gflops.toFixed(2)).join(' and ')}` : '';
    lines.push('', `### wgnn against the roofline (probe: ${roof.gflops.toFixed(2)} GFLOP/s FMA, ${roof.gbps.toFixed(2)} GB/s copy${loads}${readings})`, '');
    lines.push('| workload | GFLOP | MB moved (min) | roofline bound ms | wgnn warm ms | fraction of roofline | achieved GFLOP/s | dispatches | peak bytes (of the live-set lower bound) |', '|---|---|---|---|---|---|---|---|---|');
    // Training steps report their arena against the lower bound of their live sets.
    const peak = (g: Result | undefined) => (g?.peakBytes === undefined ? '–' : `${g.peakBytes}${g.lowerBoundBytes ? ` (${(g.peakBytes / g.lowerBoundBytes).toFixed(2)}x)` : ''}`);
    for (const w of r.workloads) {
      const g = find(r, w.name, 'wgnn');
      const bound = boundMs(w, roof);
      const frac = g?.agrees && g.warmMs ? bound / g.warmMs : null;
      const achieved = g?.agrees && g.warmMs ? w.flops / (g.warmMs * 1e6) : null;
      lines.push(`| ${w.name} | ${(w.flops / 1e9).toFixed(3)} | ${(w.bytes / 1e6).toFixed(2)} | ${ms(bound)} | ${ms(g?.warmMs)} | ${frac == null ? '–' : `${(100 * frac).toFixed(1)}%`} | ${achieved == null ? '–' : achieved.toFixed(2)} | ${g?.dispatches ?? '–'} | ${peak(g)} |`);
    }
  }
  const scaled = r.workloads.filter((w) => w.scaled);
  if (scaled.length) lines.push('', `\\* scaled down for this adapter (run with --full for the issue's sizes): ${scaled.map((w) => `${w.name}: ${w.scaled}`).join('; ')}.`);
  if (r.skipped.length) lines.push('', `Not run (past the time budget, see --budget): ${r.skipped.join(', ')}.`);
  const notes = r.results.filter((x) => x.note || x.error || !x.agrees);
  if (notes.length) {
    lines.push('', 'Notes:');
    for (const n of notes) lines.push(`- ${n.workload} / ${n.engine}: ${n.error ? `failed: ${n.error.split('\n')[0]}` : !n.agrees ? `disagrees: ${n.badCount} elements out of tolerance, first ${JSON.stringify(n.firstBad)}` : n.note}`);
  }
  if (r.durationS) lines.push('', `Bench duration: ${r.durationS.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}
