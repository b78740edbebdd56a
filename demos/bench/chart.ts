// Ratio bars: for each workload, peer warm time / wgnn warm time on a log scale centred on 1x.
// Bars to the right of the line: wgnn is faster; to the left: the peer is. Plain DOM, no canvas,
// so the numbers stay selectable and the page needs no chart library.
import type { Result } from '../../bench/page/measure.ts';

const PEERS = [
  { engine: 'tfjs-webgpu', label: 'TF.js WebGPU' },
  { engine: 'ort-webgpu', label: 'ORT Web WebGPU' },
] as const;
/** The axis spans 1/10x .. 100x. */
const LOG_MIN = -1;
const LOG_MAX = 2;

const position = (ratio: number) => (100 * (Math.min(Math.max(Math.log10(ratio), LOG_MIN), LOG_MAX) - LOG_MIN)) / (LOG_MAX - LOG_MIN);

export function drawChart(container: HTMLElement, results: Result[]): void {
  container.replaceChildren();
  const workloads = [...new Set(results.map((r) => r.workload))];
  const one = position(1);
  for (const workload of workloads) {
    const wgnn = results.find((r) => r.workload === workload && r.engine === 'wgnn');
    const row = document.createElement('div');
    row.className = 'chart-row';
    const title = document.createElement('div');
    title.className = 'chart-label';
    title.textContent = workload;
    row.append(title);
    for (const peer of PEERS) {
      const res = results.find((r) => r.workload === workload && r.engine === peer.engine);
      const track = document.createElement('div');
      track.className = `chart-track ${peer.engine}`;
      const ratio = res?.agrees && wgnn?.agrees && res.warmMs && wgnn.warmMs ? res.warmMs / wgnn.warmMs : null;
      const text = document.createElement('span');
      text.className = 'chart-value';
      if (ratio === null) {
        text.textContent = `${peer.label}: ${res?.error ? 'failed' : res && !res.agrees ? 'disagrees' : 'no time'}`;
      } else {
        const bar = document.createElement('div');
        bar.className = 'chart-bar';
        const at = position(ratio);
        bar.style.left = `${Math.min(at, one)}%`;
        bar.style.width = `${Math.abs(at - one)}%`;
        track.append(bar);
        text.style.left = `${Math.max(at, one) + 1}%`;
        text.textContent = `${peer.label}: ${ratio.toFixed(2)}×`;
      }
      track.append(text);
      row.append(track);
    }
    container.append(row);
  }
  const axis = document.createElement('div');
  axis.className = 'chart-axis';
  for (const tick of [0.1, 1, 10, 100]) {
    const t = document.createElement('span');
    t.style.left = `${position(tick)}%`;
    t.textContent = `${tick}×`;
    axis.append(t);
  }
  container.append(axis);
}
