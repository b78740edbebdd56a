// Kernel timings in the page: warm median of GPU execution (submit to onSubmittedWorkDone), so
// readback is not counted, and the first run (pipeline compile included) separately.
import { createEngine } from '../src/index.ts';
import type { MatmulVariant } from '../src/ops/matmul/op.ts';

export interface KernelTiming {
  firstMs: number;
  warmMs: number;
  minMs: number;
  maxMs: number;
  gflops: number;
}

function random(count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sin(i * 12.9898) * 0.5;
  return out;
}

async function matmul(variant: MatmulVariant, m: number, n: number, k: number, reps: number): Promise<KernelTiming> {
  const engine = await createEngine({ variants: { matmul: variant } });
  const device = engine.device!;
  const a = engine.tensor([m, k], random(m * k));
  const b = engine.tensor([k, n], random(k * n));
  const once = async () => {
    const start = performance.now();
    engine.matmul(a, b).dispose();
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const firstMs = await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  times.sort((x, y) => x - y);
  engine.dispose();
  const warmMs = times[Math.floor(times.length / 2)];
  return { firstMs, warmMs, minMs: times[0], maxMs: times[times.length - 1], gflops: (2 * m * n * k) / (warmMs * 1e6) };
}

async function adapter(): Promise<string> {
  const engine = await createEngine();
  const a = engine.info.adapter!;
  engine.dispose();
  return `${a.vendor} ${a.architecture} ${a.description}`.trim();
}

(window as unknown as { wgnnBench: unknown }).wgnnBench = { matmul, adapter };
document.body.dataset.ready = 'true';
