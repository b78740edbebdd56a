// The super-resolution page (demos/superres/) in headless Chromium on WebGPU: on held-out generated
// pictures (seeds the training script never uses) the page's ESPCN output beats its bicubic
// baseline in PSNR by at least 0.5 dB on average, the bicubic scores match the same computation in
// Node, the comparison line follows a mouse drag, and an upload and a mouse drawing are enlarged
// and scored. Writes docs/screenshots/superres.png (shown in the README).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';
import { areaDownscale, bicubicUpscale, psnr } from '../../demos/superres/images.ts';
import { samplePicture } from '../../demos/superres/pictures.ts';
import { HELD_OUT_SEED, PAGE_SEED, TEXTURE_KINDS } from '../../demos/superres/textures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const harness = inject('gpuHarness');
let opened: Awaited<ReturnType<typeof openPage>> | undefined;

interface Scores { psnrBicubic: number | null; psnrEspcn: number | null; width: number; height: number; ms: number }
const showSample = (kind: string, seed: number): Promise<Scores> => opened!.page.evaluate((k, s) => (window as any).wgnnSuperres.showSample(k, s), kind, seed);
const text = (id: string) => opened!.page.$eval(id, (e) => e.textContent);

beforeAll(async () => {
  if (harness.unavailable) return;
  opened = await openPage('demos/superres/index.html');
  await opened.page.setViewport({ width: 1200, height: 900 });
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('beats bicubic on held-out pictures, follows the slider, enlarges an upload and a drawing', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  // A page that fell back to the CPU reference found no adapter: that fails here.
  expect(await page.evaluate(() => (window as any).wgnnSuperres.backend)).toBe('webgpu');
  expect(await page.$eval('#fallback', (e) => (e as HTMLElement).hidden)).toBe(true);

  // Held-out pictures, one of each kind: training uses seeds below the patch count (thousands).
  const gains: string[] = [];
  let sum = 0;
  for (const [i, kind] of TEXTURE_KINDS.entries()) {
    const seed = HELD_OUT_SEED + 500 + i;
    const scores = await showSample(kind, seed);
    expect([scores.width, scores.height]).toEqual([192, 192]);
    const truth = samplePicture(kind, seed).original!.y;
    expect(scores.psnrBicubic).toBeCloseTo(psnr(bicubicUpscale(areaDownscale(truth)), truth), 4);
    expect(await text('#psnr-bicubic')).toBe(`${scores.psnrBicubic!.toFixed(2)} dB`);
    expect(await text('#psnr-espcn')).toBe(`${scores.psnrEspcn!.toFixed(2)} dB`);
    sum += scores.psnrEspcn! - scores.psnrBicubic!;
    gains.push(`${kind} ${scores.psnrBicubic!.toFixed(2)} -> ${scores.psnrEspcn!.toFixed(2)}`);
  }
  console.log(`superres, held-out PSNR bicubic -> ESPCN: ${gains.join(', ')}; mean gain ${(sum / TEXTURE_KINDS.length).toFixed(2)} dB`);
  expect(sum / TEXTURE_KINDS.length, gains.join(', ')).toBeGreaterThanOrEqual(0.5);
  expect(await text('#run-ms')).toMatch(/^\d+\.\d ms$/);
  expect(await text('#gpu-ms')).toMatch(/^\d+\.\d\d ms$/);
  expect(await page.$$eval('#layers tbody tr', (rows) => rows.length)).toBe(5);
  expect(await text('#total-params')).toBe('22,729');
  expect(await page.$eval('#layers tbody tr:last-child .shape', (e) => e.textContent)).toBe('192 × 192 × 1');

  // Dragging the line to a quarter of the width shows the left picture over that quarter only.
  const box = (await (await page.$('#compare'))!.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  expect(Number(await page.$eval('#compare', (e) => (e as HTMLElement).dataset.split))).toBeCloseTo(0.25, 2);

  // An upload (a PNG of the digit page) is shrunk, enlarged and scored against itself.
  const input = (await page.$('#upload'))!;
  await (input as any).uploadFile(join(ROOT, 'docs/screenshots/digits.png'));
  await page.waitForFunction(() => document.getElementById('source-name')!.textContent === 'digits.png', { timeout: 30_000 });
  await page.evaluate(() => new Promise(requestAnimationFrame));
  const uploaded: Scores = await page.evaluate(() => (window as any).wgnnSuperres.scores());
  expect(Number.isFinite(uploaded.psnrEspcn)).toBe(true);
  expect(Math.max(uploaded.width, uploaded.height)).toBeLessThanOrEqual(192);

  // A mouse drawing becomes the picture.
  const pad = (await (await page.$('#pad'))!.boundingBox())!;
  await page.mouse.move(pad.x + pad.width * 0.2, pad.y + pad.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.8, pad.y + pad.height * 0.7, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => document.getElementById('source-name')!.textContent === 'your drawing', { timeout: 30_000 });
  const drawn: Scores = await page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 0));
    return (window as any).wgnnSuperres.scores();
  });
  expect(drawn.psnrEspcn).toBeGreaterThan(20);

  // The screenshot: the page's first sample (checkers), the line in the middle.
  await showSample('checkers', PAGE_SEED);
  await page.evaluate(() => (document.querySelector('button[data-kind="checkers"]') as HTMLButtonElement).setAttribute('aria-pressed', 'true'));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.up();
  mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'docs/screenshots/superres.png'), fullPage: true });
  expect(opened!.errors).toEqual([]);
});
