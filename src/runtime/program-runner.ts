// Runs a compiled program on the GPU. Everything that does not change between runs is built
// once, here: constant buffers (weights, uploaded once per model and shared by its plans), the arena, one uniform buffer holding
// every dispatch's Params, the pipelines (created in parallel) and the bind groups. A run then
// writes the inputs with writeBuffer, encodes every dispatch into one compute pass, copies the
// outputs to pooled MAP_READ staging buffers, and submits once.
// Every value lives in one arena buffer, so a dispatch binds its inputs and its output as ranges
// of the same buffer. WebGPU forbids read-only and writable bindings of one buffer in a dispatch,
// which is why every shader declares its storage bindings read_write (inputs included).
import type { CompiledProgram, StorageRef } from '../compile/compile.ts';
import type { BindingRef } from '../ops/op.ts';
import { alignUp } from '../compile/memory.ts';
import { BufferUsage, MAP_MODE_READ } from './gpu-flags.ts';
import type { GpuExecutor } from './gpu-executor.ts';
import { packParams, paramsLayout } from './params.ts';
import { sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';

interface EncodedDispatch {
  step: number;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
}

export class ProgramRunner {
  readonly dispatches: EncodedDispatch[] = [];
  private readonly buffers: GPUBuffer[] = [];
  private readonly constants = new Map<number, GPUBuffer>();
  private arena!: GPUBuffer;
  private readonly freeStaging: GPUBuffer[][] = [];
  private disposed = false;

  private constructor(
    private readonly gpu: GpuExecutor,
    readonly program: CompiledProgram,
    private readonly label: string,
    private readonly weights: Map<TensorData, GPUBuffer>,
    private readonly externals: ReadonlyMap<string, GPUBuffer>,
  ) {}

  /**
   * `weights` holds constant buffers by data array, shared by the plans of one model: uploaded
   * once. `externals` are the buffers external values live in (a training session's parameters,
   * gradients and optimizer state), by name.
   */
  static async create(gpu: GpuExecutor, program: CompiledProgram, label: string, weights: Map<TensorData, GPUBuffer>, externals: ReadonlyMap<string, GPUBuffer> = new Map()): Promise<ProgramRunner> {
    const runner = new ProgramRunner(gpu, program, label, weights, externals);
    await gpu.pipelines.prepare(program.steps.flatMap((s) => s.plan.dispatches));
    runner.build();
    return runner;
  }

  private build(): void {
    const { gpu, program, label } = this;
    for (const c of program.constants) {
      let buffer = this.weights.get(c.data);
      if (!buffer) {
        buffer = gpu.createBuffer(`${label}:${c.name}`, c.data.byteLength);
        gpu.device.queue.writeBuffer(buffer, 0, c.data.buffer, c.data.byteOffset, c.data.byteLength);
        this.weights.set(c.data, buffer);
      }
      this.constants.set(c.id, buffer);
    }
    this.arena = gpu.allocate({
      label: `${label}:arena`,
      size: Math.max(16, program.memory.peakBytes),
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    });
    this.buffers.push(this.arena);

    // One uniform buffer for all Params, each at an aligned offset.
    const align = gpu.limits.minUniformBufferOffsetAlignment ?? 256;
    const all = program.steps.flatMap((step, s) => step.plan.dispatches.map((d) => ({ d, s })));
    const layouts = all.map(({ d }) => paramsLayout(d.shader.name, d.shader.code));
    const offsets: number[] = [];
    let size = 0;
    for (const layout of layouts) {
      offsets.push(size);
      size = alignUp(size + layout.byteSize, align);
    }
    const uniforms = gpu.allocate({ label: `${label}:params`, size: Math.max(16, size), usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.buffers.push(uniforms);
    const bytes = new Uint8Array(Math.max(16, size));
    all.forEach(({ d }, i) => bytes.set(new Uint8Array(packParams(d.shader.name, layouts[i], d.params)), offsets[i]));
    gpu.device.queue.writeBuffer(uniforms, 0, bytes);

    gpu.beginErrorScope();
    all.forEach(({ d, s }, i) => {
      const pipeline = gpu.pipelines.get(d);
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniforms, offset: offsets[i], size: layouts[i].byteSize } }];
      d.bindings.forEach((ref, b) => entries.push({ binding: b + 1, resource: this.resolve(s, ref, b) }));
      const bindGroup = gpu.device.createBindGroup({ label: `${program.steps[s].node.name}:${d.shader.name}`, layout: pipeline.getBindGroupLayout(0), entries });
      this.dispatches.push({ step: s, pipeline, bindGroup, workgroups: d.workgroups });
    });
    gpu.endErrorScope(label);
  }

  private resolve(step: number, ref: BindingRef, index: number): GPUBufferBinding {
    const s = this.program.steps[step];
    let storage: StorageRef | undefined;
    if ('input' in ref) storage = s.inputs[ref.input];
    else if ('output' in ref) storage = s.outputs[ref.output];
    else if ('scratch' in ref) storage = s.scratch[ref.scratch];
    else if ('external' in ref) return { buffer: this.external(ref.external) };
    if (!storage) return this.gpu.unused(index);
    const size = Math.max(4, storage.bytes);
    if (storage.kind === 'constant') return { buffer: this.constants.get(storage.id)!, offset: 0, size };
    if (storage.kind === 'external') return { buffer: this.external(storage.buffer), offset: storage.offset, size };
    return { buffer: this.arena, offset: storage.offset, size };
  }

  private external(name: string): GPUBuffer {
    const buffer = this.externals.get(name);
    if (!buffer) throw new Error(`${this.label}: the program reads external buffer '${name}', which was not given`);
    return buffer;
  }

  /** Encodes the program's dispatches into `pass` (the executor's per-step profiling calls it per step). */
  encode(pass: GPUComputePassEncoder, step?: number): void {
    for (const d of this.dispatches) {
      if (step !== undefined && d.step !== step) continue;
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
    }
  }

  writeInputs(inputs: TensorData[]): void {
    this.program.inputs.forEach((input, i) => {
      const ref = input.ref as { offset: number };
      const data = inputs[i];
      this.gpu.device.queue.writeBuffer(this.arena, ref.offset, data.buffer, data.byteOffset, data.byteLength);
    });
  }

  /** Copies the outputs into a staging set; returns it to read after submit. */
  copyOutputs(encoder: GPUCommandEncoder): GPUBuffer[] {
    const staging =
      this.freeStaging.pop() ??
      this.program.outputs.map((o) => this.gpu.allocate({ label: `${this.label}:read ${o.name}`, size: Math.max(4, o.ref.bytes), usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST }));
    this.program.outputs.forEach((o, i) => {
      const source = o.ref.kind === 'constant' ? this.constants.get(o.ref.id)! : o.ref.kind === 'external' ? this.external(o.ref.buffer) : this.arena;
      const offset = o.ref.kind === 'constant' ? 0 : o.ref.offset;
      if (o.ref.bytes > 0) encoder.copyBufferToBuffer(source, offset, staging[i], 0, o.ref.bytes);
    });
    return staging;
  }

  async readOutputs(staging: GPUBuffer[]): Promise<TensorData[]> {
    try {
      await this.gpu.untilLost(Promise.all(staging.map((b) => b.mapAsync(MAP_MODE_READ))));
      return this.program.outputs.map((o, i) => {
        const copy = staging[i].getMappedRange(0, Math.max(4, o.ref.bytes)).slice(0, o.ref.bytes);
        staging[i].unmap();
        const count = sizeOf(o.spec.shape);
        return o.spec.dtype === 'int32' ? new Int32Array(copy, 0, count) : new Float32Array(copy, 0, count);
      });
    } finally {
      if (this.disposed) staging.forEach((b) => this.gpu.destroyBuffer(b));
      else this.freeStaging.push(staging);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.buffers) this.gpu.destroyBuffer(b);
    for (const set of this.freeStaging) for (const b of set) this.gpu.destroyBuffer(b);
    this.freeStaging.length = 0;
  }
}
