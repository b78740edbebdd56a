// How the training kernels of a recurrent layer are launched. Every kernel puts one workgroup on
// each (batch tile, direction) and keeps every state between steps in storage, so the steps may
// run in one dispatch ('sequence': a storageBarrier between steps) or one dispatch each
// ('per-step'). The sequence path is the default (one dispatch, the barriers are cheap); the
// per-step one is there for devices that stop long dispatches, and tests force both. The 'vec4'
// forms run the kernels that have a vec4 form (shaders/*_train_*_vec4.wgsl: the LSTM's forward
// and backward, the GRU's backward; an invocation per quad of units, every load a vec4) where the
// units are a multiple of 4, and are the default there; the scalar kernels stay selectable.
// Measured (SwiftShader, 2 busy cores, LSTM H 64, B 32, T 20, one op alone): batch tile 8 runs
// the forward in 65-71 ms against 145-157 ms for one entry per workgroup, the backward in
// 140-146 ms against 280 ms.
import { WgnnError } from '../../errors.ts';
import type { PlanContext } from '../op.ts';
import type { CellKind } from '../recurrent/layout.ts';
import type { TrainDims } from './attrs.ts';

export const RECURRENT_TRAIN_VARIANTS = ['sequence', 'per-step', 'vec4', 'vec4-per-step'] as const;
export type RecurrentTrainVariant = (typeof RECURRENT_TRAIN_VARIANTS)[number];

export interface TrainLaunch {
  /** The kernel's vec4 form: an invocation per quad of units. */
  vec4: boolean;
  /** [stepBegin, stepEnd) of each dispatch. */
  ranges: [number, number][];
  workgroupSize: number;
  /** Batch entries per workgroup (the BATCH_TILE override). */
  batchTile: number;
  workgroups: [number, number, number];
}

/** The kernels' private arrays hold this many entries (MAX_TILE in the shaders). */
export const MAX_BATCH_TILE = 8;

/**
 * Batch entries per workgroup: the largest of 8, 4, 2 that leaves at least two workgroups per
 * direction (B >= 2 * tile), else 1. Each load of R then serves the whole tile (the rule the
 * inference kernels follow, src/ops/recurrent/variant.ts); the floor keeps some parallelism.
 */
export function batchTileFor(B: number): number {
  return [8, 4, 2].find((t) => t <= MAX_BATCH_TILE && B >= 2 * t) ?? 1;
}

/** Bytes of a buffer standing in for an absent binding (never read: the shader is told). */
export const STAND_IN = 16;

/** Whether the vec4 variants take this layer: an LSTM or GRU whose units are a multiple of 4. */
export function vec4Fits(cell: CellKind, H: number): boolean {
  return cell !== 'simpleRnn' && H % 4 === 0;
}

export function selectTrainVariant(ctx: PlanContext, cell: CellKind, H: number): RecurrentTrainVariant {
  const forced = ctx.forcedVariants.recurrentTrain;
  if (forced !== undefined && !(RECURRENT_TRAIN_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError('recurrentTrain', `unknown variant '${forced}'; variants: ${RECURRENT_TRAIN_VARIANTS.join(', ')}`);
  }
  if (forced?.startsWith('vec4') && !vec4Fits(cell, H)) {
    throw new WgnnError('recurrentTrain', `variant ${forced} needs an LSTM or GRU whose units are a multiple of 4; got ${cell} with ${H} units (use sequence or per-step)`);
  }
  return (forced as RecurrentTrainVariant | undefined) ?? (vec4Fits(cell, H) ? 'vec4' : 'sequence');
}

/** `hasVec4`: whether the kernel being launched has a vec4 form for this cell. */
export function trainLaunch(cell: CellKind, dims: TrainDims, ctx: PlanContext, hasVec4: boolean): TrainLaunch {
  const { B, T, D, H } = dims;
  const batchTile = batchTileFor(B);
  if (Math.ceil(B / batchTile) > ctx.limits.maxComputeWorkgroupsPerDimension) {
    throw new WgnnError(cell, `batch ${B} exceeds the device's ${ctx.limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
  }
  const variant = selectTrainVariant(ctx, cell, H);
  const vec4 = hasVec4 && variant.startsWith('vec4');
  // The smallest of 16, 64, 256 invocations that covers the units, or their quads (more: each takes several).
  const lanes = vec4 ? H / 4 : H;
  const workgroupSize = Math.min([16, 64, 256].find((s) => s >= lanes) ?? 256, ctx.limits.maxComputeInvocationsPerWorkgroup);
  const ranges: [number, number][] = variant.endsWith('per-step') ? Array.from({ length: T }, (_, s) => [s, s + 1]) : [[0, T]];
  return { vec4, ranges, workgroupSize, batchTile, workgroups: [Math.ceil(B / batchTile), D, 1] };
}

/** Throws unless a binding of `elements` floats fits the device's storage binding size. */
export function checkBindingSize(where: string, name: string, elements: number, ctx: PlanContext): void {
  const bytes = elements * 4;
  if (bytes > ctx.limits.maxStorageBufferBindingSize) {
    throw new WgnnError(where, `${name} needs ${bytes} bytes, more than the device's ${ctx.limits.maxStorageBufferBindingSize}-byte storage binding limit; use a smaller batch or fewer steps`);
  }
}
