// The super-resolution page: a picture (a generated sample, an upload or a drawing) shrunk 3x,
// enlarged back by bicubic interpolation and by ESPCN, shown side by side under a draggable line.
//
// For tests (and the curious), `window.wgnnSuperres` holds:
//   ready    true once the model is loaded (also body[data-ready="true"])
//   backend  'webgpu' or 'cpu', the backend in use (also body[data-backend])
//   showSample(kind, seed)  runs the page's own path on that generated picture (what the sample
//            buttons do) -> the scores shown: { psnrBicubic, psnrEspcn, width, height, ms }
//   scores()  the scores of the picture in view (null PSNRs where it has no original)
// URL parameter: ?backend=cpu.
import { layerTable } from './model.ts';
import { bicubicUpscale, psnr, toRgba, type GreyImage } from './images.ts';
import { CompareView } from './compare-view.ts';
import { Sketchpad } from '../shared/sketchpad.ts';
import { drawingPicture, samplePicture, uploadPicture, type Picture } from './pictures.ts';
import { PAGE_SEED, TEXTURE_KINDS, type TextureKind } from './textures.ts';
import { Upscaler } from './upscaler.ts';
import { showLayers, showLayerTimes } from '../shared/layer-table.ts';
import { onBackendSwitch, openEngine, requestedBackend, showBackend, showError, type Backend } from '../shared/backend.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const buttons = (selector: string) => Array.from(document.querySelectorAll<HTMLButtonElement>(selector));

interface Scores {
  psnrBicubic: number | null;
  psnrEspcn: number | null;
  width: number;
  height: number;
  ms: number;
}

const hook = {
  ready: false,
  backend: null as Backend | null,
  showSample: async (kind: TextureKind, seed: number) => {
    await show(samplePicture(kind, seed));
    return shown;
  },
  scores: () => shown,
};
(window as unknown as { wgnnSuperres: typeof hook }).wgnnSuperres = hook;

let upscaler: Upscaler | null = null;
let weights: Uint8Array;
let picture: Picture;
let shown: Scores | null = null;
let sample = { kind: 'checkers' as TextureKind, seed: PAGE_SEED };
let pair: [string, string] = ['bicubic', 'espcn'];
let views: Record<string, ImageData | null> = {};
let tableSize = '';
const compare = new CompareView($('compare'));
// Dark strokes on white, enlarged when a stroke ends.
const pad = new Sketchpad($<HTMLCanvasElement>('pad'), {
  width: 5,
  ink: '#1c2030',
  paper: '#fff',
  live: false,
  onChange: () => {
    $('pad-wrap').classList.toggle('inked', pad.inked);
    if (pad.inked) void show(drawingPicture(pad.image())).catch(showError);
  },
});

// Enlarging: at most one run in flight; a newer picture waits for it, and only the latest runs.
let inFlight: Promise<void> | null = null;
let next: Picture | null = null;

function show(p: Picture): Promise<void> {
  next = p;
  inFlight ??= (async () => {
    while (next) {
      picture = next;
      next = null;
      await enlarge(picture).catch(showError);
    }
    inFlight = null;
  })();
  return inFlight;
}

const rgba = (y: GreyImage, chroma?: { cb: GreyImage; cr: GreyImage }) => new ImageData(toRgba(y, chroma), y.width, y.height);

async function enlarge(p: Picture): Promise<void> {
  if (!upscaler) return;
  const { low, original } = p;
  const newSize = upscaler.isNewSize(low.y);
  const chroma = low.chroma && { cb: bicubicUpscale(low.chroma.cb), cr: bicubicUpscale(low.chroma.cr) };
  const bicubic = bicubicUpscale(low.y);
  const { image: espcn, ms } = await upscaler.upscale(low.y);
  views = { bicubic: rgba(bicubic, chroma), espcn: rgba(espcn, chroma), original: original && rgba(original.y, original.chroma) };
  const lowView = $<HTMLCanvasElement>('low');
  [lowView.width, lowView.height] = [low.y.width, low.y.height];
  lowView.getContext('2d')!.putImageData(rgba(low.y, low.chroma), 0, 0);
  $('low-size').textContent = `${low.y.width} × ${low.y.height} → ${espcn.width} × ${espcn.height}`;
  $('source-name').textContent = p.name;
  shown = {
    psnrBicubic: original && psnr(bicubic, original.y),
    psnrEspcn: original && psnr(espcn, original.y),
    width: espcn.width,
    height: espcn.height,
    ms,
  };
  showScores(shown, newSize);
  if (!original && pair.includes('original')) pair = ['bicubic', 'espcn'];
  showPair();
  // The table's shapes follow the input size; its GPU times come from one profiled run per size.
  const size = `${low.y.width}x${low.y.height}`;
  if (newSize || size !== tableSize) await profile(p);
  tableSize = size;
}

function showScores(s: Scores, newSize: boolean): void {
  const dB = (v: number | null) => (v === null ? 'no original' : `${v.toFixed(2)} dB`);
  $('psnr-bicubic').textContent = dB(s.psnrBicubic);
  $('psnr-espcn').textContent = dB(s.psnrEspcn);
  const gain = s.psnrBicubic === null || s.psnrEspcn === null ? null : s.psnrEspcn - s.psnrBicubic;
  $('psnr-gain').textContent = gain === null ? '–' : `${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(2)} dB`;
  $('psnr-gain').classList.toggle('better', gain !== null && gain > 0);
  $('run-ms').textContent = `${s.ms.toFixed(1)} ms`;
  $('run-ms').title = newSize ? 'the first run at this size, which also built its plan' : `wall time of compiled.run (upload, ${upscaler!.backend === 'webgpu' ? 'dispatches, readback' : 'CPU reference loops'})`;
}

/** The layer table for this input size, with each layer's GPU time from one profiled run where the backend can. */
async function profile(p: Picture): Promise<void> {
  const { rows, totalParams } = layerTable(upscaler!.espcn, p.low.y.height, p.low.y.width);
  showLayers($<HTMLTableElement>('layers'), rows, totalParams);
  const result = await upscaler!.profile(p.low.y).catch(() => null);
  showLayerTimes($<HTMLTableElement>('layers'), result);
  $('gpu-ms').textContent = result ? `${result.totalMs.toFixed(2)} ms` : 'WebGPU only';
  $('gpu-ms').title = result ? `sum of the per-layer GPU times of one profiled run at ${p.low.y.width} × ${p.low.y.height} (${result.timing})` : '';
}

const LABELS: Record<string, string> = { bicubic: 'bicubic', espcn: 'ESPCN', original: 'original' };

function showPair(): void {
  const [left, right] = pair;
  if (views[left] && views[right]) compare.show(views[left]!, views[right]!);
  $('tag-left').textContent = LABELS[left];
  $('tag-right').textContent = LABELS[right];
  for (const b of buttons('button[data-pair]')) {
    b.setAttribute('aria-pressed', String(b.dataset.pair === pair.join(',')));
    b.disabled = b.dataset.pair!.includes('original') && !views.original;
  }
}

// Backends: WebGPU by default, the CPU reference on request or when WebGPU has no adapter.
async function useBackend(backend: Backend): Promise<void> {
  setReady(false);
  await inFlight;
  const created = await Upscaler.create(await openEngine(backend), weights);
  upscaler?.dispose();
  upscaler = created;
  setReady(true);
  await show(picture);
}

function setReady(ready: boolean): void {
  hook.ready = ready;
  hook.backend = ready ? upscaler!.backend : null;
  document.body.dataset.ready = String(ready);
  showBackend(ready ? upscaler!.engine : null);
}

function showSampleButtons(): void {
  $('samples').innerHTML = TEXTURE_KINDS.map((k) => `<button type="button" class="sample" data-kind="${k}"><canvas width="48" height="48"></canvas><span>${k}</span></button>`).join('');
  for (const button of buttons('button[data-kind]')) {
    const kind = button.dataset.kind as TextureKind;
    const thumb = samplePicture(kind, PAGE_SEED).original!.y;
    const canvas = button.querySelector('canvas')!;
    [canvas.width, canvas.height] = [thumb.width, thumb.height];
    canvas.getContext('2d')!.putImageData(rgba(thumb), 0, 0);
    button.addEventListener('click', () => pickSample(kind, PAGE_SEED));
  }
}

function pickSample(kind: TextureKind, seed: number): void {
  sample = { kind, seed };
  for (const b of buttons('button[data-kind]')) b.setAttribute('aria-pressed', String(b.dataset.kind === kind));
  void show(samplePicture(kind, seed)).catch(showError);
}

async function upload(file: File): Promise<void> {
  const bitmap = await createImageBitmap(file);
  await show(uploadPicture(file.name, bitmap, $<HTMLInputElement>('as-low-res').checked));
  bitmap.close();
}

async function main(): Promise<void> {
  showSampleButtons();
  onBackendSwitch(() => hook.backend, (backend) => void useBackend(backend).catch(showError));
  $('another').addEventListener('click', () => pickSample(sample.kind, sample.seed + 1));
  $('clear').addEventListener('click', () => pad.clear());
  $('upload').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void upload(file).catch(showError);
  });
  for (const b of buttons('button[data-pair]')) {
    b.addEventListener('click', () => {
      pair = b.dataset.pair!.split(',') as [string, string];
      showPair();
    });
  }
  picture = samplePicture(sample.kind, sample.seed);
  pickSample(sample.kind, sample.seed);
  const response = await fetch(new URL('./superres.safetensors', import.meta.url));
  if (!response.ok) throw new Error(`could not load the weights (${response.status})`);
  weights = new Uint8Array(await response.arrayBuffer());
  await useBackend(requestedBackend());
}

main().catch(showError);
