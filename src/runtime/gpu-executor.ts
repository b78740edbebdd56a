// Runs op plans on a WebGPU device, one op at a time (eager mode): allocates the outputs,
// encodes every dispatch of the plan into one command encoder, submits once, and reads back
// through a staging buffer. Device loss turns pending and later work into DeviceLostError.
import type { AcquiredDevice } from '../device/acquire.ts';
import { DeviceLostError, WgnnError } from '../errors.ts';
import type { BindingRef, DeviceLimits, OpPlan, TensorSpec } from '../ops/op.ts';
import { sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import { BYTES_PER_ELEMENT, type DType } from '../tensor-spec.ts';
import { BufferUsage, MAP_MODE_READ } from './gpu-flags.ts';
import { packParams, paramsLayout } from './params.ts';
import { PipelineCache } from './pipelines.ts';

/** Placeholder ranges for absent optional inputs: one per binding index, each at an offset any adapter accepts. */
const UNUSED_SLOTS = 16;
const UNUSED_STRIDE = 256;
const TENSOR_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

export interface GpuExecutorOptions {
  /** Fill every output buffer with NaN before its dispatch, so an element a kernel forgets to write shows up. */
  poisonOutputs: boolean;
}

export class GpuExecutor {
  readonly device: GPUDevice;
  readonly limits: DeviceLimits;
  readonly quadOps: boolean;
  readonly pipelines: PipelineCache;
  /** Dispatches encoded so far: tests count them, profiles report them. */
  dispatchCount = 0;
  private lostError: DeviceLostError | null = null;
  /** WebGPU errors of submitted work, surfaced by the next read so they never pass silently. */
  private pendingErrors: Promise<string | null>[] = [];
  private readonly lost: Promise<never>;
  private readonly unusedBinding: GPUBuffer;
  /** Every buffer this executor made and has not destroyed, with its size (leak tests read it). */
  private readonly live = new Map<GPUBuffer, number>();

  constructor(acquired: AcquiredDevice, private readonly options: GpuExecutorOptions) {
    this.device = acquired.device;
    this.limits = acquired.limits as unknown as DeviceLimits;
    this.quadOps = acquired.quadOps;
    this.pipelines = new PipelineCache(this.device);
    this.lost = this.device.lost.then((info) => {
      this.lostError = new DeviceLostError(info.reason, info.message);
      throw this.lostError;
    });
    this.lost.catch(() => {}); // observed by read(); never an unhandled rejection
    this.unusedBinding = this.createBuffer('wgnn:unused-binding', UNUSED_SLOTS * UNUSED_STRIDE);
  }

  checkAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  /** The one place buffers are made, so that live buffers and bytes can be counted. */
  allocate(descriptor: GPUBufferDescriptor): GPUBuffer {
    this.checkAlive();
    const buffer = this.device.createBuffer(descriptor);
    this.live.set(buffer, descriptor.size);
    return buffer;
  }

  destroyBuffer(buffer: GPUBuffer): void {
    this.live.delete(buffer);
    buffer.destroy();
  }

  memoryStats(): { liveBuffers: number; liveBytes: number } {
    let liveBytes = 0;
    for (const size of this.live.values()) liveBytes += size;
    return { liveBuffers: this.live.size, liveBytes };
  }

  /** A storage buffer for tensor data; the size is checked against the device's binding limit. */
  createBuffer(label: string, bytes: number, extraUsage = 0): GPUBuffer {
    if (bytes > this.limits.maxStorageBufferBindingSize) {
      throw new WgnnError(label, `needs a ${bytes}-byte buffer, past the device's maxStorageBufferBindingSize of ${this.limits.maxStorageBufferBindingSize}`);
    }
    // Storage bindings cannot be empty and must be 4-byte multiples.
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    return this.allocate({ label, size, usage: TENSOR_USAGE | extraUsage });
  }

  /** Starts catching WebGPU errors; endErrorScope(label) files them for the next read. */
  beginErrorScope(): void {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
  }

  endErrorScope(label: string): void {
    for (const scope of ['validation', 'out of memory']) {
      this.pendingErrors.push(this.device.popErrorScope().then((e) => (e ? `${label}: WebGPU ${scope} error: ${e.message}` : null)));
    }
    if (this.pendingErrors.length > 256) {
      // Many runs without a read: fold the list so it stays small.
      const all = this.pendingErrors;
      this.pendingErrors = [Promise.all(all).then((ms) => ms.filter((m) => m !== null).join('; ') || null)];
    }
  }

  /** Resolves when `promise` does, or rejects with the DeviceLostError if the device goes first. */
  async untilLost<T>(promise: Promise<T>): Promise<T> {
    try {
      return await Promise.race([promise, this.lost]);
    } catch (error) {
      // mapAsync fails with an AbortError when the device goes away during the wait; give the
      // lost promise a moment to settle so the caller gets the reason, not a bare AbortError.
      if (!this.lostError) await Promise.race([this.lost.catch(() => {}), new Promise((r) => setTimeout(r, 100))]);
      throw this.lostError ?? error;
    }
  }

  upload(label: string, data: TensorData): GPUBuffer {
    const buffer = this.createBuffer(label, data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /**
   * Encodes and submits `plan`; `outputs` are fresh buffers for `outputSpecs`, returned to the
   * caller. `externals` are the buffers the plan binds by name (an optimizer's parameters).
   */
  run(label: string, plan: OpPlan, inputs: (GPUBuffer | undefined)[], outputSpecs: TensorSpec[], externals: ReadonlyMap<string, GPUBuffer> = new Map()): GPUBuffer[] {
    this.checkAlive();
    for (const ref of plan.dispatches.flatMap((d) => d.bindings)) {
      if ('external' in ref && !externals.has(ref.external)) {
        throw new WgnnError(label, `binds the external buffer '${ref.external}', which was not given (given: ${[...externals.keys()].join(', ') || 'none'})`);
      }
    }
    const outputs = outputSpecs.map((spec, i) => this.createBuffer(`${label}:out${i}`, sizeOf(spec.shape) * BYTES_PER_ELEMENT[spec.dtype]));
    if (this.options.poisonOutputs) {
      outputs.forEach((buffer) => this.device.queue.writeBuffer(buffer, 0, new Float32Array(buffer.size / 4).fill(NaN)));
    }
    const scratch = plan.scratchBytes.map((bytes, i) => this.createBuffer(`${label}:scratch${i}`, bytes));
    const uniforms: GPUBuffer[] = [];
    const resolve = (ref: BindingRef, index: number): GPUBufferBinding => {
      if ('input' in ref) {
        const buffer = inputs[ref.input];
        if (!buffer) throw new Error(`${label}: plan binds missing input ${ref.input}`);
        return { buffer };
      }
      if ('output' in ref) return { buffer: outputs[ref.output] };
      if ('scratch' in ref) return { buffer: scratch[ref.scratch] };
      if ('external' in ref) return { buffer: externals.get(ref.external)! };
      return this.unused(index);
    };

    this.beginErrorScope();
    const encoder = this.device.createCommandEncoder({ label });
    for (const dispatch of plan.dispatches) {
      const layout = paramsLayout(dispatch.shader.name, dispatch.shader.code);
      const uniform = this.allocate({ label: `${label}:params`, size: layout.byteSize, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
      this.device.queue.writeBuffer(uniform, 0, packParams(dispatch.shader.name, layout, dispatch.params));
      uniforms.push(uniform);
      const pipeline = this.pipelines.get(dispatch);
      const bindGroup = this.device.createBindGroup({
        label,
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ buffer: uniform }, ...dispatch.bindings.map(resolve)].map((resource, binding) => ({ binding, resource })),
      });
      const pass = encoder.beginComputePass({ label });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...dispatch.workgroups);
      pass.end();
      this.dispatchCount++;
    }
    this.device.queue.submit([encoder.finish()]);
    this.endErrorScope(label);
    // Safe right after submit: WebGPU keeps destroyed buffers alive for work already submitted.
    for (const buffer of [...uniforms, ...scratch]) this.destroyBuffer(buffer);
    return outputs;
  }

  /** Throws the first WebGPU error raised by work submitted so far, naming the op. */
  async checkErrors(): Promise<void> {
    const pending = this.pendingErrors;
    this.pendingErrors = [];
    const messages = (await Promise.all(pending)).filter((m): m is string => m !== null);
    if (messages.length) throw new WgnnError('webgpu', messages.join('; '));
  }

  /**
   * Waits for `read` (a readback of submitted work) and for the error scopes of everything
   * submitted before it, together: the error check's round trip then overlaps the GPU work
   * instead of following it (0.2-0.8 ms a run on SwiftShader). A WebGPU error wins over
   * whatever the read returned.
   */
  async afterErrors<T>(read: Promise<T>): Promise<T> {
    const [errors, result] = await Promise.allSettled([this.checkErrors(), read]);
    // A lost device fails both; its DeviceLostError says why.
    if (this.lostError) throw this.lostError;
    if (errors.status === 'rejected') throw errors.reason;
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  async read(buffer: GPUBuffer, count: number, dtype: DType): Promise<TensorData> {
    this.checkAlive();
    const bytes = count * BYTES_PER_ELEMENT[dtype];
    const staging = this.allocate({ label: 'wgnn:readback', size: Math.max(4, bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    try {
      const encoder = this.device.createCommandEncoder({ label: 'wgnn:readback' });
      if (bytes > 0) encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      await this.afterErrors(this.untilLost(staging.mapAsync(MAP_MODE_READ)));
      const copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
      return dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    } finally {
      this.destroyBuffer(staging);
    }
  }

  /**
   * 16 bytes bound where a kernel's optional input is absent: a separate 256-byte-aligned range
   * per binding index, since two writable bindings of one dispatch must not overlap.
   */
  unused(index: number): GPUBufferBinding {
    if (index >= UNUSED_SLOTS) throw new Error(`binding ${index + 1} is unused, past the ${UNUSED_SLOTS} placeholder ranges`);
    return { buffer: this.unusedBinding, offset: index * UNUSED_STRIDE, size: 16 };
  }

  destroy(): void {
    this.destroyBuffer(this.unusedBinding);
    this.device.destroy();
  }
}
