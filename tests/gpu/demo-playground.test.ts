// The kernel playground (demos/playground/) in headless Chromium: it finds the adapter, runs a
// matmul on the GPU and on the CPU reference, and reports that they agree. Writes
// docs/screenshots/playground.png (the front page's thumbnail).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';

let opened: Awaited<ReturnType<typeof openPage>> | undefined;
afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('the kernel playground reports a GPU matmul that matches the CPU reference', async (context) => {
  const harness = inject('gpuHarness');
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  opened = await openPage('demos/playground/index.html');
  const { page } = opened;
  await page.waitForSelector('body[data-adapter]', { timeout: 60_000 });
  expect(await page.$eval('body', (b) => b.dataset.adapter)).toBe('ready');
  expect(await page.$eval('#adapter', (e) => e.textContent)).toMatch(/swiftshader|nvidia|amd|intel|apple|qualcomm|arm/i);
  for (const [id, value] of [['m', '37'], ['n', '29'], ['k', '53']]) {
    await page.$eval(`#${id}`, (el, v) => ((el as HTMLInputElement).value = v), value);
  }
  await page.click('#run');
  await page.waitForSelector('#result[data-status="done"], #result[data-status="error"]', { timeout: 60_000 });
  const result = await page.$eval('#result', (e) => ({ ...(e as HTMLElement).dataset }));
  expect(result.status, await page.$eval('#agrees', (e) => e.textContent)).toBe('done');
  expect(result.agrees).toBe('true');
  expect(Number(result.maxError)).toBeLessThan(1e-4);
  expect(Number(result.gpuMs)).toBeGreaterThan(0);
  expect(opened.errors).toEqual([]);
  const shots = resolve(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.setViewport({ width: 1000, height: 750 });
  await page.screenshot({ path: join(shots, 'playground.png') });
});
