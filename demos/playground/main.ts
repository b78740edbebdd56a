// The demo page: shows the adapter, then runs a matmul of the user's size on the GPU and on the
// CPU reference and reports both times and their largest difference.
import { createEngine, type Engine } from '../../src/index.ts';
import type { MatmulVariant } from '../../src/ops/matmul/op.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const KEY_LIMITS = ['maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension', 'maxBufferSize'];

function randomMatrix(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeGpu(engine: Engine, a: Float32Array, b: Float32Array, m: number, n: number, k: number) {
  const ta = engine.tensor([m, k], a);
  const tb = engine.tensor([k, n], b);
  const once = async () => {
    const start = performance.now();
    const out = engine.matmul(ta, tb);
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return { ms: performance.now() - start, data };
  };
  const first = await once();
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push((await once()).ms);
  ta.dispose();
  tb.dispose();
  return { firstMs: first.ms, warmMs: median(warm), data: first.data };
}

async function runMatmul(event: Event): Promise<void> {
  event.preventDefault();
  const result = $('result');
  const [m, n, k] = ['m', 'n', 'k'].map((id) => Math.max(1, Math.min(2048, Number($<HTMLInputElement>(id).value) | 0)));
  const variant = $<HTMLSelectElement>('variant').value as '' | MatmulVariant;
  result.dataset.status = 'running';
  $('agrees').textContent = 'running…';
  try {
    const gpu = await createEngine({ variants: variant ? { matmul: variant } : {} });
    const cpu = await createEngine({ backend: 'cpu' });
    const a = randomMatrix(m * k, 1);
    const b = randomMatrix(k * n, 2);
    const g = await timeGpu(gpu, a, b, m, n, k);
    const cpuStart = performance.now();
    const expected = (await cpu.matmul(cpu.tensor([m, k], a), cpu.tensor([k, n], b)).data()) as Float32Array;
    const cpuMs = performance.now() - cpuStart;
    gpu.dispose();

    let maxError = 0;
    let agrees = true;
    const atol = 1e-5 * Math.sqrt(k);
    for (let i = 0; i < expected.length; i++) {
      const err = Math.abs(g.data[i] - expected[i]);
      if (!(err <= atol + 1e-4 * Math.abs(expected[i]))) agrees = false;
      if (!(err <= maxError)) maxError = err;
    }
    $('gpu-ms').textContent = `${g.warmMs.toFixed(2)} ms`;
    $('gpu-first-ms').textContent = `${g.firstMs.toFixed(2)} ms`;
    $('cpu-ms').textContent = `${cpuMs.toFixed(2)} ms`;
    $('gflops').textContent = ((2 * m * n * k) / (g.warmMs * 1e6)).toFixed(2);
    $('max-error').textContent = maxError.toExponential(2);
    $('agrees').textContent = agrees ? 'yes' : 'NO';
    $('agrees').className = agrees ? 'ok' : 'error';
    Object.assign(result.dataset, { status: 'done', agrees: String(agrees), maxError: String(maxError), gpuMs: String(g.warmMs) });
  } catch (error) {
    $('agrees').textContent = (error as Error).message;
    $('agrees').className = 'error';
    result.dataset.status = 'error';
  }
}

async function main(): Promise<void> {
  try {
    const engine = await createEngine();
    const { adapter, limits, features } = engine.info;
    $('adapter').textContent = `${adapter!.vendor} ${adapter!.architecture} ${adapter!.description}`.trim() + ` — features: ${features.join(', ') || 'none'}`;
    $('limits').innerHTML = KEY_LIMITS.map((name) => `<tr><th>${name}</th><td>${limits[name]}</td></tr>`).join('');
    engine.dispose();
    $<HTMLButtonElement>('run').disabled = false;
    document.body.dataset.adapter = 'ready';
  } catch (error) {
    $('adapter').textContent = (error as Error).message;
    $('adapter').className = 'error';
    document.body.dataset.adapter = 'missing';
  }
}

$('matmul-form').addEventListener('submit', (e) => void runMatmul(e));
void main();
