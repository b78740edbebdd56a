// The motion page: plays a generated scene (or a path the user drew) frame by frame, and after
// every frame classifies the last T frames with the CNN+LSTM, showing the verdict on a compass rose.
//
// For tests (and the curious), `window.wgnnMotion` holds:
//   ready      true once a recognizer is loaded (also body[data-ready="true"])
//   backend    'webgpu' or 'cpu', the backend in use (also body[data-backend])
//   classes    the class names, in the model's output order
//   pause() / play()   stop or restart the playback (the verdict then stays as it is)
//   classifyClip(seed) pauses, shows the clip randomClip(new Rng(seed)) generates (the kind the
//                      model trained on) as the window, and runs the page's own path on it (inference,
//                      rose, verdict, film strip) -> { label, probabilities shown }
//   recognize()        runs that path on the window as it is -> the probabilities shown
//   pathVerdict()      the verdict on the whole of the last drawn path (the mean of its windows'
//                      probabilities) -> { motion, probabilities, windows } or null before any path
// URL parameters: ?backend=cpu, ?seed=<n> (the scene's random stream).
import { backendButtons, onBackendSwitch, openEngine, requestedBackend, showBackend, showError, type Backend } from '../shared/backend.ts';
import { showLayers, showLayerTimes } from '../shared/layer-table.ts';
import { CLASSES, motionOf, pathFrames, randomClip, RANGES, Rng, Scene, SHAPES, SIZE, STILL, T, velocity, type SceneOptions, type Shape } from './clips.ts';
import { ARROWS, CompassRose } from './compass.ts';
import { motionModel } from './model.ts';
import { ClipCanvas, drawFrame, type Point } from './player.ts';
import { CLIP_VALUES, Recognizer } from './recognizer.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const FPS = 8;

/** A frame as played, with the shape's displacement since the previous frame (for the "truth"). */
interface Played {
  pixels: Float32Array;
  dx: number;
  dy: number;
}

type PathResult = { motion: string; probabilities: number[]; windows: number };

const hook = {
  ready: false,
  backend: null as Backend | null,
  classes: [...CLASSES] as string[],
  pause: () => setPlaying(false),
  play: () => setPlaying(true),
  classifyClip: async (seed: number) => {
    setPlaying(false);
    const { frames, label } = randomClip(new Rng(seed));
    const [dx, dy] = [NaN, NaN]; // a random clip's truth is its label
    showWindow(Array.from({ length: T }, (_, t) => ({ pixels: frames.slice(t * SIZE * SIZE, (t + 1) * SIZE * SIZE), dx, dy })), label);
    await requestRecognition();
    return { label: CLASSES[label], probabilities: shown && Array.from(shown) };
  },
  recognize: async () => {
    await requestRecognition();
    return shown && Array.from(shown);
  },
  pathVerdict: async (): Promise<PathResult | null> => pathAnalysis,
};
(window as unknown as { wgnnMotion: typeof hook }).wgnnMotion = hook;

let recognizer: Recognizer | null = null;
let weights: Uint8Array;
let shown: Float32Array | null = null;
let verdicts = 0;
const runTimes: number[] = [];

// What plays: a generated scene, steered by the controls, or a drawn path (looping).
const rng = new Rng(Number(params.get('seed') ?? 7));
const options: SceneOptions = { shape: 'disc', motion: 0, speed: 1.5, noise: 0.08, distractors: 1 };
const scene = new Scene(options, rng);
let path: { frames: Float32Array[]; positions: Point[]; next: number } | null = null;
let pathAnalysis: Promise<PathResult | null> = Promise.resolve(null);
/** The last T frames played (the model's window), and the truth of a clip shown whole (or null). */
let recent: Played[] = [];
let clipLabel: number | null = null;
let frameCount = 0;
let timer: number | undefined;

const rose = new CompassRose($<HTMLCanvasElement>('rose'));
const clip = new ClipCanvas($<HTMLCanvasElement>('clip'), { onPathStart: () => setPlaying(false), onPath: playPath });
const strip = Array.from({ length: T }, (_, t) => {
  const figure = document.createElement('figure');
  figure.innerHTML = `<canvas></canvas><figcaption>t${t === T - 1 ? '' : `−${T - 1 - t}`}</figcaption>`;
  $('strip').append(figure);
  return figure.querySelector('canvas')!;
});

function tick(): void {
  let played: Played;
  if (path) {
    if (path.next === 0) recent = []; // the loop jumps back: a fresh window, not a jump the model would read as motion
    const i = path.next;
    const previous = path.positions[Math.max(i - 1, 0)];
    played = { pixels: path.frames[i], dx: path.positions[i].x - previous.x, dy: path.positions[i].y - previous.y };
    path.next = (i + 1) % path.frames.length;
  } else {
    const [dx, dy] = velocity(options.motion, options.speed);
    played = { pixels: scene.next(), dx, dy };
  }
  frameCount++;
  clipLabel = null;
  recent.push(played);
  if (recent.length > T) recent.shift();
  clip.show(played.pixels);
  $('frame-rate').textContent = `${FPS} frames/s · frame ${frameCount}`;
  if (recent.length === T) void requestRecognition();
}

function setPlaying(playing: boolean): void {
  clearInterval(timer);
  timer = playing ? window.setInterval(tick, 1000 / FPS) : undefined;
  $('play').textContent = playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(playing));
}

/** Shows a whole clip as the window (a test's held-out clip). */
function showWindow(frames: Played[], label: number): void {
  recent = frames;
  clipLabel = label;
  clip.path = null;
  clip.show(frames[T - 1].pixels);
}

// Recognition: at most one inference in flight; frames during it coalesce into one more run on the latest window.
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
  if (!recognizer || recent.length < T) return;
  const window = [...recent];
  const truth = clipLabel ?? motionOf(window.slice(1).reduce((s, f) => s + f.dx, 0), window.slice(1).reduce((s, f) => s + f.dy, 0), 2);
  const input = new Float32Array(CLIP_VALUES);
  window.forEach((f, t) => input.set(f.pixels, t * SIZE * SIZE));
  const { probabilities, ms } = await recognizer.classify(input);
  shown = probabilities;
  const top = probabilities.indexOf(Math.max(...probabilities));
  rose.show(probabilities);
  window.forEach((f, t) => drawFrame(strip[t], f.pixels));
  $('verdict-arrow').textContent = ARROWS[top];
  $('verdict-arrow').classList.remove('empty');
  $('verdict-name').textContent = CLASSES[top];
  $('verdict-confidence').textContent = `${(100 * probabilities[top]).toFixed(1)}% sure`;
  Object.assign($('answer').dataset, { motion: CLASSES[top], probabilities: JSON.stringify(Array.from(probabilities)) });
  const source = clipLabel !== null ? 'this clip' : path ? 'your path in these frames' : 'the shape';
  const right = top === truth;
  $('truth').innerHTML = `${source} ${truth === STILL ? 'stands still' : `moves ${ARROWS[truth]} ${CLASSES[truth]}`} <span class="${right ? 'hit' : 'miss'}">${right ? '✓ right' : '✗ missed'}</span>`;
  $('verdict-count').textContent = String(++verdicts);
  runTimes.push(ms);
  if (runTimes.length > 25) runTimes.shift();
  const median = [...runTimes].sort((a, b) => a - b)[Math.floor(runTimes.length / 2)];
  $('run-ms').textContent = `${ms.toFixed(1)} ms`;
  $('run-ms').title = `wall time of compiled.run for one clip of ${T} frames (upload, ${recognizer.backend === 'webgpu' ? 'dispatches, readback' : 'CPU reference loops'}); median of the last ${runTimes.length}: ${median.toFixed(1)} ms`;
}

// A drawn path: the shape follows it at the chosen speed, in a loop; the whole path gets a verdict too.
function playPath(points: Point[]): void {
  const length = points.slice(1).reduce((s, p, i) => s + Math.hypot(p.x - points[i].x, p.y - points[i].y), 0);
  if (length < 1) {
    // A click, not a drag: back to the generated scene.
    clip.path = null;
    leavePath();
    return;
  }
  path = { ...pathFrames(points, options, rng), next: 0 };
  $('source').textContent = 'your path';
  $('source').classList.add('path');
  const frames = path.frames;
  pathAnalysis = analysePath(frames).catch((error) => (showError(error), null));
  setPlaying(true);
}

/** The mean of the probabilities of every window of T frames along the path. */
async function analysePath(frames: Float32Array[]): Promise<PathResult | null> {
  const note = $('path-verdict');
  note.hidden = false;
  note.textContent = 'Reading your whole path…';
  const sum = new Float64Array(CLASSES.length);
  const windows = frames.length - T + 1;
  for (let start = 0; start < windows; start++) {
    const input = new Float32Array(CLIP_VALUES);
    for (let t = 0; t < T; t++) input.set(frames[start + t], t * SIZE * SIZE);
    const { probabilities } = await recognizer!.classify(input);
    probabilities.forEach((p, i) => (sum[i] += p / windows));
  }
  const probabilities = Array.from(sum);
  const top = probabilities.indexOf(Math.max(...probabilities));
  note.innerHTML = `Your whole path (${frames.length} frames, ${windows} window${windows > 1 ? 's' : ''} of ${T}): <strong>${ARROWS[top]} ${CLASSES[top]}</strong>, ${(100 * probabilities[top]).toFixed(0)}% on average.`;
  note.dataset.motion = CLASSES[top];
  return { motion: CLASSES[top], probabilities, windows };
}

function leavePath(): void {
  if (!path && clip.path === null) return;
  path = null;
  clip.path = null;
  recent = [];
  $('source').textContent = 'generated';
  $('source').classList.remove('path');
  $('path-verdict').hidden = true;
}

// Controls.
function buildControls(): void {
  // A 3x3 pad: the eight directions around "still".
  const layout = [3, 2, 1, 4, STILL, 0, 5, 6, 7];
  $('directions').innerHTML = layout.map((m) => `<button type="button" data-motion="${m}" title="${CLASSES[m]}" aria-label="${CLASSES[m]}">${ARROWS[m]}</button>`).join('');
  $('shapes').innerHTML = SHAPES.map((s) => `<button type="button" data-shape="${s}">${s}</button>`).join('');
  $('directions').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-motion]');
    if (button) steer({ motion: Number(button.dataset.motion) });
  });
  $('shapes').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-shape]');
    if (button) steer({ shape: button.dataset.shape as Shape });
  });
  for (const key of ['speed', 'noise', 'distractors'] as const) $<HTMLInputElement>(key).addEventListener('input', (e) => steer({ [key]: Number((e.target as HTMLInputElement).value) }));
  $('play').addEventListener('click', () => setPlaying(timer === undefined));
  $('surprise').addEventListener('click', () =>
    steer({
      motion: Math.floor(Math.random() * CLASSES.length),
      shape: SHAPES[Math.floor(Math.random() * SHAPES.length)],
      speed: Math.round(10 * (RANGES.speed[0] + Math.random() * (RANGES.speed[1] - RANGES.speed[0]))) / 10,
      noise: Math.round(100 * Math.random() * RANGES.noise[1]) / 100,
      distractors: Math.floor(Math.random() * (RANGES.distractors[1] + 1)),
    }),
  );
  showControls();
}

/** Changes the scene (leaving a drawn path for the direction and shape), and shows the controls' state. */
function steer(change: Partial<SceneOptions>): void {
  if ('motion' in change || 'shape' in change) leavePath();
  Object.assign(options, change);
  showControls();
  if (timer === undefined) setPlaying(true);
}

function showControls(): void {
  for (const b of Array.from($('directions').querySelectorAll<HTMLButtonElement>('button'))) b.setAttribute('aria-pressed', String(!path && Number(b.dataset.motion) === options.motion));
  for (const b of Array.from($('shapes').querySelectorAll<HTMLButtonElement>('button'))) b.setAttribute('aria-pressed', String(b.dataset.shape === options.shape));
  for (const key of ['speed', 'noise', 'distractors'] as const) {
    $<HTMLInputElement>(key).value = String(options[key]);
    $(`${key}-value`).textContent = key === 'speed' ? `${options.speed.toFixed(1)} px/frame` : key === 'noise' ? options.noise.toFixed(2) : String(options.distractors);
  }
}

// Backends: WebGPU by default, the CPU reference on request or when WebGPU has no adapter.
async function useBackend(backend: Backend): Promise<void> {
  setReady(false);
  await inFlight;
  await pathAnalysis;
  const next = await Recognizer.create(await openEngine(backend), weights);
  recognizer?.dispose();
  recognizer = next;
  runTimes.length = 0;
  // GPU time per layer from one profiled run; where the adapter cannot profile, the page goes on without it.
  const profile = await next.profile(new Float32Array(CLIP_VALUES)).catch(() => null);
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
}

async function main(): Promise<void> {
  const { rows, totalParams } = motionModel();
  showLayers($<HTMLTableElement>('layers'), rows, totalParams);
  buildControls();
  onBackendSwitch(() => hook.backend, (backend) => void useBackend(backend).catch(showError));
  const response = await fetch(new URL('./motion.safetensors', import.meta.url));
  if (!response.ok) throw new Error(`could not load the weights (${response.status})`);
  weights = new Uint8Array(await response.arrayBuffer());
  setPlaying(true);
  await useBackend(requestedBackend());
}

main().catch(showError);
