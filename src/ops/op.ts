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

export const VEC4_VARIANTS = ['vec4', 'scalar'] as const;
export type Vec4Variant = (typeof VEC4_VARIANTS)[number];

/**
 * The choice of kernels that run the same shader over f32 or vec4<f32> (vec4Shader): 'vec4'
 * where `fits`, else 'scalar', unless ctx.forcedVariants[op] names one; a forced 'vec4' that does
 * not fit is an error saying what it `needs`.
 */
export function selectVec4Variant(op: string, ctx: Pick<PlanContext, 'forcedVariants'>, fits: boolean, needs: string): Vec4Variant {
  const forced = ctx.forcedVariants[op];
  if (forced === undefined) return fits ? 'vec4' : 'scalar';
  if (!(VEC4_VARIANTS as readonly string[]).includes(forced)) throw new WgnnError(op, `unknown variant '${forced}'; variants: ${VEC4_VARIANTS.join(', ')}`);
  if (forced === 'vec4' && !fits) throw new WgnnError(op, `variant vec4 needs ${needs}; use scalar`);
  return forced as Vec4Variant;
}

/**
 * The vec4 form of a shader written over `alias Elem = f32;` (and, where it has them, `alias
 * UElem = u32;` and `alias Mask = bool;`): the same code over vec4s.
 */
export function vec4Shader(shader: { name: string; code: string }): { name: string; code: string } {
  const code = shader.code
    .replace('alias Elem = f32;', 'alias Elem = vec4<f32>;')
    .replace('alias UElem = u32;', 'alias UElem = vec4<u32>;')
    .replace('alias Mask = bool;', 'alias Mask = vec4<bool>;');
  return { name: `${shader.name} (vec4)`, code };
}

/** Splits a count of workgroups over x and y so neither exceeds the per-dimension limit. */
export function spreadWorkgroups(where: string, groups: number, limits: DeviceLimits): [number, number, number] {
  const max = limits.maxComputeWorkgroupsPerDimension;
  if (groups <= max) return [Math.max(groups, 1), 1, 1];
  const y = Math.ceil(groups / max);
  if (y > max) throw new WgnnError(where, `${groups} workgroups exceed the device limit of ${max}x${max}`);
  return [Math.ceil(groups / y), y, 1];
}
