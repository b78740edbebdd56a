// The state a model trains in, and its steps. Parameters, gradients, optimizer state, the
// per-step values and the metrics' running sums live in external buffers that persist from step
// to step (on the GPU, or as host arrays on the CPU backend); each step graph (per mode and batch
// shape, compiled once and cached) reads and writes them. A step is one command buffer and one
// submit, with no readback: the running sums are read when asked (readMetrics).
import { compileProgram } from '../compile/compile.ts';
import { WgnnError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import type { PlanContext } from '../ops/op.ts';
import { initialState, optimizerStateSlots, optimizerStepValues, STEP_SLOTS, type OptimizerAttrs } from '../ops/optimizer/op.ts';
import { runGraphOnCpu } from '../runtime/cpu-runner.ts';
import type { GpuExecutor } from '../runtime/gpu-executor.ts';
import { ProgramRunner } from '../runtime/program-runner.ts';
import { profileProgram, type Profile } from '../runtime/profile.ts';
import type { TensorData } from '../tensor.ts';
import { layoutParams, packParams, type ParamLayout } from './params.ts';
import type { Loss, Metric } from './spec.ts';
import { BUFFERS, buildStepGraph, type StepGraph, type StepMode } from './step-graph.ts';

export interface SessionSpec {
  loss: Loss;
  metrics: Metric[];
  optimizer: Omit<OptimizerAttrs, 'count'>;
}

interface Plan {
  step: StepGraph;
  /** The GPU program; undefined on the CPU backend. */
  runner?: ProgramRunner;
}

export interface StepInputs {
  mode: StepMode;
  /** Each model input's x, or the batch's row indices into the uploaded sets (gather), then labels and weights as the mode takes them. */
  data: TensorData[];
  batch: number;
  /** One sample's shape, per model input. */
  sampleShapes: number[][];
  labelSample: number[];
  gatherRows?: number;
  weighted?: boolean;
}

/** One step plan's GPU footprint: its arena against the live-set lower bound, and the persistent buffers. */
export interface StepStats {
  dispatches: number;
  /** The arena holding the step's activations, gradients in flight and scratch. */
  peakBytes: number;
  /** The most bytes live at once in the same step: no arena can be smaller. */
  lowerBoundBytes: number;
  /** Every value in its own buffer. */
  naiveBytes: number;
  /** Parameters, gradients, optimizer state, the uploaded training set and the rest that persists between steps. */
  externalBytes: number;
}

export class TrainingSession {
  readonly layout: ParamLayout;
  /** The weights training updates without gradients (batch norm's moving statistics), in 'variables'. */
  readonly variables: ParamLayout;
  /** Optimizer steps taken (Keras's `iterations`). */
  iterations = 0;
  private readonly plans = new Map<string, Promise<Plan>>();
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly host = new Map<string, Float32Array>();
  /** Constants of the step graphs that are not parameters (thresholds, tables), uploaded once. */
  private readonly constants = new Map<TensorData, GPUBuffer>();
  private disposed = false;

  constructor(
    private readonly forward: Graph,
    readonly spec: SessionSpec,
    private readonly gpu: GpuExecutor | null,
    private readonly ctx: PlanContext,
    readonly name: string,
  ) {
    this.layout = layoutParams(forward);
    this.variables = layoutParams(forward, 'nonTrainable');
    const attrs = this.optimizerAttrs;
    this.setExternal(BUFFERS.params, packParams(forward, this.layout));
    this.setExternal(BUFFERS.variables, packParams(forward, this.variables));
    this.setExternal(BUFFERS.grads, new Float32Array(this.layout.total));
    if (optimizerStateSlots(attrs)) this.setExternal(BUFFERS.state, initialState(attrs));
    this.setExternal(BUFFERS.step, new Float32Array(STEP_SLOTS));
    this.setExternal(BUFFERS.metrics, new Float32Array(Math.max(4, 1 + spec.metrics.length)));
  }

  get optimizerAttrs(): OptimizerAttrs {
    return { ...this.spec.optimizer, count: this.layout.total } as OptimizerAttrs;
  }

  /** Replaces an external buffer's contents (made at this size if new). */
  setExternal(name: string, data: Float32Array): void {
    if (!this.gpu) {
      this.host.set(name, data.slice());
      return;
    }
    let buffer = this.buffers.get(name);
    if (buffer && buffer.size !== Math.max(16, data.byteLength)) {
      // The step programs bind buffers once: those built on the old one go with it.
      this.dropPlans();
      this.gpu.destroyBuffer(buffer);
      buffer = undefined;
    }
    if (!buffer) {
      buffer = this.gpu.createBuffer(`${this.name}:${name}`, Math.max(16, data.byteLength));
      this.buffers.set(name, buffer);
    }
    this.gpu.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /** An external buffer's contents (a readback on the GPU: waits for the work before it). */
  async readExternal(name: string): Promise<Float32Array> {
    if (!this.gpu) return this.host.get(name)!.slice();
    const buffer = this.buffers.get(name)!;
    return (await this.gpu.read(buffer, buffer.size / 4, 'float32')) as Float32Array;
  }

  /** Runs one step: for 'train', the learning rate is this step's (schedules run on the host). */
  async run(inputs: StepInputs, learningRate = 0): Promise<void> {
    if (this.disposed) throw new WgnnError(this.name, 'the training session was disposed');
    const plan = await this.plan(inputs);
    if (inputs.mode === 'train') {
      this.iterations++;
      this.setExternal(BUFFERS.step, optimizerStepValues(this.optimizerAttrs, learningRate, this.iterations));
    }
    if (!this.gpu) {
      runGraphOnCpu(plan.step.graph, plan.step.inputShapes, inputs.data, this.host);
      return;
    }
    const runner = plan.runner!;
    this.gpu.checkAlive();
    runner.writeInputs(inputs.data);
    this.gpu.beginErrorScope();
    const encoder = this.gpu.device.createCommandEncoder({ label: `${this.name}:${inputs.mode}` });
    const pass = encoder.beginComputePass({ label: `${this.name}:${inputs.mode}` });
    runner.encode(pass);
    pass.end();
    this.gpu.device.queue.submit([encoder.finish()]);
    this.gpu.endErrorScope(`${this.name}:${inputs.mode}`);
    this.gpu.dispatchCount += runner.dispatches.length;
  }

  /** Per-node GPU time of one step (it runs: a 'train' step updates the parameters). */
  async profile(inputs: StepInputs, learningRate = 0): Promise<Profile> {
    if (!this.gpu) throw new WgnnError(this.name, 'profile needs the WebGPU backend');
    const plan = await this.plan(inputs);
    if (inputs.mode === 'train') this.setExternal(BUFFERS.step, optimizerStepValues(this.optimizerAttrs, learningRate, ++this.iterations));
    return profileProgram(this.gpu, plan.runner!, inputs.data);
  }

  /** The footprint of the plan these inputs run (compiled now if new; nothing runs). */
  async stats(inputs: StepInputs): Promise<StepStats> {
    if (!this.gpu) throw new WgnnError(this.name, 'stats need the WebGPU backend');
    const { runner } = await this.plan(inputs);
    const { memory } = runner!.program;
    const externalBytes = [...this.buffers.values()].reduce((sum, b) => sum + b.size, 0);
    return { dispatches: runner!.dispatches.length, peakBytes: memory.peakBytes, lowerBoundBytes: memory.lowerBoundBytes, naiveBytes: memory.naiveBytes, externalBytes };
  }

  /** The model's outputs for a batch (mode 'predict'). */
  async predict(inputs: StepInputs): Promise<Float32Array> {
    const plan = await this.plan(inputs);
    if (!this.gpu) return runGraphOnCpu(plan.step.graph, plan.step.inputShapes, inputs.data, this.host)[0] as Float32Array;
    const runner = plan.runner!;
    runner.writeInputs(inputs.data);
    this.gpu.beginErrorScope();
    const encoder = this.gpu.device.createCommandEncoder({ label: `${this.name}:predict` });
    const pass = encoder.beginComputePass({ label: `${this.name}:predict` });
    runner.encode(pass);
    pass.end();
    const staging = runner.copyOutputs(encoder);
    this.gpu.device.queue.submit([encoder.finish()]);
    this.gpu.endErrorScope(`${this.name}:predict`);
    return (await this.gpu.afterErrors(runner.readOutputs(staging)))[0] as Float32Array;
  }

  /** The running sums (loss, then each metric), zeroed for what follows. */
  async takeMetrics(): Promise<Float32Array> {
    const sums = await this.readExternal(BUFFERS.metrics);
    this.resetMetrics();
    return sums;
  }

  /** Zeroes the running sums (no readback). */
  resetMetrics(): void {
    this.setExternal(BUFFERS.metrics, new Float32Array(Math.max(4, 1 + this.spec.metrics.length)));
  }

  dispose(): void {
    this.disposed = true;
    const plans = this.dropPlans();
    void plans.then(() => {
      for (const buffer of [...this.buffers.values(), ...this.constants.values()]) this.gpu?.destroyBuffer(buffer);
    });
  }

  private dropPlans(): Promise<unknown> {
    const plans = [...this.plans.values()];
    this.plans.clear();
    return Promise.allSettled(plans).then((settled) => {
      for (const p of settled) if (p.status === 'fulfilled') p.value.runner?.dispose();
    });
  }

  private plan(inputs: StepInputs): Promise<Plan> {
    const key = [inputs.mode, inputs.batch, inputs.sampleShapes.map((s) => s.join('x')).join(','), inputs.labelSample.join('x'), inputs.gatherRows ?? '-', inputs.weighted ? 'w' : '-'].join('|');
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.makePlan(inputs);
      this.plans.set(key, plan);
      plan.catch(() => this.plans.delete(key));
    }
    return plan;
  }

  private async makePlan(inputs: StepInputs): Promise<Plan> {
    const spec = {
      mode: inputs.mode,
      loss: this.spec.loss,
      metrics: this.spec.metrics,
      optimizer: this.optimizerAttrs,
      gather: inputs.gatherRows === undefined ? undefined : { rows: inputs.gatherRows },
      weighted: inputs.weighted ?? false,
    };
    const step = buildStepGraph(this.forward, this.layout, this.variables, spec, inputs.sampleShapes, inputs.labelSample, inputs.batch);
    if (!this.gpu) return { step };
    const alignment = Math.max(this.ctx.limits.minStorageBufferOffsetAlignment ?? 256, 4);
    const program = compileProgram(step.graph, step.inputShapes, this.ctx, alignment);
    const runner = await ProgramRunner.create(this.gpu, program, `${this.name}:${inputs.mode}`, this.constants, this.buffers);
    return { step, runner };
  }
}
