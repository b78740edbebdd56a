// `npm run bench`: wgnn against TensorFlow.js (WebGPU) and ONNX Runtime Web (WebGPU), with the
// wgnn CPU reference for scale. Serves demos/bench/ with Vite, opens it in headless Chromium (the
// adapter at hand: SwiftShader on machines without a GPU), probes the roofline, runs every
// workload on every engine, and writes bench/results/latest.json and latest.md (also printed;
// a run filtered with --only or --engines writes partial.json and partial.md instead).
//
//   npm run bench                      default sizes (finishes in minutes on SwiftShader)
//   npm run bench -- --full            the issue's sizes, for real GPUs
//   npm run bench -- --only conv,rnn   families (matmul, conv, cnn, rnn, video) or name parts
//   npm run bench -- --reps 20         warm runs per engine, at least (default 10; up to 30 where
//                                      30 rounds of all engines take under 8 s)
//   npm run bench -- --engines wgnn,ort-webgpu
//   npm run bench -- --probe-only      the roofline probe alone
//   npm run bench -- --verbose         progress from the page (each engine's first run)
//   npm run bench -- --budget 900      start no workload after 900 s (default 480; none with --full)
// `npm run bench:kernels` is the older kernel-variant benchmark (bench/kernels-run.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import { findChrome, launchChrome } from '../tests/harness/chrome.ts';
import type { WorkloadInfo } from './page/api.ts';
import type { Result } from './page/measure.ts';
import type { Roofline } from './page/roofline.ts';
import { bestRoofline, markdown, ratio, type Report } from './report.ts';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);

const full = flag('full');
const reps = Number(value('reps') ?? 10);
const only = value('only')?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const engines = value('engines')?.split(',').map((s) => s.trim());
/**
 * No workload starts after this many seconds, so the default run ends inside 10 minutes even on
 * a busy machine (it took 437 s on a 2-core SwiftShader machine shared with other jobs; the
 * longest workload, matmul 1024, 130 s). The report lists what was left out.
 */
const budgetS = Number(value('budget') ?? (full ? Infinity : 480));

function selected(w: WorkloadInfo): boolean {
  return !only || only.some((o) => w.family === o || w.name.toLowerCase().includes(o));
}

function line(res: Result, wgnn: Result | undefined): string {
  const head = `  ${res.engine.padEnd(12)}`;
  if (res.error) return `${head} FAILED: ${res.error.split('\n')[0]}`;
  if (!res.agrees) return `${head} DISAGREES with the reference: ${res.badCount} elements, max abs error ${res.maxAbsError}, first ${JSON.stringify(res.firstBad)}`;
  const warm = res.warmMs == null ? 'no warm runs' : `warm ${res.warmMs.toFixed(1)} ms (min ${res.minMs!.toFixed(1)}, max ${res.maxMs!.toFixed(1)}, ${res.reps} runs)`;
  const r = res.engine === 'wgnn' ? '' : ratio(res, wgnn, 'warmMs');
  const extra = res.dispatches !== undefined ? `, ${res.dispatches} dispatches` : '';
  return `${head} ${warm}, first ${res.firstMs!.toFixed(1)} ms${r ? `, ${r.toFixed(2)}x wgnn` : ''}${extra}${res.note ? ` [${res.note}]` : ''}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const chrome = findChrome();
  if (!chrome) throw new Error('no Chromium found: set CHROME_PATH or apt-get install -y chromium');
  const server = await createServer({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false } });
  await server.listen();
  const browser = await launchChrome(chrome);
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page error: ${String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') console.error(`page console: ${m.text()}`);
      else if (m.text().startsWith('[bench]') && flag('verbose')) console.log(`  ${m.text()}`);
    });
    await page.goto(`${server.resolvedUrls!.local[0]}demos/bench/index.html`);
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
    const adapter: string = await page.evaluate(() => (window as any).wgnnBench.adapterDescription());
    console.log(`adapter: ${adapter}`);
    const probe = async (): Promise<Roofline> => {
      const roofline: Roofline = await page.evaluate(() => (window as any).wgnnBench.roofline());
      console.log(`roofline probe: ${roofline.gflops.toFixed(2)} GFLOP/s FMA, ${roofline.gbps.toFixed(2)} GB/s copy, ${roofline.gloads.toFixed(3)} G vec4 loads/s from cache`);
      return roofline;
    };
    const probes = [await probe()];
    if (flag('probe-only')) return;
    const all: WorkloadInfo[] = await page.evaluate((f) => (window as any).wgnnBench.listWorkloads(f), full);
    const workloads = all.filter(selected);
    if (!workloads.length) throw new Error(`--only ${only} matches none of: ${all.map((w) => `${w.name} (${w.family})`).join(', ')}`);
    const report: Report = { adapter, date: new Date().toISOString(), options: { full, reps, only: only?.join(',') }, workloads, skipped: [], results: [] };
    for (const w of workloads) {
      if ((Date.now() - started) / 1000 > budgetS) {
        console.log(`${w.name}: skipped, the run is past its ${budgetS} s budget (--budget)`);
        report.skipped.push(w.name);
        continue;
      }
      const t0 = Date.now();
      const results: Result[] = await page.evaluate((name, o) => (window as any).wgnnBench.runWorkload(name, o), w.name, { full, reps, ...(engines ? { engines } : {}) });
      console.log(`${w.name}${w.scaled ? ` (scaled down: ${w.scaled})` : ''}  [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
      const wgnn = results.find((r) => r.engine === 'wgnn');
      for (const r of results) console.log(line(r, wgnn));
      report.results.push(...results);
    }
    // A second probe after a full run: on a shared machine one reading can come out low, which
    // would put fractions of the roofline above 100%; the best reading of each rate counts.
    if (!only && !engines) probes.push(await probe());
    Object.assign(report, { roofline: bestRoofline(probes), probes });
    report.durationS = (Date.now() - started) / 1000;
    const md = markdown(report);
    // Only a complete run replaces latest.*; a filtered one (--only, --engines) goes to partial.*.
    const base = join(ROOT, 'bench/results', only || engines ? 'partial' : 'latest');
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
    writeFileSync(`${base}.md`, md);
    console.log(`wrote ${base}.json and .md`);
    console.log(`\n${md}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
