// Starts what the GPU tests share: a Vite server for the test page and one headless Chromium,
// and finds Node's Dawn adapter. With CI set, a missing browser or WebGPU adapter (in either
// runtime) fails the run; locally those GPU suites skip with a loud message. At the end it
// prints the adapters and how many GPU cases ran in each runtime, from the files that the
// suites write to reportDir (`browser-<suite>.json`, `node-<suite>.json`).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { findChrome, launchChrome } from './chrome.ts';
import { probeNodeGpu } from './node-probe.ts';

export interface GpuHarness {
  wsEndpoint: string;
  baseUrl: string;
  reportDir: string;
  /** Why GPU cases cannot run here, or '' when they can. */
  unavailable: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    gpuHarness: GpuHarness;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

function banner(lines: string[]): void {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reportDir = mkdtempSync(join(tmpdir(), 'wgnn-gpu-report-'));
  // Node first: it starts nothing that would need closing when CI makes a missing adapter fatal.
  const node = await probeNodeGpu(reportDir);
  if (node.unavailable) {
    if (process.env.CI) throw new Error(`Node GPU tests cannot run (CI is set, so this fails the run): ${node.unavailable}`);
    banner(['NODE GPU TESTS WILL BE SKIPPED', node.unavailable]);
  } else {
    console.log(`webgpu adapter (node): ${node.adapter}`);
  }
  project.provide('nodeGpuHarness', node);

  const harness: GpuHarness = { wsEndpoint: '', baseUrl: '', reportDir, unavailable: '' };
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let adapter = '';

  const chrome = findChrome();
  if (!chrome) {
    harness.unavailable = 'no Chromium or Chrome found: set CHROME_PATH or install chromium (apt-get install -y chromium)';
  } else {
    server = await createServer({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.ts'),
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, hmr: false },
    });
    await server.listen();
    harness.baseUrl = server.resolvedUrls!.local[0].replace(/\/$/, '');
    browser = await launchChrome(chrome);
    harness.wsEndpoint = browser.wsEndpoint();
    const page = await browser.newPage();
    await page.goto(`${harness.baseUrl}/tests/harness/gpu-page.html`);
    await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
    const report = await page.evaluate(() => (window as any).wgnnTest.adapter());
    await page.close();
    if (report.available) adapter = report.description;
    else harness.unavailable = `no WebGPU adapter in ${chrome}: ${report.description}`;
  }

  if (harness.unavailable) {
    if (process.env.CI) throw new Error(`GPU tests cannot run (CI is set, so this fails the run): ${harness.unavailable}`);
    banner(['BROWSER GPU TESTS WILL BE SKIPPED', harness.unavailable, 'Set CHROME_PATH to a Chrome/Chromium with WebGPU to run them.']);
  } else {
    console.log(`webgpu adapter (browser): ${adapter}`);
  }
  project.provide('gpuHarness', harness);

  return async () => {
    const totals: Record<string, { executed: number; skipped: number }> = { browser: { executed: 0, skipped: 0 }, node: { executed: 0, skipped: 0 } };
    for (const file of readdirSync(reportDir)) {
      const counts = JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as { executed: number; skipped: number };
      const total = (totals[file.split('-')[0]] ??= { executed: 0, skipped: 0 });
      total.executed += counts.executed;
      total.skipped += counts.skipped;
    }
    console.log(`\nwebgpu adapter (browser): ${adapter || 'none'}`);
    console.log(`webgpu adapter (node): ${node.adapter || 'none'}`);
    for (const [runtime, { executed, skipped }] of Object.entries(totals)) {
      console.log(`GPU cases executed (${runtime}): ${executed}, skipped: ${skipped}`);
    }
    await browser?.close();
    await server?.close();
  };
}
