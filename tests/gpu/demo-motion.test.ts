// The motion page (demos/motion/) in headless Chromium on WebGPU: it classifies live while the
// clip plays; 40 freshly generated clips from seeds the training never used go through the page's
// own path (window, inference, rose, verdict) and most are named right; a path dragged with the
// mouse from left to right is named "right". Writes docs/screenshots/motion.png (a clip playing,
// with its verdict).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const harness = inject('gpuHarness');
let opened: Awaited<ReturnType<typeof openPage>> | undefined;

/** Far from the training script's seeds (1 and 2, one stream each): clips it never saw. */
const TEST_SEED = 1_000_000;
const CLIPS = 40;

beforeAll(async () => {
  if (harness.unavailable) return;
  opened = await openPage('demos/motion/index.html');
  await opened.page.setViewport({ width: 1200, height: 900 });
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('names the motion of held-out clips and of a path drawn with the mouse, live while the clip plays', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  // A page that fell back to the CPU reference found no adapter: that fails here.
  expect(await page.evaluate(() => (window as any).wgnnMotion.backend)).toBe('webgpu');
  expect(await page.$eval('#fallback', (e) => (e as HTMLElement).hidden)).toBe(true);
  // The clip plays and the verdicts come by themselves.
  await page.waitForFunction(() => Number(document.getElementById('verdict-count')!.textContent) >= 2, { timeout: 20_000 });

  let correct = 0;
  const misses: string[] = [];
  for (let i = 0; i < CLIPS; i++) {
    const { label, probabilities } = await page.evaluate((seed) => (window as any).wgnnMotion.classifyClip(seed), TEST_SEED + i);
    const answer = await page.$eval('#answer', (e) => ({ ...(e as HTMLElement).dataset }));
    expect(JSON.parse(answer.probabilities!)).toEqual(probabilities);
    expect(Math.abs(probabilities.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-4);
    if (answer.motion === label) correct++;
    else misses.push(`${label} named ${answer.motion}`);
  }
  // Nine classes: chance is 11%.
  expect(correct, `${correct} of ${CLIPS}; misses: ${misses.join(', ')}`).toBeGreaterThanOrEqual(0.8 * CLIPS);
  expect(await page.$eval('#run-ms', (e) => e.textContent)).toMatch(/^\d+\.\d ms$/);
  expect(await page.$eval('#gpu-ms', (e) => e.textContent)).toMatch(/^\d+\.\d\d ms$/);
  expect(await page.$$eval('#layers tbody tr', (rows) => rows.length)).toBe(6);
  expect(await page.$eval('#total-params', (e) => e.textContent)).toBe('41,465');

  // A path dragged across the clip from left to right: the shape follows it and the model names it.
  const box = (await (await page.$('#clip'))!.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.12, box.y + box.height * 0.55);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.88, box.y + box.height * 0.45, { steps: 12 });
  await page.mouse.up();
  expect(await page.$eval('#source', (e) => e.textContent)).toBe('your path');
  const path = await page.evaluate(() => (window as any).wgnnMotion.pathVerdict());
  expect(path.windows).toBeGreaterThanOrEqual(1);
  expect(path.motion, JSON.stringify(path.probabilities)).toBe('right');
  expect(await page.$eval('#path-verdict', (e) => (e as HTMLElement).dataset.motion)).toBe('right');

  // Back to a generated clip going up-left: the live verdict follows it; the screenshot shows it playing.
  await page.click('#directions button[data-motion="3"]');
  expect(await page.$eval('#source', (e) => e.textContent)).toBe('generated');
  await page.waitForSelector('#answer[data-motion="up-left"]', { timeout: 20_000 });
  mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
  await page.screenshot({ path: join(ROOT, 'docs/screenshots/motion.png'), fullPage: true });
  expect(opened!.errors).toEqual([]);
});
