// The forecasting page (demos/forecast/) in headless Chromium on WebGPU: 30 freshly generated
// held-out windows (seeds and times the training script never drew) go through the page's own
// path (window, normalization, inference, chart, error panel) via window.wgnnForecast.show; the
// GRU's squared error, computed here from what the page returns, must be well under the naive
// last-value forecast's. The controls move the signal, the CPU reference backend forecasts the
// same values, and there are no console errors. Writes docs/screenshots/forecast.png.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { FAMILIES, HORIZON, LOOKBACK, mse, sample, seasonalNaiveForecast, type SignalSpec } from '../../demos/forecast/signals.ts';
import { openPage } from '../harness/gpu-suite.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const harness = inject('gpuHarness');
let opened: Awaited<ReturnType<typeof openPage>> | undefined;

interface Shown {
  spec: SignalSpec;
  time: number;
  history: number[];
  truth: number[];
  forecast: number[];
  lastValue: number[];
  mse: { model: number; lastValue: number; seasonal: number };
}

const show = (spec: Partial<SignalSpec>, time?: number): Promise<Shown> =>
  opened!.page.evaluate((s, t) => (window as any).wgnnForecast.show(s, t), spec, time);
const shownMse = (kind: string) => opened!.page.$eval(`#errors-now [data-kind="${kind}"]`, (e) => Number((e as HTMLElement).dataset.mse));

/** Held-out signals: every family, periods and noise levels across the trained ranges, seeds and times the training never used. */
const heldOut = Array.from({ length: 30 }, (_, i) => ({
  spec: { family: FAMILIES[i % 3], period: 6 + ((i * 7) % 19), noise: 0.05 + (0.2 * (i % 5)) / 4, seed: 900_001 + i },
  time: 8_000 + 37 * i,
}));

beforeAll(async () => {
  if (harness.unavailable) return;
  opened = await openPage('demos/forecast/index.html');
  await opened.page.setViewport({ width: 1200, height: 900 });
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('forecasts 30 held-out signals far better than holding the last value', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  // A page that fell back to the CPU reference found no adapter: that fails here.
  expect(await page.evaluate(() => (window as any).wgnnForecast.backend)).toBe('webgpu');
  expect(await page.$eval('#fallback', (e) => (e as HTMLElement).hidden)).toBe(true);

  let [modelSum, naiveSum, seasonalSum, wins] = [0, 0, 0, 0];
  for (const { spec, time } of heldOut) {
    const shown = await show(spec, time);
    // The page windows the signal as the training script does: the LOOKBACK values before "now", then the truth.
    const values = sample(spec, time - LOOKBACK, LOOKBACK + HORIZON);
    shown.history.forEach((v, i) => expect(v).toBeCloseTo(values[i], 5));
    shown.truth.forEach((v, i) => expect(v).toBeCloseTo(values[LOOKBACK + i], 5));
    expect(shown.forecast).toHaveLength(HORIZON);
    expect(shown.forecast.every(Number.isFinite)).toBe(true);
    const model = mse(shown.forecast, shown.truth);
    const naive = mse(new Array(HORIZON).fill(shown.history[LOOKBACK - 1]), shown.truth);
    // The error panel shows these numbers.
    expect(await shownMse('model')).toBeCloseTo(model, 6);
    expect(await shownMse('lastValue')).toBeCloseTo(naive, 6);
    seasonalSum += mse(seasonalNaiveForecast(shown.history, spec.period), shown.truth);
    [modelSum, naiveSum, wins] = [modelSum + model, naiveSum + naive, wins + Number(model < naive)];
  }
  console.log(`held-out: GRU MSE ${(modelSum / 30).toFixed(4)}, last value ${(naiveSum / 30).toFixed(4)} (${(modelSum / naiveSum).toFixed(3)}x), better in ${wins}/30; seasonal-naive ${(seasonalSum / 30).toFixed(4)}`);
  // The shipped weights measured 0.21x here; a model trained for two steps already reaches 0.46x
  // (forecasting the window's mean beats holding the last value), so the bar sits well below that.
  expect(modelSum / naiveSum).toBeLessThan(0.35);
  expect(wins).toBeGreaterThanOrEqual(24);

  // The hook's plain forecast is the page's path without the chart: the same values.
  const last = await show({}, undefined);
  const direct: number[] = await page.evaluate((h) => (window as any).wgnnForecast.forecast(h), last.history);
  direct.forEach((v, i) => expect(v).toBeCloseTo(last.forecast[i], 5));
  expect(await page.$eval('#run-ms', (e) => e.textContent)).toMatch(/^\d+\.\d ms$/);
  expect(await page.$eval('#gpu-ms', (e) => e.textContent)).toMatch(/^\d+\.\d\d ms$/);
  expect(await page.$$eval('#layers tbody tr', (rows) => rows.length)).toBe(3);
  expect(await page.$eval('#total-params', (e) => e.textContent)).toBe('3,888');

  await show({ family: 'seasonal', period: 14, noise: 0.1, seed: 7 }, 400);
  mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
  await new Promise((resolve) => setTimeout(resolve, 300)); // the bars' CSS transition
  await page.screenshot({ path: join(ROOT, 'docs/screenshots/forecast.png'), fullPage: true });
  expect(opened!.errors).toEqual([]);
});

it('follows the controls, plays, and forecasts the same on the CPU reference', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  const state = () => page.evaluate(() => ({ ...document.body.dataset }));
  await page.click('button[data-family="square"]');
  expect((await state()).family).toBe('square');
  const before = await show({});
  await page.click('#next');
  const after = await show({});
  expect(after.time).toBe(before.time + 4);
  expect(after.spec.family).toBe('square');
  // Play moves "now" on by itself until paused.
  await page.click('#play');
  await page.waitForFunction((t) => (window as any).wgnnForecast.show({}).then((s: { time: number }) => s.time >= t + 3), { timeout: 30_000, polling: 200 }, after.time);
  await page.click('#play');
  expect(await page.$eval('#play', (e) => e.textContent)).toMatch(/Play/);

  const gpu = await show({ family: 'damped', period: 11, noise: 0.15, seed: 424_242 }, 9_000);
  await page.click('#backend-cpu');
  await page.waitForFunction(() => (window as any).wgnnForecast.backend === 'cpu', { timeout: 60_000 });
  const cpu = await show({}, 9_000);
  expect(cpu.truth).toEqual(gpu.truth);
  cpu.forecast.forEach((v, i) => expect(Math.abs(v - gpu.forecast[i]), `step ${i}`).toBeLessThan(1e-3 * (1 + Math.abs(v))));
  expect(opened!.errors).toEqual([]);
});
