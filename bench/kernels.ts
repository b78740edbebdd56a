// Kernel timings in the page: warm median of GPU execution (submit to onSubmittedWorkDone), so
// readback is not counted, and the first run (pipeline compile included) separately.
import { createEngine, type PreparedRecurrent } from '../src/index.ts';
import type { Conv2dVariant } from '../src/ops/conv2d/op.ts';
import type { MatmulVariant } from '../src/ops/matmul/op.ts';
import type { RecurrentVariant } from '../src/ops/recurrent/variant.ts';

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

export interface ConvShape {
  N: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  K: number;
  stride: number;
  groups: number;
  /** Pads on every side; 'same' when absent. */
  pad?: number;
}

async function conv2d(variant: Conv2dVariant, c: ConvShape, reps: number): Promise<KernelTiming> {
  const engine = await createEngine({ variants: { conv2d: variant } });
  const device = engine.device!;
  const x = engine.tensor([c.N, c.H, c.W, c.Cin], random(c.N * c.H * c.W * c.Cin));
  const w = engine.tensor([c.K, c.K, c.Cin / c.groups, c.Cout], random((c.K * c.K * c.Cin * c.Cout) / c.groups));
  const bias = engine.tensor([c.Cout], random(c.Cout));
  const options = { strides: c.stride, padding: c.pad === undefined ? ('same' as const) : [c.pad, c.pad, c.pad, c.pad], groups: c.groups, bias, activation: 'relu' as const };
  const once = async () => {
    const start = performance.now();
    engine.conv2d(x, w, options).dispose();
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const firstMs = await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  times.sort((a, b) => a - b);
  engine.dispose();
  const warmMs = times[Math.floor(times.length / 2)];
  const side = (size: number) => (c.pad === undefined ? Math.ceil(size / c.stride) : Math.floor((size + 2 * c.pad - c.K) / c.stride) + 1);
  const outPixels = c.N * side(c.H) * side(c.W);
  const flops = (2 * outPixels * c.Cout * c.K * c.K * c.Cin) / c.groups;
  return { firstMs, warmMs, minMs: times[0], maxMs: times[times.length - 1], gflops: flops / (warmMs * 1e6) };
}

export interface RecurrentShape {
  cell: 'lstm' | 'gru';
  B: number;
  T: number;
  I: number;
  H: number;
}

/** One layer over a whole sequence (projection GEMM + recurrence), forward, weights prepared once. */
async function recurrent(variant: RecurrentVariant, s: RecurrentShape, reps: number): Promise<KernelTiming> {
  const engine = await createEngine({ variants: { recurrent: variant } });
  const device = engine.device!;
  const G = s.cell === 'lstm' ? 4 : 3;
  const scale = (n: number) => random(n).map((v) => v / Math.sqrt(s.H));
  const spec = { format: 'onnx' as const, w: { shape: [1, G * s.H, s.I], data: scale(G * s.H * s.I) }, r: { shape: [1, G * s.H, s.H], data: scale(G * s.H * s.H) } };
  const x = engine.tensor([s.T, s.B, s.I], random(s.T * s.B * s.I));
  const weights = s.cell === 'lstm' ? engine.prepareLstm(spec) : engine.prepareGru(spec);
  const once = async () => {
    const start = performance.now();
    const out = s.cell === 'lstm' ? engine.lstm(x, weights as PreparedRecurrent<'lstm'>) : engine.gru(x, weights as PreparedRecurrent<'gru'>);
    for (const t of Object.values(out)) t.dispose();
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const firstMs = await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  times.sort((a, b) => a - b);
  engine.dispose();
  const warmMs = times[Math.floor(times.length / 2)];
  const flops = 2 * s.T * s.B * G * s.H * (s.I + s.H);
  return { firstMs, warmMs, minMs: times[0], maxMs: times[times.length - 1], gflops: flops / (warmMs * 1e6) };
}

async function adapter(): Promise<string> {
  const engine = await createEngine();
  const a = engine.info.adapter!;
  engine.dispose();
  return `${a.vendor} ${a.architecture} ${a.description}`.trim();
}

(window as unknown as { wgnnBench: unknown }).wgnnBench = { matmul, conv2d, recurrent, adapter };
document.body.dataset.ready = 'true';
