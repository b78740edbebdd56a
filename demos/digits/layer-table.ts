// The model's layers as a table: name and kind, output shape, parameter count with a bar of its
// size against the largest layer's, and (on WebGPU) each layer's GPU time from one profiled run, also as a bar.
import type { Profile } from '../../src/index.ts';
import type { LayerRow } from './model.ts';

const bar = (share: number, cls: string) => `<span class="share ${cls}" style="width:${(100 * share).toFixed(1)}%"></span>`;

export function showLayers(table: HTMLTableElement, rows: LayerRow[], totalParams: number): void {
  const largest = Math.max(...rows.map((r) => r.params));
  table.tBodies[0].innerHTML = rows
    .map(
      (r) =>
        `<tr data-layer="${r.name}"><td><b>${r.name}</b> <span class="muted">${r.kind}</span></td><td class="shape">${r.outputShape.join(' × ')}</td>` +
        `<td class="num">${r.params ? r.params.toLocaleString('en-US') : ''}${bar(r.params / largest, 'params')}</td><td class="num gpu"></td></tr>`,
    )
    .join('');
  table.querySelector('#total-params')!.textContent = totalParams.toLocaleString('en-US');
}

/** Fills the GPU time column: profile nodes are named after their layer ("conv2d_1", "dense_2/softmax"). */
export function showLayerTimes(table: HTMLTableElement, profile: Profile | null): void {
  const perLayer = new Map<string, number>();
  for (const e of profile?.entries ?? []) perLayer.set(e.node.split('/')[0], (perLayer.get(e.node.split('/')[0]) ?? 0) + e.gpuMs);
  const slowest = Math.max(1e-9, ...perLayer.values());
  for (const row of Array.from(table.tBodies[0].rows)) {
    const ms = perLayer.get(row.dataset.layer!);
    row.querySelector('.gpu')!.innerHTML = ms === undefined ? '' : `${(1000 * ms).toFixed(0)} µs${bar(ms / slowest, 'time')}`;
  }
  table.querySelector('#total-gpu')!.textContent = profile ? `${profile.totalMs.toFixed(2)} ms` : 'WebGPU only';
}
