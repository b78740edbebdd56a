// The digit recognizer page: wires the sketchpad, the recognizer, the charts and in-tab training.
//
// For tests (and the curious), `window.wgnnDigits` holds:
//   ready      true once a recognizer is loaded (also body[data-ready="true"])
//   backend    'webgpu' or 'cpu', the backend in use (also body[data-backend])
//   weights    'pretrained' or 'trained-here' (also body[data-weights])
//   classify(pixels)  784 model-input values in [0, 1] -> the ten probabilities
//   recognize()       runs the page's own path on the drawing canvas as it is now (what a stroke
//                     triggers: preprocessing, preview, inference, chart) -> the probabilities shown
// URL parameters: ?backend=cpu, and the training budget ?trainSamples=3000&epochs=2&batch=32
// (digits and epochs also have inputs on the page).
import { toModelInput, drawInput, intensities } from './preprocess.ts';
import { LineChart } from '../shared/line-chart.ts';
import { showLayers, showLayerTimes } from '../shared/layer-table.ts';
import { digitsModel } from './model.ts';
import { ProbabilityBars } from './probability-bars.ts';
import { Recognizer } from './recognizer.ts';
import { backendButtons, onBackendSwitch, openEngine, requestedBackend, showBackend, showError, type Backend } from '../shared/backend.ts';
import { Sketchpad } from '../shared/sketchpad.ts';
import { loadDigits } from './digits-data.ts';
import { trainInTab } from './trainer.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const count = (value: string | null, fallback: number, min = 1) => Math.max(min, Math.floor(Number(value ?? fallback)) || fallback);
const samplesInput = $<HTMLInputElement>('train-samples');
const epochsInput = $<HTMLInputElement>('train-epochs');
/** The training budget: the inputs, which start from the URL's. */
const budget = () => ({ samples: count(samplesInput.value, 3000, 20), epochs: count(epochsInput.value, 2), batchSize: count(params.get('batch'), 32) });

const hook = {
  ready: false,
  backend: null as Backend | null,
  weights: 'pretrained' as 'pretrained' | 'trained-here',
  classify: async (pixels: number[]) => Array.from((await recognizer!.classify(Float32Array.from(pixels))).probabilities),
  recognize: async () => {
    await requestRecognition();
    return shown && Array.from(shown);
  },
};
(window as unknown as { wgnnDigits: typeof hook }).wgnnDigits = hook;

let recognizer: Recognizer | null = null;
let pretrained: Uint8Array;
let weights: Uint8Array;
let shown: Float32Array | null = null;
const runTimes: number[] = [];

// Recognition: at most one inference in flight; strokes during it coalesce into one more run.
const bars = new ProbabilityBars($('bars'));
// A white stroke on black, read as you draw: on a 280 px pad a digit drawn at full height ends up
// with MNIST's 2-3 px strokes at 20 px.
const pad = new Sketchpad($<HTMLCanvasElement>('pad'), { width: 20, ink: '#fff', paper: '#000', live: true, onChange: () => void requestRecognition() });
let inFlight: Promise<void> | null = null;
let dirty = false;

function requestRecognition(): Promise<void> {
  dirty = true;
  inFlight ??= (async () => {
    while (dirty) {
      dirty = false;
      await recognizeNow().catch(showError);
    }
    inFlight = null;
  })();
  return inFlight;
}

async function recognizeNow(): Promise<void> {
  const input = toModelInput(intensities(pad.image()), pad.canvas.width, pad.canvas.height);
  drawInput($<HTMLCanvasElement>('seen'), input);
  $('pad-wrap').classList.toggle('inked', input !== null);
  if (!input || !recognizer) {
    shown = null;
    bars.show(null);
    [$('top-digit').textContent, $('top-confidence').textContent] = ['?', 'draw a digit'];
    $('top-digit').classList.add('empty');
    return;
  }
  const { probabilities, ms } = await recognizer.classify(input);
  shown = probabilities;
  bars.show(probabilities);
  const top = probabilities.indexOf(Math.max(...probabilities));
  [$('top-digit').textContent, $('top-confidence').textContent] = [String(top), `${(100 * probabilities[top]).toFixed(1)}% sure`];
  $('top-digit').classList.remove('empty');
  runTimes.push(ms);
  if (runTimes.length > 25) runTimes.shift();
  const median = [...runTimes].sort((a, b) => a - b)[Math.floor(runTimes.length / 2)];
  $('run-ms').textContent = `${ms.toFixed(1)} ms`;
  $('run-ms').title = `wall time of compiled.run (upload, ${recognizer.backend === 'webgpu' ? 'dispatches, readback' : 'CPU reference loops'}); median of the last ${runTimes.length}: ${median.toFixed(1)} ms`;
}

// Backends: WebGPU by default, the CPU reference on request or when WebGPU has no adapter.
async function useBackend(backend: Backend): Promise<void> {
  setReady(false);
  await inFlight;
  const next = await Recognizer.create(await openEngine(backend), weights);
  recognizer?.dispose();
  recognizer = next;
  runTimes.length = 0;
  // GPU time per layer from one profiled run; where the adapter cannot profile, the page goes on without it.
  const profile = await next.profile(new Float32Array(784)).catch(() => null);
  showLayerTimes($<HTMLTableElement>('layers'), profile);
  $('gpu-ms').textContent = profile ? `${profile.totalMs.toFixed(2)} ms` : 'WebGPU only';
  $('gpu-ms').title = profile ? `sum of the per-layer GPU times of one profiled run (${profile.timing})` : '';
  setReady(true);
  await requestRecognition();
}

function setReady(ready: boolean): void {
  hook.ready = ready;
  hook.backend = ready ? recognizer!.backend : null;
  document.body.dataset.ready = String(ready);
  showBackend(ready ? recognizer!.engine : null);
  $<HTMLButtonElement>('train').disabled = !ready;
}

function setWeights(bytes: Uint8Array, source: typeof hook.weights): void {
  weights = bytes;
  hook.weights = source;
  document.body.dataset.weights = source;
  $('weights-in-use').textContent = source === 'pretrained' ? 'pretrained' : 'trained here';
  $('restore').hidden = source === 'pretrained';
}

// Training in the tab, with live curves.
const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), [{ name: 'loss', color: '#4f46e5' }, { name: 'held-out loss', color: '#f97316', dots: true }], { emptyMax: 2.5, format: (v) => v.toFixed(1) });
const accuracyChart = new LineChart($<HTMLCanvasElement>('accuracy-chart'), [{ name: 'accuracy', color: '#4f46e5' }, { name: 'held-out accuracy', color: '#f97316', dots: true }], { max: 1, format: (v) => `${Math.round(100 * v)}%` });

async function train(): Promise<void> {
  const section = $('train-section');
  const status = $('train-status');
  section.dataset.state = 'running';
  const controls = [$<HTMLButtonElement>('train'), $<HTMLButtonElement>('restore'), samplesInput, epochsInput, ...backendButtons()];
  const wasDisabled = controls.map((b) => b.disabled);
  controls.forEach((b) => (b.disabled = true));
  const losses: number[] = [];
  const { samples, epochs, batchSize } = budget();
  try {
    status.classList.remove('error');
    status.textContent = 'Fetching the digits…';
    const data = await loadDigits(samples, (done) => (status.textContent = `Fetching the digits… ${done}/10 classes`));
    const engine = recognizer!.engine;
    const started = performance.now();
    let lastLoss = NaN;
    const steps = epochs * Math.ceil(data.trainY.length / batchSize);
    lossChart.reset(steps);
    accuracyChart.reset(steps);
    const result = await trainInTab(engine, data, { epochs, batchSize }, {
      onStep(step, steps, logs) {
        $('train-bar').style.width = `${(100 * step) / steps}%`;
        const seconds = (performance.now() - started) / 1000;
        status.textContent = `Step ${step} of ${steps} · ${seconds.toFixed(1)} s · ${(step / seconds).toFixed(1)} steps/s on ${engine.info.backend === 'webgpu' ? 'WebGPU' : 'the CPU reference'}`;
        if (logs.loss !== undefined && logs.loss !== lastLoss) {
          lastLoss = logs.loss;
          losses.push(logs.loss);
          lossChart.add(0, step, logs.loss);
          accuracyChart.add(0, step, logs.accuracy);
        }
      },
      onEpoch(_epoch, step, logs) {
        losses.push(logs.loss);
        lossChart.add(0, step, logs.loss);
        accuracyChart.add(0, step, logs.accuracy);
        lossChart.add(1, step, logs.val_loss);
        accuracyChart.add(1, step, logs.val_accuracy);
      },
    });
    await inFlight;
    await recognizer!.load(result.weights);
    setWeights(result.weights, 'trained-here');
    const accuracy = `${(100 * result.heldOutAccuracy).toFixed(1)}%`;
    status.innerHTML = `Trained ${data.trainY.length} digits × ${epochs} epoch${epochs > 1 ? 's' : ''} in ${result.seconds.toFixed(1)} s: <strong>${accuracy}</strong> on ${data.testY.length} held-out digits. <strong>The recognizer now uses these weights.</strong>`;
    Object.assign(section.dataset, { state: 'done', heldOutAccuracy: String(result.heldOutAccuracy), seconds: result.seconds.toFixed(1) });
    void requestRecognition();
  } catch (error) {
    section.dataset.state = 'error';
    showError(error, status);
  } finally {
    Object.assign(section.dataset, { lossPoints: String(losses.length), firstLoss: String(losses[0]), lastLoss: String(losses.at(-1)) });
    controls.forEach((b, i) => (b.disabled = wasDisabled[i]));
    $('restore').hidden = hook.weights === 'pretrained';
  }
}

async function restorePretrained(): Promise<void> {
  await inFlight;
  await recognizer!.load(pretrained);
  setWeights(pretrained, 'pretrained');
  $('train-status').textContent = 'Back to the pretrained weights.';
  await requestRecognition();
}

async function main(): Promise<void> {
  const { rows, totalParams } = digitsModel();
  showLayers($<HTMLTableElement>('layers'), rows, totalParams);
  samplesInput.value = String(count(params.get('trainSamples'), 3000, 20));
  epochsInput.value = String(count(params.get('epochs'), 2));
  const showBudget = () => {
    const { samples, epochs } = budget();
    $('budget').textContent = `${samples.toLocaleString('en-US')} digits for ${epochs} epoch${epochs > 1 ? 's' : ''}`;
  };
  showBudget();
  samplesInput.addEventListener('input', showBudget);
  epochsInput.addEventListener('input', showBudget);
  onBackendSwitch(() => hook.backend, (backend) => void useBackend(backend).catch(showError));
  $('clear').addEventListener('click', () => pad.clear());
  $('train').addEventListener('click', () => void train());
  $('restore').addEventListener('click', () => void restorePretrained().catch(showError));
  const response = await fetch(new URL('./digits.safetensors', import.meta.url));
  if (!response.ok) throw new Error(`could not load the weights (${response.status})`);
  pretrained = new Uint8Array(await response.arrayBuffer());
  setWeights(pretrained, 'pretrained');
  await useBackend(requestedBackend());
}

main().catch(showError);
