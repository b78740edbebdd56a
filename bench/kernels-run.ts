// `npm run bench:kernels`: wgnn kernel variants only (matmul designs, conv variants, recurrent
// paths), GPU execution time without readback, for kernel tuning. Serves bench/kernels.html with
// Vite, opens it in headless Chromium and prints timings to bench/results/kernels.json (a run
// filtered with --only writes kernels-partial.json instead, so the full record stays whole).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createServer } from 'vite';
import { findChrome, launchChrome } from '../tests/harness/chrome.ts';
import { residentTakes } from '../src/ops/recurrent/variant.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = [256, 512, 1024];
const VARIANTS = ['vec4-quad', 'vec4', 'regtile', 'shared'] as const;
const CONVS = [
  { name: '3x3 56x56x64->64', shape: { N: 1, H: 56, W: 56, Cin: 64, Cout: 64, K: 3, stride: 1, groups: 1 }, variants: ['implicit-vec4-quad', 'implicit-vec4', 'im2col', 'implicit', 'direct'] },
  { name: '1x1 28x28x128->256', shape: { N: 1, H: 28, W: 28, Cin: 128, Cout: 256, K: 1, stride: 1, groups: 1 }, variants: ['pointwise', 'implicit-vec4-quad', 'implicit-vec4', 'im2col', 'implicit', 'direct'] },
  { name: 'depthwise 3x3 56x56x128', shape: { N: 1, H: 56, W: 56, Cin: 128, Cout: 128, K: 3, stride: 1, groups: 128 }, variants: ['im2col', 'implicit', 'direct', 'depthwise'] },
  { name: 'depthwise 3x3/2 56x56x128', shape: { N: 1, H: 56, W: 56, Cin: 128, Cout: 128, K: 3, stride: 2, groups: 128 }, variants: ['direct', 'depthwise'] },
  // The Keras CNN's training step (batch 32): conv2 forward, and its input gradient as the
  // flipped stride-1 convolution (dZ padded by 2 on each side, channels swapped).
  { name: 'N32 3x3 13x13x32->64 valid', shape: { N: 32, H: 13, W: 13, Cin: 32, Cout: 64, K: 3, stride: 1, groups: 1, pad: 0 }, variants: ['implicit-vec4-quad', 'implicit-vec4', 'im2col', 'implicit'] },
  { name: 'N32 3x3 11x11x64->32 pad 2 (dx)', shape: { N: 32, H: 11, W: 11, Cin: 64, Cout: 32, K: 3, stride: 1, groups: 1, pad: 2 }, variants: ['implicit-vec4-quad', 'implicit-vec4', 'im2col', 'implicit'] },
  { name: '7x7/2 112x112x3->64', shape: { N: 1, H: 112, W: 112, Cin: 3, Cout: 64, K: 7, stride: 2, groups: 1 }, variants: ['im2col', 'implicit', 'direct'] },
];
const RECURRENT = [
  { cell: 'lstm', B: 1, T: 100, I: 64, H: 64 },
  { cell: 'gru', B: 1, T: 100, I: 64, H: 64 },
  { cell: 'lstm', B: 32, T: 100, I: 128, H: 256 },
  { cell: 'gru', B: 32, T: 100, I: 128, H: 256 },
] as const;
/** `npm run bench:kernels -- --only conv` (or matmul, recurrent) runs one family. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

async function main(): Promise<void> {
  const chrome = findChrome();
  if (!chrome) throw new Error('no Chromium found: set CHROME_PATH or apt-get install -y chromium');
  const server = await createServer({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false } });
  await server.listen();
  const browser = await launchChrome(chrome);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.resolvedUrls!.local[0]}bench/kernels.html`);
    await page.waitForSelector('body[data-ready]');
    const adapter = await page.evaluate(() => (window as any).wgnnBench.adapter());
    console.log(`adapter: ${adapter}`);
    const rows: Record<string, unknown>[] = [];
    for (const size of ONLY && ONLY !== 'matmul' ? [] : SIZES) {
      for (const variant of VARIANTS) {
        const reps = size >= 1024 ? 5 : 10;
        const t = await page.evaluate((v, s, r) => (window as any).wgnnBench.matmul(v, s, s, s, r), variant, size, reps);
        rows.push({ kernel: `matmul ${size}`, variant, ...t });
        console.log(`matmul ${size}x${size}x${size} ${variant.padEnd(8)} warm ${t.warmMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)}), first ${t.firstMs.toFixed(1)} ms, ${t.gflops.toFixed(2)} GFLOP/s`);
      }
    }
    for (const conv of ONLY && ONLY !== 'conv' ? [] : CONVS) {
      for (const variant of conv.variants) {
        const t = await page.evaluate((v, c) => (window as any).wgnnBench.conv2d(v, c, 5), variant, conv.shape);
        rows.push({ kernel: `conv ${conv.name}`, variant, ...t });
        console.log(`conv ${conv.name} ${variant.padEnd(9)} warm ${t.warmMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)}), first ${t.firstMs.toFixed(1)} ms, ${t.gflops.toFixed(2)} GFLOP/s`);
      }
    }
    for (const shape of ONLY && ONLY !== 'recurrent' ? [] : RECURRENT) {
      for (const variant of ['per-step', 'sequence', ...(residentTakes(shape.cell, shape.H) ? ['resident'] : [])]) {
        const t = await page.evaluate((v, s) => (window as any).wgnnBench.recurrent(v, s, 5), variant, shape);
        const name = `${shape.cell} B${shape.B} T${shape.T} I${shape.I} H${shape.H}`;
        rows.push({ kernel: name, variant, ...t });
        console.log(`${name} ${variant.padEnd(8)} warm ${t.warmMs.toFixed(1)} ms/sequence (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)}), first ${t.firstMs.toFixed(1)} ms, ${t.gflops.toFixed(2)} GFLOP/s`);
      }
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, `bench/results/${ONLY ? 'kernels-partial' : 'kernels'}.json`), JSON.stringify({ adapter, rows }, null, 2));
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
