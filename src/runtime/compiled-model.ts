// A model compiled for an engine: the graph, a compiled program per input-shape signature
// (cached: dynamic batch size and sequence length each get their own plan), and run / profile.
import { compileProgram, type CompiledProgram } from '../compile/compile.ts';
import type { Fusions } from '../compile/fuse.ts';
import { WgnnError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import type { PlanContext } from '../ops/op.ts';
import { formatShape, sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import { runGraphOnCpu } from './cpu-runner.ts';
import type { GpuExecutor } from './gpu-executor.ts';
import { profileProgram, type Profile } from './profile.ts';
import { ProgramRunner } from './program-runner.ts';

/** An input: the values, plus the shape when the graph leaves more than one dimension open. */
export type ModelInput = TensorData | number[] | { data: TensorData | number[]; shape: number[] };

export interface ModelStats {
  dispatchCount: number;
  /** Arena size of the memory plan. */
  peakBytes: number;
  /** Every intermediate in its own buffer. */
  naiveBytes: number;
  /** The largest total of values alive at one step: no plan can do better. */
  lowerBoundBytes: number;
  fusions: Fusions;
}

export class CompiledModel {
  private readonly runners = new Map<string, Promise<ProgramRunner>>();
  /**
   * Weight buffers by the constant's data array, shared by every plan of this model. Keyed by the
   * array, not the name: the graphs of an imported model's signatures share their weight arrays,
   * while a constant folded from shapes may keep its name and change its values.
   */
  private readonly weights = new Map<TensorData, GPUBuffer>();
  private disposed = false;

  /** @internal Made by engine.compile(model). */
  constructor(
    readonly graph: Graph,
    private readonly gpu: GpuExecutor | null,
    private readonly ctx: PlanContext,
    readonly name: string,
  ) {}

  get inputNames(): string[] {
    return this.graph.inputs.map((id) => this.graph.values[id].name);
  }

  get outputNames(): string[] {
    return this.graph.outputs.map((id) => this.graph.values[id].name);
  }

  /** Runs the model; inputs by name (or in order), outputs by name, as float32 arrays. */
  async run(inputs: Record<string, ModelInput> | ModelInput[]): Promise<Record<string, Float32Array>> {
    const { shapes, data } = this.resolveInputs(inputs);
    let outputs: TensorData[];
    if (!this.gpu) {
      outputs = runGraphOnCpu(this.graph, shapes, data);
    } else {
      const runner = await this.runner(shapes);
      this.gpu.checkAlive();
      runner.writeInputs(data);
      this.gpu.beginErrorScope();
      const encoder = this.gpu.device.createCommandEncoder({ label: this.name });
      const pass = encoder.beginComputePass({ label: this.name });
      runner.encode(pass);
      pass.end();
      const staging = runner.copyOutputs(encoder);
      this.gpu.device.queue.submit([encoder.finish()]);
      this.gpu.endErrorScope(this.name);
      this.gpu.dispatchCount += runner.dispatches.length;
      outputs = await this.gpu.afterErrors(runner.readOutputs(staging));
    }
    return Object.fromEntries(this.outputNames.map((n, i) => [n, outputs[i] as Float32Array]));
  }

  /** The compiled plan's numbers for these input shapes (compiling it if needed). */
  async stats(inputShapes: Record<string, number[]> | number[][]): Promise<ModelStats> {
    const program = this.gpu ? (await this.runner(this.shapeMap(inputShapes))).program : this.compileFor(this.shapeMap(inputShapes));
    return {
      dispatchCount: program.dispatchCount,
      peakBytes: program.memory.peakBytes,
      naiveBytes: program.memory.naiveBytes,
      lowerBoundBytes: program.memory.lowerBoundBytes,
      fusions: program.fusions,
    };
  }

  /** @internal The compiled program for these shapes (tests validate its memory plan). */
  async program(inputShapes: Record<string, number[]> | number[][]): Promise<CompiledProgram> {
    return this.gpu ? (await this.runner(this.shapeMap(inputShapes))).program : this.compileFor(this.shapeMap(inputShapes));
  }

  /** Per-node GPU time (timestamp queries where the adapter has them), dispatches, bytes and FLOPs. */
  async profile(inputs: Record<string, ModelInput> | ModelInput[]): Promise<Profile> {
    if (!this.gpu) throw new WgnnError(this.name, 'profile() needs the WebGPU backend');
    const { shapes, data } = this.resolveInputs(inputs);
    return profileProgram(this.gpu, await this.runner(shapes), data);
  }

  dispose(): void {
    this.disposed = true;
    const runners = [...this.runners.values()];
    this.runners.clear();
    void Promise.allSettled(runners).then((settled) => {
      for (const r of settled) if (r.status === 'fulfilled') r.value.dispose();
      for (const buffer of this.weights.values()) this.gpu?.destroyBuffer(buffer);
      this.weights.clear();
    });
  }

  private compileFor(shapes: Map<number, number[]>): CompiledProgram {
    const alignment = Math.max(this.ctx.limits.minStorageBufferOffsetAlignment ?? 256, 4);
    return compileProgram(this.graph, shapes, this.ctx, alignment);
  }

  private runner(shapes: Map<number, number[]>): Promise<ProgramRunner> {
    if (this.disposed) throw new WgnnError(this.name, 'the compiled model was disposed');
    const key = [...shapes.values()].map((s) => s.join('x')).join('|');
    let runner = this.runners.get(key);
    if (!runner) {
      runner = ProgramRunner.create(this.gpu!, this.compileFor(shapes), this.name, this.weights);
      this.runners.set(key, runner);
      runner.catch(() => this.runners.delete(key));
    }
    return runner;
  }

  private shapeMap(shapes: Record<string, number[]> | number[][]): Map<number, number[]> {
    const list = Array.isArray(shapes) ? shapes : this.inputNames.map((n) => shapes[n]);
    return new Map(this.graph.inputs.map((id, i) => [id, list[i]]));
  }

  private resolveInputs(inputs: Record<string, ModelInput> | ModelInput[]): { shapes: Map<number, number[]>; data: TensorData[] } {
    const list = Array.isArray(inputs) ? inputs : this.inputNames.map((n) => inputs[n]);
    if (!Array.isArray(inputs)) {
      const unknown = Object.keys(inputs).filter((k) => !this.inputNames.includes(k));
      if (unknown.length) throw new WgnnError(this.name, `unknown input(s) ${unknown.join(', ')}; the inputs are ${this.inputNames.join(', ')}`);
    }
    const shapes = new Map<number, number[]>();
    const data: TensorData[] = [];
    this.graph.inputs.forEach((id, i) => {
      const value = this.graph.values[id];
      const given = list[i];
      if (given === undefined) throw new WgnnError(`input ${value.name}`, 'is missing');
      const raw = 'shape' in (given as object) && !ArrayBuffer.isView(given) ? (given as { data: TensorData | number[]; shape: number[] }) : { data: given as TensorData | number[], shape: undefined };
      const typed = value.dtype === 'int32' ? Int32Array.from(raw.data) : raw.data instanceof Float32Array ? raw.data : Float32Array.from(raw.data);
      const declared = value.shape!;
      let shape = raw.shape;
      if (!shape) {
        const open = declared.filter((d) => d === null).length;
        const known = sizeOf(declared.map((d) => d ?? 1));
        if (open > 1) throw new WgnnError(`input ${value.name}`, `declared [${declared.map((d) => d ?? '?').join(', ')}] has several open dims: pass { data, shape }`);
        if (known === 0 || typed.length % known !== 0) {
          throw new WgnnError(`input ${value.name}`, `${typed.length} values do not fill [${declared.map((d) => d ?? '?').join(', ')}]`);
        }
        shape = declared.map((d) => d ?? typed.length / known);
      }
      if (sizeOf(shape) !== typed.length) throw new WgnnError(`input ${value.name}`, `${typed.length} values do not match shape ${formatShape(shape)}`);
      shapes.set(id, shape);
      data.push(typed);
    });
    return { shapes, data };
  }
}
