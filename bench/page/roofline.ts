// Roofline probe: runs shaders/probe_fma.wgsl, shaders/probe_copy.wgsl and shaders/probe_load.wgsl
// on the wgnn device and reports the adapter's FMA rate (GFLOP/s), copy bandwidth (GB/s) and
// cache-hit vec4 load rate (G loads/s; on SwiftShader the limit of matmul-like kernels). Each probe is scaled until
// one submit takes at least `targetMs` (wall clock to onSubmittedWorkDone, so fixed submit
// overhead is a small part), then timed 5 times; the fastest counts. On a loaded 2-core
// SwiftShader machine the workgroup size (64-256) and the copies per invocation (1-32) made no
// difference beyond the run-to-run noise (about +-30%), so the defaults are the plain ones.
import fmaSource from '../../shaders/probe_fma.wgsl?raw';
import copySource from '../../shaders/probe_copy.wgsl?raw';
import loadSource from '../../shaders/probe_load.wgsl?raw';
import { packParams, paramsLayout, type ParamValues } from '../../src/runtime/params.ts';

export interface Roofline {
  gflops: number;
  gbps: number;
  /** vec4 storage loads per second that hit the cache, in billions. */
  gloads: number;
  fma: { invocations: number; iterations: number; ms: number };
  copy: { bytesPerDispatch: number; dispatches: number; ms: number };
  load: { invocations: number; iterations: number; ms: number };
}

const FMA_WORKGROUPS = 4096;
const FMA_WG_SIZE = 64;
const FLOPS_PER_TRIP = 16;
const COPY_WG_SIZE = 256;
const COPY_PER_INVOCATION = 8;
const LOAD_WORKGROUPS = 1024;
const LOAD_WG_SIZE = 64;
const LOAD_BUFFER_VEC4S = 2 ** 14; // 256 KiB: cache-resident
const LOADS_PER_TRIP = 4;

function pipeline(device: GPUDevice, label: string, code: string, constants: Record<string, number>): GPUComputePipeline {
  const module = device.createShaderModule({ label, code });
  return device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main', constants } });
}

function uniform(device: GPUDevice, label: string, code: string, values: ParamValues): GPUBuffer {
  const bytes = packParams(label, paramsLayout(label, code), values);
  const buffer = device.createBuffer({ label: `${label}:params`, size: bytes.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, bytes);
  return buffer;
}

/** Wall time of `dispatches` dispatches in one submit. */
async function timeSubmit(device: GPUDevice, p: GPUComputePipeline, group: GPUBindGroup, workgroups: number, dispatches: number): Promise<number> {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(p);
  pass.setBindGroup(0, group);
  for (let i = 0; i < dispatches; i++) pass.dispatchWorkgroups(workgroups);
  pass.end();
  const start = performance.now();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - start;
}

/** A peak is what the adapter can do: other load only ever slows a run, so the fastest of 5 counts. */
async function bestOf5(run: () => Promise<number>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, await run());
  return best;
}

/** Runs `probe` with 1 trip (warm-up), then with more trips until a submit takes `targetMs`. */
async function scaleTrips(targetMs: number, timeWith: (trips: number) => Promise<number>): Promise<{ iterations: number; ms: number }> {
  await timeWith(1);
  let iterations = 64;
  let ms = await timeWith(iterations);
  while (ms < targetMs && iterations < 2 ** 20) {
    iterations = Math.min(2 ** 20, Math.ceil(iterations * Math.max(2, Math.min(16, (1.2 * targetMs) / Math.max(ms, 0.01)))));
    ms = await timeWith(iterations);
  }
  return { iterations, ms };
}

async function probeFma(device: GPUDevice, targetMs: number): Promise<Roofline['fma'] & { gflops: number }> {
  const p = pipeline(device, 'probe_fma', fmaSource, { WG_SIZE: FMA_WG_SIZE });
  const invocations = FMA_WORKGROUPS * FMA_WG_SIZE;
  const out = device.createBuffer({ label: 'probe_fma:out', size: invocations * 4, usage: GPUBufferUsage.STORAGE });
  const { iterations, ms } = await scaleTrips(targetMs, async (n) => {
    const params = uniform(device, 'probe_fma', fmaSource, { iterations: n, seed: 0.5 });
    const group = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: params } }, { binding: 1, resource: { buffer: out } }] });
    const best = await bestOf5(() => timeSubmit(device, p, group, FMA_WORKGROUPS, 1));
    params.destroy();
    return best;
  });
  out.destroy();
  return { invocations, iterations, ms, gflops: (invocations * iterations * FLOPS_PER_TRIP) / (ms * 1e6) };
}

async function probeLoad(device: GPUDevice, targetMs: number): Promise<Roofline['load'] & { gloads: number }> {
  const p = pipeline(device, 'probe_load', loadSource, { WG_SIZE: LOAD_WG_SIZE });
  const invocations = LOAD_WORKGROUPS * LOAD_WG_SIZE;
  const src = device.createBuffer({ label: 'probe_load:src', size: LOAD_BUFFER_VEC4S * 16, usage: GPUBufferUsage.STORAGE });
  const out = device.createBuffer({ label: 'probe_load:out', size: invocations * 4, usage: GPUBufferUsage.STORAGE });
  const { iterations, ms } = await scaleTrips(targetMs, async (n) => {
    const params = uniform(device, 'probe_load', loadSource, { iterations: n, mask: LOAD_BUFFER_VEC4S - 1 });
    const entries = [params, src, out].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries });
    const best = await bestOf5(() => timeSubmit(device, p, group, LOAD_WORKGROUPS, 1));
    params.destroy();
    return best;
  });
  for (const b of [src, out]) b.destroy();
  return { invocations, iterations, ms, gloads: (invocations * iterations * LOADS_PER_TRIP) / (ms * 1e6) };
}

async function probeCopy(device: GPUDevice, targetMs: number): Promise<Roofline['copy'] & { gbps: number }> {
  const p = pipeline(device, 'probe_copy', copySource, { WG_SIZE: COPY_WG_SIZE, PER_INVOCATION: COPY_PER_INVOCATION });
  const bytes = Math.min(64 * 2 ** 20, device.limits.maxStorageBufferBindingSize);
  const count = Math.floor(bytes / 16);
  const src = device.createBuffer({ label: 'probe_copy:src', size: count * 16, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ label: 'probe_copy:dst', size: count * 16, usage: GPUBufferUsage.STORAGE });
  const workgroups = Math.ceil(count / (COPY_WG_SIZE * COPY_PER_INVOCATION));
  const params = uniform(device, 'probe_copy', copySource, { count, stride: workgroups * COPY_WG_SIZE });
  const group = device.createBindGroup({
    layout: p.getBindGroupLayout(0),
    entries: [{ binding: 0, resource: { buffer: params } }, { binding: 1, resource: { buffer: src } }, { binding: 2, resource: { buffer: dst } }],
  });
  await timeSubmit(device, p, group, workgroups, 1); // warm-up: first touch of the buffers
  let dispatches = 1;
  let ms = await bestOf5(() => timeSubmit(device, p, group, workgroups, dispatches));
  while (ms < targetMs && dispatches < 256) {
    dispatches = Math.min(256, Math.ceil(dispatches * Math.max(2, Math.min(16, (1.2 * targetMs) / Math.max(ms, 0.01)))));
    ms = await bestOf5(() => timeSubmit(device, p, group, workgroups, dispatches));
  }
  for (const b of [src, dst, params]) b.destroy();
  const bytesPerDispatch = 2 * count * 16;
  return { bytesPerDispatch, dispatches, ms, gbps: (bytesPerDispatch * dispatches) / (ms * 1e6) };
}

/** All three probes; `targetMs` long submits make fixed overheads small (100 ms suits SwiftShader). */
export async function probeRoofline(device: GPUDevice, targetMs = 100): Promise<Roofline> {
  const fma = await probeFma(device, targetMs);
  const copy = await probeCopy(device, targetMs);
  const load = await probeLoad(device, targetMs);
  return {
    gflops: fma.gflops,
    gbps: copy.gbps,
    gloads: load.gloads,
    fma: { invocations: fma.invocations, iterations: fma.iterations, ms: fma.ms },
    copy: { bytesPerDispatch: copy.bytesPerDispatch, dispatches: copy.dispatches, ms: copy.ms },
    load: { invocations: load.invocations, iterations: load.iterations, ms: load.ms },
  };
}
