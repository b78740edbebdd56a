// The contract every op follows. One definition per op, read in this order:
//   infer (validate the inputs and attributes, compute the output shapes)
//   -> selectVariant (a pure function of shapes, limits and what a test forces)
//   -> plan (Params values and dispatches; the executor encodes them)
// and `reference`, the independent CPU twin used as the test oracle and as the CPU backend.
// Kernels never see the graph and never touch GPU objects: a plan only names its buffers.
import { WgnnError } from '../errors.ts';
import type { DType } from '../tensor-spec.ts';
import type { HostTensor } from './host-tensor.ts';
import type { ParamValues } from '../runtime/params.ts';

export interface TensorSpec {
  shape: number[];
  dtype: DType;
}

export interface ShaderSource {
  /** File name under shaders/, also the pipeline label. */
  name: string;
  code: string;
}

/** A storage buffer a dispatch binds, in @binding order starting at 1 (binding 0 is Params). */
export type BindingRef =
  | { input: number }
  | { output: number }
  | { scratch: number }
  /** A placeholder for an optional input the kernel does not read this time (e.g. no bias). */
  | { unused: true }
  /** A whole external buffer (an optimizer updates every parameter in one dispatch). */
  | { external: string };

export interface Dispatch {
  shader: ShaderSource;
  /** Override constants; with the shader name they key the pipeline cache, shapes never do. */
  overrides: Record<string, number>;
  params: ParamValues;
  bindings: BindingRef[];
  workgroups: [number, number, number];
}

export interface OpPlan {
  /** Byte sizes of temporary buffers the dispatches share (e.g. the im2col matrix). */
  scratchBytes: number[];
  dispatches: Dispatch[];
}

export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
  minUniformBufferOffsetAlignment?: number;
  minStorageBufferOffsetAlignment?: number;
}

export interface PlanContext {
  limits: DeviceLimits;
  /** Variant names forced by the caller (tests force every variant), keyed by op name. */
  forcedVariants: Partial<Record<string, string>>;
  /** Cap on the im2col scratch matrix in bytes (default 64 MiB). */
  im2colMaxBytes?: number;
  /** Whether kernels may use quad operations (see AcquiredDevice.quadOps); absent: no. */
  quadOps?: boolean;
}

export interface OpDefinition<Attrs> {
  name: string;
  /** Validates inputs (a missing optional input is undefined) and returns the output specs. */
  infer(where: string, inputs: (TensorSpec | undefined)[], attrs: Attrs): TensorSpec[];
  plan(inputs: (TensorSpec | undefined)[], outputs: TensorSpec[], attrs: Attrs, ctx: PlanContext): OpPlan;
  /**
   * `externals`: the host copies of external buffers, for an op whose outputs depend on one it
   * binds by name (dropout reads the step number from 'step'); absent where none are given.
   */
  reference(inputs: (HostTensor | undefined)[], attrs: Attrs, externals?: Map<string, Float32Array>): HostTensor[];
  /**
   * Ops that write external buffers (an optimizer's update, a metric's running sum) instead of, or
   * besides, their outputs: the compiler keeps them though nothing reads their outputs, and the
   * CPU backend runs `referenceEffects` on its host copies of those buffers.
   */
  effects?: true;
  referenceEffects?(inputs: (HostTensor | undefined)[], attrs: Attrs, externals: Map<string, Float32Array>): void;
}

/** Splits a count of workgroups over x and y so neither exceeds the per-dimension limit. */
export function spreadWorkgroups(where: string, groups: number, limits: DeviceLimits): [number, number, number] {
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / max);
  if (y > max) throw new WgnnError(where, `${groups} workgroups exceed the device limit of ${max}x${max}`);
  return [Math.ceil(groups / y), y, 1];
}
