// Profiling a compiled program: each node runs in its own compute pass. With the adapter's
// 'timestamp-query' feature the passes write GPU timestamps at their start and end; without it,
// each node is submitted alone and timed from submit to onSubmittedWorkDone (coarser: it
// includes submission overhead). Reports per-node time, dispatches, bytes and FLOPs, as a table
// and as Chrome trace events (chrome://tracing, Perfetto).
import { nodeCost } from '../compile/cost.ts';
import type { TensorData } from '../tensor.ts';
import { BufferUsage, MAP_MODE_READ } from './gpu-flags.ts';
import type { GpuExecutor } from './gpu-executor.ts';
import type { ProgramRunner } from './program-runner.ts';

const QUERY_RESOLVE = 0x0200;

export interface ProfileEntry {
  node: string;
  op: string;
  dispatches: number;
  gpuMs: number;
  /** Offset of the node's start from the first node's, in ms. */
  startMs: number;
  flops: number;
  bytes: number;
}

export interface Profile {
  timing: 'timestamp-query' | 'submit';
  entries: ProfileEntry[];
  totalMs: number;
  /** A fixed-width table, one row per node. */
  table(): string;
  /** Chrome trace-event JSON. */
  trace(): { traceEvents: object[]; displayTimeUnit: string };
}

async function timestamps(gpu: GpuExecutor, runner: ProgramRunner): Promise<[number, number][]> {
  const steps = runner.program.steps.length;
  const device = gpu.device;
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * steps });
  const resolve = gpu.allocate({ label: 'profile:resolve', size: 16 * steps, usage: QUERY_RESOLVE | BufferUsage.COPY_SRC });
  const read = gpu.allocate({ label: 'profile:read', size: 16 * steps, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder({ label: 'profile' });
    for (let s = 0; s < steps; s++) {
      const pass = encoder.beginComputePass({ label: runner.program.steps[s].node.name, timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * s, endOfPassWriteIndex: 2 * s + 1 } });
      runner.encode(pass, s);
      pass.end();
    }
    encoder.resolveQuerySet(querySet, 0, 2 * steps, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 0, 16 * steps);
    device.queue.submit([encoder.finish()]);
    await gpu.untilLost(read.mapAsync(MAP_MODE_READ));
    const ns = new BigInt64Array(read.getMappedRange().slice(0));
    read.unmap();
    return Array.from({ length: steps }, (_, s) => [Number(ns[2 * s]) / 1e6, Number(ns[2 * s + 1]) / 1e6]);
  } finally {
    querySet.destroy();
    gpu.destroyBuffer(resolve);
    gpu.destroyBuffer(read);
  }
}

async function submitTimes(gpu: GpuExecutor, runner: ProgramRunner): Promise<[number, number][]> {
  const spans: [number, number][] = [];
  for (let s = 0; s < runner.program.steps.length; s++) {
    const start = performance.now();
    const encoder = gpu.device.createCommandEncoder({ label: 'profile' });
    const pass = encoder.beginComputePass();
    runner.encode(pass, s);
    pass.end();
    gpu.device.queue.submit([encoder.finish()]);
    await gpu.untilLost(gpu.device.queue.onSubmittedWorkDone());
    spans.push([start, performance.now()]);
  }
  return spans;
}

export async function profileProgram(gpu: GpuExecutor, runner: ProgramRunner, inputs: TensorData[]): Promise<Profile> {
  runner.writeInputs(inputs);
  const timing = gpu.device.features.has('timestamp-query') ? 'timestamp-query' : 'submit';
  const spans = timing === 'timestamp-query' ? await timestamps(gpu, runner) : await submitTimes(gpu, runner);
  await gpu.checkErrors();
  const origin = spans.length ? spans[0][0] : 0;
  const entries: ProfileEntry[] = runner.program.steps.map((step, s) => ({
    node: step.node.name,
    op: step.node.op,
    dispatches: step.plan.dispatches.length,
    gpuMs: Math.max(0, spans[s][1] - spans[s][0]),
    startMs: spans[s][0] - origin,
    ...nodeCost(step.node, step.inputSpecs, step.outputSpecs),
  }));
  const totalMs = entries.reduce((t, e) => t + e.gpuMs, 0);
  return {
    timing,
    entries,
    totalMs,
    table() {
      const rows = entries.map((e) => [e.node, e.op, String(e.dispatches), e.gpuMs.toFixed(3), (e.flops / 1e6).toFixed(2), (e.bytes / 1e6).toFixed(3), e.gpuMs > 0 ? (e.flops / e.gpuMs / 1e6).toFixed(2) : '-']);
      const header = ['node', 'op', 'dispatches', 'gpu ms', 'MFLOP', 'MB', 'GFLOP/s'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
      return [line(header), ...rows.map(line), `total ${totalMs.toFixed(3)} ms (${timing})`].join('\n');
    },
    trace() {
      return {
        displayTimeUnit: 'ms',
        traceEvents: entries.map((e) => ({ name: e.node, cat: e.op, ph: 'X', ts: e.startMs * 1000, dur: e.gpuMs * 1000, pid: 1, tid: 1, args: { dispatches: e.dispatches, flops: e.flops, bytes: e.bytes } })),
      };
    },
  };
}
