// The text generator page (demos/text/) in headless Chromium on WebGPU: a prompt typed in and a
// low temperature make the page stream characters of the model's alphabet that start from the
// prompt and form English-like words, and the page's model scores held-out words far better than
// a bigram model counted on the training words (an untrained model scores about ln 27 and makes
// no words). Writes docs/screenshots/text.png (shown in the README).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { openPage } from '../harness/gpu-suite.ts';
import { textModel } from '../../demos/text/model.ts';
import { encode, SEPARATOR, splitWords, VOCAB } from '../../demos/text/words.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const harness = inject('gpuHarness');
let opened: Awaited<ReturnType<typeof openPage>> | undefined;
const { train, heldOut } = splitWords(readFileSync(join(ROOT, 'demos/text/words.txt'), 'utf8'));

/** Mean cross-entropy (nats) per character of `words` (each followed by the separator) under add-one bigram counts of `counted`. */
function bigramScore(counted: string[], words: string[]): number {
  const V = VOCAB.length;
  const counts = new Float64Array(V * V).fill(1);
  const pairs = (w: string) => {
    const ids = [SEPARATOR, ...encode(w), SEPARATOR];
    return ids.slice(1).map((b, i) => [ids[i], b]);
  };
  for (const w of counted) for (const [a, b] of pairs(w)) counts[a * V + b]++;
  let [total, n] = [0, 0];
  for (const w of words) {
    for (const [a, b] of pairs(w)) {
      const row = counts.subarray(a * V, (a + 1) * V).reduce((s, c) => s + c, 0);
      total -= Math.log(counts[a * V + b] / row);
      n++;
    }
  }
  return total / n;
}

beforeAll(async () => {
  if (harness.unavailable) return;
  opened = await openPage('demos/text/index.html?seed=7');
  await opened.page.setViewport({ width: 1200, height: 900 });
  await opened.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
});

afterAll(async () => {
  await opened?.page.close();
  await opened?.browser.disconnect();
});

it('streams characters from a typed prompt at a low temperature: English-like words, marked, with latencies shown', async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  expect(await page.evaluate(() => (window as any).wgnnText.backend)).toBe('webgpu');
  expect(await page.$eval('#fallback', (e) => (e as HTMLElement).hidden)).toBe(true);
  // The page starts generating on its own; stop it, then generate as a user would.
  await page.click('#stop').catch(() => undefined);
  await page.waitForSelector('body[data-generating="false"]');
  await page.click('#prompt', { clickCount: 3 });
  await page.type('#prompt', 'Stra');
  await page.click('#length', { clickCount: 3 });
  await page.type('#length', '160');
  await page.$eval('#temperature', (e) => {
    (e as HTMLInputElement).value = '0.3';
    e.dispatchEvent(new Event('input'));
  });
  expect(await page.$eval('#temperature-value', (e) => e.textContent)).toBe('0.30');
  await page.click('#generate');
  await page.waitForSelector('body[data-generating="true"]');
  await page.waitForSelector('body[data-generating="false"]', { timeout: 60_000 });

  const run: { generated: string; words: { word: string; kind: string }[]; latencies: number[] } = await page.evaluate(() => {
    const { generated, words, latencies } = (window as any).wgnnText;
    return { generated, words, latencies };
  });
  expect(run.generated).toHaveLength(160);
  expect([...run.generated].every((c) => VOCAB.includes(c)), run.generated).toBe(true);
  // The output box shows the prompt (lowercased) and then exactly the generated characters.
  expect(await page.$eval('#output', (e) => e.textContent)).toBe('stra' + run.generated);
  expect(run.words[0].word.startsWith('stra')).toBe(true);
  // Each word's mark agrees with the list. At temperature 0.3 the words are English-like: their
  // letter pairs are at least as likely under bigram counts of the training words as those of
  // real held-out words (random weights write near-uniform strings, about 1.5 nats worse).
  const trainSet = new Set(train);
  const heldSet = new Set(heldOut);
  for (const { word, kind } of run.words) expect(kind, word).toBe(trainSet.has(word) ? 'known' : heldSet.has(word) ? 'held' : 'invented');
  expect(run.words.length).toBeGreaterThanOrEqual(10);
  const generatedScore = bigramScore(train, run.words.map((w) => w.word));
  const realScore = bigramScore(train, heldOut);
  expect(generatedScore, `${run.words.map((w) => w.word).join(' ')}: ${generatedScore.toFixed(3)} nats/char vs ${realScore.toFixed(3)} for held-out words`).toBeLessThan(realScore);
  expect(await page.$$eval('#output .word.known, #output .word.held, #output .word.invented', (e) => e.length)).toBe(run.words.length);

  expect(run.latencies).toHaveLength(160);
  expect(run.latencies.every((ms) => ms > 0 && Number.isFinite(ms))).toBe(true);
  expect(await page.$eval('#char-ms', (e) => e.textContent)).toMatch(/^\d+\.\d ms$/);
  expect(await page.$eval('#chars-per-s', (e) => e.textContent)).toMatch(/^\d+ chars\/s$/);
  // The bars show the last step's tempered distribution, the sampled character marked.
  const bars = await page.$$eval('#bars .column', (cs) => cs.map((c) => ({ p: Number((c as HTMLElement).dataset.probability), picked: c.classList.contains('picked'), char: (c as HTMLElement).dataset.char })));
  expect(bars).toHaveLength(27);
  expect(Math.abs(bars.reduce((s, b) => s + b.p, 0) - 1)).toBeLessThan(1e-4);
  expect(bars.filter((b) => b.picked).map((b) => b.char)).toEqual([run.generated.at(-1)]);

  expect(await page.$$eval('#layers tbody tr', (rows) => rows.length)).toBe(5);
  expect(await page.$eval('#total-params', (e) => e.textContent)).toBe(textModel(null).totalParams.toLocaleString('en-US'));
  expect(await page.$$eval('#scores .score', (rows) => rows.length)).toBe(4);
  mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
  await new Promise((resolve) => setTimeout(resolve, 300)); // the columns' CSS transition
  await page.screenshot({ path: join(ROOT, 'docs/screenshots/text.png'), fullPage: true });
  expect(opened!.errors).toEqual([]);
});

it("scores held-out words far better than a bigram model and a uniform guess", async (context) => {
  if (harness.unavailable) context.skip(`no WebGPU: ${harness.unavailable}`);
  const { page } = opened!;
  const words = heldOut.filter((_, i) => i % 10 === 0); // 300 words spread over the alphabet
  const model: number = await page.evaluate((w) => (window as any).wgnnText.score(w), words);
  const bigram = bigramScore(train, words);
  expect(model, `model ${model.toFixed(3)} nats/char, bigram ${bigram.toFixed(3)}`).toBeLessThan(bigram - 0.25);
  expect(model).toBeLessThan(Math.log(VOCAB.length) - 1);
  expect(opened!.errors).toEqual([]);
});
