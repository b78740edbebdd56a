// Registers one vitest test per GPU case of a suite. Each test asks the page in headless
// Chromium to run its case and fails with the case's own diagnosis.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, inject, it } from 'vitest';
import { SUITES } from '../gpu/cases/index.ts';
import type { CaseOutcome } from './gpu-page.ts';

/** Opens a fresh test page in the shared browser; `path` is relative to the repository root. */
export async function openPage(path: string): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const harness = inject('gpuHarness');
  const browser = await puppeteer.connect({ browserWSEndpoint: harness.wsEndpoint, protocolTimeout: 600_000 });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warn') errors.push(msg.text());
  });
  await page.goto(`${harness.baseUrl}/${path}`);
  return { browser, page, errors };
}

export function defineGpuSuite(suite: string): void {
  const harness = inject('gpuHarness');
  const cases = SUITES[suite];
  let opened: Awaited<ReturnType<typeof openPage>> | undefined;
  let executed = 0;
  let skipped = 0;

  beforeAll(async () => {
    if (harness.unavailable) return;
    opened = await openPage('tests/harness/gpu-page.html');
    await opened.page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  });

  afterAll(async () => {
    writeFileSync(join(harness.reportDir, `browser-${suite}.json`), JSON.stringify({ executed, skipped }));
    await opened?.page.close();
    await opened?.browser.disconnect();
  });

  for (const c of cases) {
    it(c.name, async (context) => {
      if (harness.unavailable) {
        skipped++;
        context.skip(`no WebGPU: ${harness.unavailable}`);
      }
      const outcome: CaseOutcome = await opened!.page.evaluate(
        (s, n) => (window as any).wgnnTest.run(s, n),
        suite,
        c.name,
      );
      executed++;
      if (!outcome.ok) {
        const console = opened!.errors.length ? `\npage console:\n${opened!.errors.slice(-10).join('\n')}` : '';
        throw new Error(`${outcome.message}${console}`);
      }
    });
  }
}
