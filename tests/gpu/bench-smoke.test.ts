// The benchmark page in headless Chromium on tiny workloads: every engine (wgnn, TF.js WebGPU,
// ONNX Runtime Web WebGPU, the wgnn CPU reference) builds, runs and agrees with the reference;
// the roofline probes run. The page first shows the committed results of the last full run:
// docs/screenshots/bench.png (the front page's thumbnail).
// Speed is measured by `npm run bench`, never asserted here.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import type { Result } from '../../bench/page/measure.ts';
import { openPage } from '../harness/gpu-suite.ts';

let opened: Awaited<ReturnType<typeof openPage>> | undefined;
afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('bench page runs a tiny workload on every engine and each agrees with the CPU reference', async (context) => {
  const harness = inject('gpuHarness');
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  opened = await openPage('demos/bench/index.html');
  const { page } = opened;
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  expect(await page.$eval('#status', (e) => e.textContent)).toMatch(/last committed run/);
  expect(await page.$$eval('#results tr', (rows) => rows.length)).toBeGreaterThan(10);
  const shots = resolve(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.setViewport({ width: 1000, height: 750 });
  await page.screenshot({ path: join(shots, 'bench.png') });
  const names: string[] = await page.evaluate(() => (window as any).wgnnBench.listWorkloads('smoke').map((w: { name: string }) => w.name));
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) {
    const results: Result[] = await page.evaluate((n) => (window as any).wgnnBench.runWorkload(n, { reps: 2, maxReps: 2 }), name);
    expect(results.map((r) => r.engine).sort()).toEqual(['ort-webgpu', 'tfjs-webgpu', 'wgnn', 'wgnn-cpu']);
    for (const r of results) {
      const where = `${name} on ${r.engine}`;
      expect(r.error, where).toBeUndefined();
      expect(r.agrees, `${where}: ${JSON.stringify(r.firstBad)}`).toBe(true);
      expect(r.firstMs, where).toBeGreaterThan(0);
      expect(r.warmMs, where).toBeGreaterThan(0);
    }
  }
  // The roofline probes, on short submits: each reports a positive, finite rate.
  const roof = await page.evaluate(() => (window as any).wgnnBench.roofline(2));
  for (const rate of ['gflops', 'gbps', 'gloads']) expect(Number.isFinite(roof[rate]) && roof[rate] > 0, `${rate} ${roof[rate]}`).toBe(true);
  // Console errors from the engines would mean something ran on a path we did not intend.
  expect(opened.errors).toEqual([]);
});
