// The interactive benchmark page: pick workload families, run them on every engine, and see the
// peers' warm times as multiples of wgnn's. It also exposes window.wgnnBench, through which the
// headless driver (bench/run.ts, `npm run bench`) runs exactly the same code.
import { DEFAULT_OPTIONS, wgnnBench } from '../../bench/page/api.ts';
import type { Result } from '../../bench/page/measure.ts';
import { drawChart } from './chart.ts';
// The last full `npm run bench` committed to the repository, shown until the user runs their own.
import latest from '../../bench/results/latest.json';

(window as unknown as { wgnnBench: typeof wgnnBench }).wgnnBench = wgnnBench;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const fmt = (v: number | null) => (v == null ? '–' : v.toFixed(1));

function renderFamilies(): void {
  const families = [...new Set(wgnnBench.listWorkloads(false).map((w) => w.family))];
  $('families').replaceChildren(
    ...families.map((f) => {
      const label = document.createElement('label');
      label.innerHTML = `<input type="checkbox" name="family" value="${f}" checked /> ${f}`;
      return label;
    }),
  );
}

function renderTable(results: Result[]): void {
  const rows = results.map((r) => {
    const verdict = r.error ? `failed: ${r.error}` : r.agrees ? 'agrees' : `disagrees (${r.badCount} elements)`;
    return `<tr><td>${r.workload}</td><td>${r.engine}</td><td>${fmt(r.warmMs)}</td><td>${fmt(r.minMs)}–${fmt(r.maxMs)}</td><td>${fmt(r.firstMs)}</td><td class="${r.agrees ? 'ok' : 'error'}">${verdict}</td></tr>`;
  });
  $('results').innerHTML = `<tr><th>workload</th><th>engine</th><th>warm ms</th><th>min–max</th><th>first ms</th><th>output</th></tr>${rows.join('')}`;
}

async function run(event: Event): Promise<void> {
  event.preventDefault();
  const full = $<HTMLInputElement>('full').checked;
  const reps = Number($<HTMLInputElement>('reps').value) || DEFAULT_OPTIONS.reps;
  const families = Array.from(document.querySelectorAll<HTMLInputElement>('input[name=family]:checked'), (i) => i.value);
  const selected = wgnnBench.listWorkloads(full).filter((w) => families.includes(w.family));
  const results: Result[] = [];
  $<HTMLButtonElement>('run').disabled = true;
  try {
    for (const [i, w] of selected.entries()) {
      status(`running ${w.name} (${i + 1} of ${selected.length})…`);
      results.push(...(await wgnnBench.runWorkload(w.name, { full, reps })));
      drawChart($('chart'), results);
      renderTable(results);
    }
    status(`done: ${selected.length} workloads`);
  } catch (error) {
    status(`error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    $<HTMLButtonElement>('run').disabled = false;
  }
}

async function probe(): Promise<void> {
  $('roofline').textContent = 'probing…';
  const r = await wgnnBench.roofline();
  $('roofline').textContent = `Roofline probe: ${r.gflops.toFixed(2)} GFLOP/s multiply-add, ${r.gbps.toFixed(2)} GB/s copy, ${r.gloads.toFixed(3)} G vec4 loads/s from cache.`;
}

async function main(): Promise<void> {
  renderFamilies();
  const committed = latest.results as Result[];
  drawChart($('chart'), committed);
  renderTable(committed);
  status(`Showing the last committed run of npm run bench (${latest.adapter}, ${latest.date.slice(0, 10)}). Press Run to measure on this machine's GPU.`);
  $('controls').addEventListener('submit', (e) => void run(e));
  $('probe').addEventListener('click', () => void probe());
  document.body.dataset.ready = 'true';
  try {
    $('adapter').textContent = `Adapter: ${await wgnnBench.adapterDescription()}`;
  } catch (error) {
    $('adapter').textContent = `No WebGPU adapter: ${error instanceof Error ? error.message : String(error)}`;
    $('adapter').className = 'error';
  }
}

void main();
