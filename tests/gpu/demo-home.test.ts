// The front page (demos/index.html) in headless Chromium: it names the adapter, links every demo,
// the benchmark and the kernel playground, each link opens a page that exists, and each card shows
// its page's screenshot (written by that page's test into docs/screenshots). Writes
// docs/screenshots/index.png.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';

const PAGES = ['digits', 'text', 'motion', 'superres', 'forecast', 'bench', 'playground'];
let opened: Awaited<ReturnType<typeof openPage>> | undefined;
afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('the front page links every demo and tool, with thumbnails, and names the adapter', async (context) => {
  const harness = inject('gpuHarness');
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  opened = await openPage('demos/index.html');
  const { page } = opened;
  await page.setViewport({ width: 1200, height: 900 });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  expect(await page.$eval('#adapter', (e) => e.textContent)).toMatch(/^WebGPU adapter: .*(swiftshader|nvidia|amd|intel|apple|qualcomm|arm)/i);

  const cards = await page.$$eval('a.card', (links) => links.map((a) => ({ demo: (a as HTMLElement).dataset.demo, href: (a as HTMLAnchorElement).href })));
  expect(cards.map((c) => c.demo)).toEqual(PAGES);
  for (const { demo, href } of cards) {
    // Each link reaches a page with a title (Vite serves index.html for unknown paths, so check the content).
    const title = await page.evaluate(async (url) => {
      const html = await (await fetch(url)).text();
      return new DOMParser().parseFromString(html, 'text/html').title;
    }, href);
    expect(title, `${demo}: ${href}`).toMatch(/wgnn/i);
  }
  // Every thumbnail loaded (each page's test wrote its screenshot).
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), { timeout: 30_000 });
  const thumbs = await page.$$eval('img[data-thumb]', (imgs) => imgs.map((img) => ({ name: (img as HTMLElement).dataset.thumb, width: (img as HTMLImageElement).naturalWidth })));
  expect(thumbs.filter((t) => t.width > 0).map((t) => t.name)).toEqual(PAGES);
  expect(opened.errors).toEqual([]);

  const shots = resolve(import.meta.dirname, '../../docs/screenshots');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'index.png'), fullPage: true });
});
