// The text generator page: a prompt, a temperature, and the model's characters streamed in one
// by one, each word marked as one it trained on, a held-out real word or an invention; the next
// character's probabilities and each character's latency drawn live.
//
// For tests (and the curious), `window.wgnnText` holds:
//   ready, backend        as the other demos (also body[data-ready], body[data-backend])
//   generating            true while characters stream (also body[data-generating])
//   generated             the characters the model chose in the last run (not the prompt)
//   words                 the words completed in the last run: { word, kind: 'known' | 'held' | 'invented' }
//   latencies             each character's wall time of compiled.run, ms
//   score(words)          mean cross-entropy per character (nats) of words, each read after a separator
//   next(context)         the next character's probabilities after a context string
// URL parameter: ?seed=N makes the sampling repeatable (each Generate starts from that seed).
import { LineChart } from '../shared/line-chart.ts';
import { showLayers, showLayerTimes } from '../shared/layer-table.ts';
import { backendButtons, onBackendSwitch, openEngine, requestedBackend, showBackend, showError, type Backend } from '../shared/backend.ts';
import { CharBars } from './char-bars.ts';
import { Generator, sample } from './generator.ts';
import { textModel } from './model.ts';
import { showScores, type Measured } from './scores.ts';
import { seededRandom, splitWords, VOCAB } from './words.ts';

type Kind = 'known' | 'held' | 'invented';
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

const hook = {
  ready: false,
  backend: null as Backend | null,
  generating: false,
  generated: '',
  words: [] as { word: string; kind: Kind }[],
  latencies: [] as number[],
  score: (words: string[]) => generator!.score(words),
  next: async (context: string) => Array.from((await generator!.next(context)).probabilities),
};
(window as unknown as { wgnnText: typeof hook }).wgnnText = hook;

let generator: Generator | null = null;
let weights: Uint8Array;
let known = new Set<string>();
let held = new Set<string>();
let running: Promise<void> | null = null;
let stopRequested = false;
const bars = new CharBars($('bars'));
const latencyChart = new LineChart($<HTMLCanvasElement>('latency-chart'), [{ name: 'ms per character', color: '#4f46e5' }], { emptyMax: 10, format: (v) => `${v.toFixed(0)} ms`, xLabel: 'characters generated' });

/** The prompt as the model's alphabet: lowercase a-z, anything else a separator, runs of them one. */
const cleanPrompt = (text: string) => text.toLowerCase().replace(/[^a-z]+/g, ' ').replace(/^ +/, '');
const kindOf = (word: string): Kind => (known.has(word) ? 'known' : held.has(word) ? 'held' : 'invented');
const temperature = () => Number($<HTMLInputElement>('temperature').value);

/** The output box: the prompt's words, then each completed word in a span marked by its kind, then the word being written. */
class OutputView {
  private current!: HTMLElement;
  private given = '';
  private written = '';

  constructor(private readonly box: HTMLElement) {}

  start(prompt: string): void {
    this.box.replaceChildren();
    const words = prompt.split(' ');
    const last = words.pop()!;
    for (const word of words) this.box.append(Object.assign(document.createElement('span'), { className: 'word given', textContent: word }), ' ');
    this.newWord(last);
  }

  add(char: string): { completed: string | null } {
    if (char !== ' ') {
      this.written += char;
      this.render();
      return { completed: null };
    }
    const word = this.given + this.written;
    this.current.classList.remove('current');
    if (word) this.current.classList.add(kindOf(word));
    this.current.dataset.kind = word ? kindOf(word) : '';
    this.box.append(' ');
    this.newWord('');
    return { completed: word || null };
  }

  finish(): void {
    this.current.classList.remove('current');
  }

  private newWord(given: string): void {
    [this.given, this.written] = [given, ''];
    this.current = Object.assign(document.createElement('span'), { className: 'word current' });
    this.box.append(this.current);
    this.render();
  }

  private render(): void {
    this.current.replaceChildren(Object.assign(document.createElement('b'), { textContent: this.given }), this.written);
  }
}
const view = new OutputView($('output'));

function showCounts(): void {
  const count = (kind: Kind) => hook.words.filter((w) => w.kind === kind).length;
  $('word-counts').textContent = hook.words.length ? `${count('known')} seen · ${count('held')} held out · ${count('invented')} invented` : '–';
}

function showTimes(started: number): void {
  const sorted = [...hook.latencies].sort((a, b) => a - b);
  $('char-ms').textContent = `${hook.latencies.at(-1)!.toFixed(1)} ms`;
  $('median-ms').textContent = `${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms`;
  $('chars-per-s').textContent = `${((1000 * hook.latencies.length) / (performance.now() - started)).toFixed(0)} chars/s`;
}

async function generate(): Promise<void> {
  const length = Math.max(1, Math.floor(Number($<HTMLInputElement>('length').value)) || 300);
  const random = seededRandom(params.has('seed') ? Number(params.get('seed')) : Math.floor(Math.random() * 2 ** 32));
  let text = cleanPrompt($<HTMLInputElement>('prompt').value);
  Object.assign(hook, { generated: '', words: [], latencies: [] });
  view.start(text);
  latencyChart.reset(length);
  showCounts();
  const started = performance.now();
  for (let i = 0; i < length && !stopRequested; i++) {
    const context = Generator.context(text);
    const { probabilities, ms } = await generator!.next(context);
    const { id, tempered } = sample(probabilities, temperature(), random);
    const char = VOCAB[id];
    text += char;
    hook.generated += char;
    hook.latencies.push(ms);
    const { completed } = view.add(char);
    if (completed) {
      hook.words.push({ word: completed, kind: kindOf(completed) });
      showCounts();
    }
    $('context').textContent = context.replaceAll(' ', '␣');
    bars.show(tempered, id);
    latencyChart.add(0, i + 1, ms);
    showTimes(started);
    await new Promise(requestAnimationFrame); // let the page paint: the text visibly streams
  }
  view.finish();
}

function setGenerating(on: boolean): void {
  hook.generating = on;
  document.body.dataset.generating = String(on);
  $<HTMLButtonElement>('generate').disabled = on || !hook.ready;
  $<HTMLButtonElement>('stop').disabled = !on;
}

function requestGenerate(): void {
  if (running || !generator) return;
  stopRequested = false;
  setGenerating(true);
  running = generate()
    .catch(showError)
    .finally(() => {
      running = null;
      setGenerating(false);
    });
}

async function stop(): Promise<void> {
  stopRequested = true;
  await running;
}

async function useBackend(backend: Backend): Promise<void> {
  await stop();
  setReady(false);
  const next = await Generator.create(await openEngine(backend), weights);
  generator?.dispose();
  generator = next;
  // GPU time per layer from one profiled run; where the adapter cannot profile, the page goes on without it.
  showLayerTimes($<HTMLTableElement>('layers'), await next.profile().catch(() => null));
  setReady(true);
}

function setReady(ready: boolean): void {
  hook.ready = ready;
  hook.backend = ready ? generator!.backend : null;
  document.body.dataset.ready = String(ready);
  showBackend(ready ? generator!.engine : null);
  setGenerating(false);
}

async function main(): Promise<void> {
  const { rows, totalParams } = textModel(null);
  showLayers($<HTMLTableElement>('layers'), rows, totalParams);
  const temperatureInput = $<HTMLInputElement>('temperature');
  const showTemperature = () => ($('temperature-value').textContent = temperature().toFixed(2));
  temperatureInput.value = params.get('temperature') ?? temperatureInput.value;
  showTemperature();
  temperatureInput.addEventListener('input', showTemperature);
  $('generate').addEventListener('click', requestGenerate);
  $('stop').addEventListener('click', () => void stop());
  $('prompt').addEventListener('keydown', (e) => e.key === 'Enter' && requestGenerate());
  onBackendSwitch(() => hook.backend, (backend) => void useBackend(backend).catch(showError));

  const fetched = async (file: string) => {
    const response = await fetch(new URL(file, import.meta.url));
    if (!response.ok) throw new Error(`could not load ${file} (${response.status})`);
    return response;
  };
  const [weightsFile, wordsFile, measuredFile] = await Promise.all([fetched('./text.safetensors'), fetched('./words.txt'), fetched('./text.json')]);
  weights = new Uint8Array(await weightsFile.arrayBuffer());
  const split = splitWords(await wordsFile.text());
  [known, held] = [new Set(split.train), new Set(split.heldOut)];
  const measured = (await measuredFile.json()) as Measured;
  $('train-words').textContent = measured.trainWords.toLocaleString('en-US');
  showScores($('scores'), measured);
  $('model-bits').textContent = (measured.heldOut.model / Math.LN2).toFixed(2);
  $('bigram-bits').textContent = (measured.heldOut.bigram / Math.LN2).toFixed(2);
  await useBackend(requestedBackend());
  requestGenerate();
}

main().catch(showError);
