// The forecasting page: a signal from signals.ts scrolls past "now"; the GRU forecasts the next
// HORIZON values from the last LOOKBACK ones; the chart shows the past, the truth, the forecast and
// the naive forecast, and the error panel compares their mean squared errors.
//
// For tests (and the curious), `window.wgnnForecast` holds:
//   ready      true once a forecaster is loaded (also body[data-ready="true"])
//   backend    'webgpu' or 'cpu', the backend in use (also body[data-backend])
//   forecast(history)  LOOKBACK values -> the model's HORIZON next ones (normalized as the page does)
//   show(spec, time)   sets the signal (any of family, period, noise, seed; the controls follow) and
//                      "now", runs the page's own path (window, forecast, chart, errors) and returns
//                      what is shown: { spec, time, history, truth, forecast, lastValue, mse }
// URL parameters: ?backend=cpu, ?family=square&period=12&noise=0.2&seed=3.
import { onBackendSwitch, openEngine, requestedBackend, showBackend, showError, type Backend } from '../shared/backend.ts';
import { showLayers, showLayerTimes } from '../shared/layer-table.ts';
import { showErrors, type Errors } from './error-bars.ts';
import { drawForecast, type ForecastView } from './forecast-chart.ts';
import { Forecaster } from './forecaster.ts';
import { forecastModel } from './model.ts';
import { FAMILIES, HORIZON, lastValueForecast, LOOKBACK, mse, NOISES, PERIODS, sample, seasonalNaiveForecast, type Family, type SignalSpec } from './signals.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
/** Past values on the chart: the model's window and as much again before it, for context. */
const CONTEXT = 2 * LOOKBACK;
const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));

interface Shown {
  spec: SignalSpec;
  time: number;
  history: number[];
  truth: number[];
  forecast: number[];
  lastValue: number[];
  mse: Errors;
}

let spec: SignalSpec = {
  family: FAMILIES.includes(params.get('family') as Family) ? (params.get('family') as Family) : 'seasonal',
  period: clamp(Number(params.get('period') ?? 16) || 16, PERIODS),
  noise: clamp(Number(params.get('noise') ?? 0.1) || 0, NOISES),
  seed: Math.floor(Number(params.get('seed') ?? 7)) || 7,
};
let time = CONTEXT + 100;
let forecaster: Forecaster | null = null;
let shown: Shown | null = null;
const totals = { model: 0, lastValue: 0, seasonal: 0, count: 0 };
const runTimes: number[] = [];
let view: ForecastView | null = null;
const redraw = (): void => void (view && drawForecast($<HTMLCanvasElement>('chart'), view));
const familyButtons = () => Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-family]'));

const hook = {
  ready: false,
  backend: null as Backend | null,
  forecast: async (history: number[]) => Array.from((await forecaster!.forecast(Float32Array.from(history))).forecast),
  show: async (next: Partial<SignalSpec>, at?: number) => {
    setSpec({ ...spec, ...next });
    if (at !== undefined) time = at;
    await requestForecast();
    return shown;
  },
};
(window as unknown as { wgnnForecast: typeof hook }).wgnnForecast = hook;

// Forecasting: at most one inference in flight; changes during it coalesce into one more run.
let inFlight: Promise<void> | null = null;
let dirty = false;

function requestForecast(): Promise<void> {
  dirty = true;
  inFlight ??= (async () => {
    while (dirty) {
      dirty = false;
      await forecastNow().catch(showError);
    }
    inFlight = null;
  })();
  return inFlight;
}

async function forecastNow(): Promise<void> {
  const values = sample(spec, time - CONTEXT, CONTEXT + HORIZON);
  const [past, truth] = [values.subarray(0, CONTEXT), values.subarray(CONTEXT)];
  const history = past.subarray(CONTEXT - LOOKBACK);
  const lastValue = lastValueForecast(history);
  view = { past, lookback: LOOKBACK, truth, forecast: null, lastValue };
  if (!forecaster) return redraw();
  const at = { spec: { ...spec }, time };
  const { forecast, ms } = await forecaster.forecast(history);
  view = { ...view, forecast };
  redraw();
  const errors: Errors = { model: mse(forecast, truth), lastValue: mse(lastValue, truth), seasonal: mse(seasonalNaiveForecast(history, spec.period), truth) };
  shown = { ...at, history: Array.from(history), truth: Array.from(truth), forecast: Array.from(forecast), lastValue: Array.from(lastValue), mse: errors };
  totals.model += errors.model;
  totals.lastValue += errors.lastValue;
  totals.seasonal += errors.seasonal;
  totals.count++;
  showErrors($('errors-now'), errors);
  const n = totals.count;
  showErrors($('errors-all'), { model: totals.model / n, lastValue: totals.lastValue / n, seasonal: totals.seasonal / n });
  $('window-count').textContent = `(${n})`;
  $('ratio').textContent = `${(totals.model / totals.lastValue).toFixed(2)}×`;
  $('ratio').title = `mean squared error of the GRU over that of the last value held, over the ${n} windows forecast so far`;
  runTimes.push(ms);
  if (runTimes.length > 25) runTimes.shift();
  const median = [...runTimes].sort((a, b) => a - b)[Math.floor(runTimes.length / 2)];
  $('run-ms').textContent = `${ms.toFixed(1)} ms`;
  $('run-ms').title = `wall time of compiled.run (upload, ${forecaster.backend === 'webgpu' ? 'dispatches, readback' : 'CPU reference loops'}); median of the last ${runTimes.length}: ${median.toFixed(1)} ms`;
}

// The signal controls.
function setSpec(next: SignalSpec): void {
  spec = { ...next, period: clamp(next.period, PERIODS), noise: clamp(next.noise, NOISES) };
  for (const b of familyButtons()) b.setAttribute('aria-pressed', String(b.dataset.family === spec.family));
  $<HTMLInputElement>('period').value = String(spec.period);
  $<HTMLInputElement>('noise').value = String(spec.noise);
  $('period-value').textContent = String(spec.period);
  $('noise-value').textContent = spec.noise.toFixed(2);
  Object.assign(document.body.dataset, { family: spec.family, period: String(spec.period), noise: String(spec.noise), seed: String(spec.seed) });
}

// "Play" moves now one sample at a time, about 8 times a second (slower where inference is slower).
let playing = false;
async function play(): Promise<void> {
  while (playing) {
    const started = performance.now();
    time++;
    await requestForecast();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 120 - (performance.now() - started))));
  }
}
function setPlaying(on: boolean): void {
  playing = on;
  $('play').textContent = on ? '❚❚ Pause' : '▶ Play';
  if (on) void play();
}

// Backends: WebGPU by default, the CPU reference on request or when WebGPU has no adapter.
async function useBackend(backend: Backend, weights: Uint8Array): Promise<void> {
  setReady(false);
  await inFlight;
  const next = await Forecaster.create(await openEngine(backend), weights);
  forecaster?.dispose();
  forecaster = next;
  runTimes.length = 0;
  // GPU time per layer from one profiled run; where the adapter cannot profile, the page goes on without it.
  const profile = await next.profile().catch(() => null);
  showLayerTimes($<HTMLTableElement>('layers'), profile);
  $('gpu-ms').textContent = profile ? `${profile.totalMs.toFixed(2)} ms` : 'WebGPU only';
  $('gpu-ms').title = profile ? `sum of the per-layer GPU times of one profiled run (${profile.timing})` : '';
  setReady(true);
  await requestForecast();
}

function setReady(ready: boolean): void {
  hook.ready = ready;
  hook.backend = ready ? forecaster!.backend : null;
  document.body.dataset.ready = String(ready);
  showBackend(ready ? forecaster!.engine : null);
}

async function main(): Promise<void> {
  const { rows, totalParams } = forecastModel();
  showLayers($<HTMLTableElement>('layers'), rows, totalParams);
  setSpec(spec);
  void requestForecast(); // the signal shows while the model loads
  for (const b of familyButtons()) {
    b.addEventListener('click', () => (setSpec({ ...spec, family: b.dataset.family as Family }), void requestForecast()));
  }
  $('period').addEventListener('input', () => (setSpec({ ...spec, period: Number($<HTMLInputElement>('period').value) }), void requestForecast()));
  $('noise').addEventListener('input', () => (setSpec({ ...spec, noise: Number($<HTMLInputElement>('noise').value) }), void requestForecast()));
  $('new-signal').addEventListener('click', () => (setSpec({ ...spec, seed: (spec.seed * 48271 + 11) % 2147483647 }), void requestForecast()));
  $('next').addEventListener('click', () => ((time += 4), void requestForecast()));
  $('play').addEventListener('click', () => setPlaying(!playing));
  addEventListener('resize', redraw);
  const response = await fetch(new URL('./forecast.safetensors', import.meta.url));
  if (!response.ok) throw new Error(`could not load the weights (${response.status})`);
  const weights = new Uint8Array(await response.arrayBuffer());
  onBackendSwitch(() => hook.backend, (backend) => void useBackend(backend, weights).catch(showError));
  await useBackend(requestedBackend(), weights);
}

main().catch(showError);
