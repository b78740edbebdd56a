// A demo model's layers as a table: name and kind, output shape, parameter count with a bar of its
// size against the largest layer's, and (on WebGPU) each layer's GPU time from one profiled run,
// also as a bar. layerRows() builds a functional model from a stack of layers and describes it.
// The table needs a <tbody> and, in its <tfoot>, #total-params and #total-gpu cells.
import { layers, model, type Layer, type Model, type Profile, type SymbolicTensor } from '../../src/index.ts';

export interface LayerRow {
  name: string;
  /** What it does, in a few words. */
  kind: string;
  /** Without the batch dim; null where the size is given per run (a sequence's length). */
  outputShape: (number | null)[];
  params: number;
}

export interface DescribedModel {
  model: Model;
  /** One row per layer, the input first. */
  rows: LayerRow[];
  totalParams: number;
  /** The name of the output in compiled.run's result. */
  outputName: string;
}

const paramsOf = (layer: Layer) => Object.values(layer.weightShapes()).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);

/**
 * A functional model of `stack` applied in order to an input of `inputShape` (without the batch
 * dim), with a row per layer. The same layers in the same order get the same names as a
 * sequential() of them, so weights saved from either load into the other.
 */
export function layerRows(name: string, input: { shape: (number | null)[]; kind: string; dtype?: 'float32' | 'int32' }, stack: [Layer, string][]): DescribedModel {
  const x0: SymbolicTensor = layers.input({ shape: input.shape, name: 'input', dtype: input.dtype });
  const rows: LayerRow[] = [{ name: x0.name, kind: input.kind, outputShape: input.shape, params: 0 }];
  let x = x0;
  for (const [layer, kind] of stack) {
    x = layer.apply(x);
    rows.push({ name: layer.name!, kind, outputShape: x.shape.slice(1), params: paramsOf(layer) });
  }
  return { model: model({ inputs: x0, outputs: x, name }), rows, totalParams: rows.reduce((n, r) => n + r.params, 0), outputName: x.name };
}

const bar = (share: number, cls: string) => `<span class="share ${cls}" style="width:${(100 * share).toFixed(1)}%"></span>`;

export function showLayers(table: HTMLTableElement, rows: LayerRow[], totalParams: number): void {
  const largest = Math.max(1, ...rows.map((r) => r.params));
  table.tBodies[0].innerHTML = rows
    .map(
      (r) =>
        `<tr data-layer="${r.name}"><td><b>${r.name}</b> <span class="muted">${r.kind}</span></td><td class="shape">${r.outputShape.map((d) => d ?? 't').join(' × ')}</td>` +
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
