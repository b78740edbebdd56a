// How a recurrent layer is launched: the path, 'per-step' (one dispatch per time step),
// 'sequence' (one dispatch loops over all steps; the GRU and simple RNN keep the state in
// workgroup memory, the LSTM in storage) or 'resident' (the sequence path with each invocation's
// rows of R copied once into private memory; LSTM and GRU up to 64 units), and the batch tile
// (batch entries per workgroup, sharing each load of R). Every path puts one workgroup on each
// (batch tile, direction), so they have the same parallelism; they trade per-dispatch cost
// against memory. Rules and measurements: bench/NOTES.md ("Recurrent layers", "Resident").
import { WgnnError } from '../../errors.ts';
import type { PlanContext } from '../op.ts';
import { type CellKind, paddedUnits } from './layout.ts';

export const RECURRENT_VARIANTS = ['per-step', 'sequence', 'resident'] as const;
export type RecurrentVariant = (typeof RECURRENT_VARIANTS)[number];

export interface RecurrentProblem {
  cell: CellKind;
  steps: number; // T
  batch: number; // B
  hiddenSize: number; // H
  numDirections: number; // D
  linearBeforeReset: boolean;
}

export interface RecurrentLaunch {
  variant: RecurrentVariant;
  /** Batch entries per workgroup (the BATCH_TILE override). */
  batchTile: number;
  /** Units per entry in workgroup memory (the CAPACITY override of the GRU and simple RNN; 0 for the LSTM). */
  capacity: number;
  workgroupSize: number;
}

/** Units the resident path takes at most: the shaders' private copy of R holds 16 quads of k (4 KiB for the LSTM). */
export const RESIDENT_MAX_UNITS = 64;

/** Whether the resident path takes a layer: LSTM and GRU only, up to RESIDENT_MAX_UNITS units. */
export function residentTakes(cell: CellKind, hiddenSize: number): boolean {
  return cell !== 'simpleRnn' && paddedUnits(hiddenSize) <= RESIDENT_MAX_UNITS;
}

/** Workgroup size: the smallest of 16, 64, 256 invocations covering the unit quads (capped by the device). */
function workgroupSize(hiddenSize: number, ctx: PlanContext): number {
  const quads = paddedUnits(hiddenSize) / 4;
  return Math.min([16, 64, 256].find((s) => s >= quads) ?? 256, ctx.limits.maxComputeInvocationsPerWorkgroup);
}

/**
 * f32 values of workgroup memory per unit and entry: GRU h and r.h (z stays in registers);
 * simple RNN h twice. The LSTM keeps none (c in registers, h exchanged through a storage area
 * after its projection). SwiftShader's compile time grows with this memory (bench/NOTES.md).
 */
const SHARED_PER_UNIT: Record<CellKind, number> = { lstm: 0, gru: 2, simpleRnn: 2 };

/**
 * Whether the kernel keeps per-quad state in the registers of one invocation, and so needs an
 * invocation per 4 units: the LSTM and GRU sequence and resident paths, and the GRU without
 * linear_before_reset (z between its two passes).
 */
function needsQuadPerInvocation(variant: RecurrentVariant, p: RecurrentProblem): boolean {
  if (p.cell === 'gru') return variant !== 'per-step' || !p.linearBeforeReset;
  return p.cell === 'lstm' && variant !== 'per-step';
}

/**
 * Units per entry the shader keeps in workgroup memory: the sequence path and the GRU without
 * linear_before_reset need all Hp units, other per-step kernels none (4). Rounded up to 64, 256,
 * 1024, ... so that few pipelines serve all sizes. Undefined when `tile` entries do not fit.
 */
function capacity(variant: RecurrentVariant, p: RecurrentProblem, tile: number, ctx: PlanContext): number | undefined {
  if (SHARED_PER_UNIT[p.cell] === 0) return 0;
  if (variant === 'per-step' && !(p.cell === 'gru' && !p.linearBeforeReset)) return 4;
  let units = 64;
  while (units < paddedUnits(p.hiddenSize)) units *= 4;
  return units * tile * SHARED_PER_UNIT[p.cell] * 4 <= ctx.limits.maxComputeWorkgroupStorageSize ? units : undefined;
}

/** The largest batch tile each shader is written for (its BATCH_TILE override). */
const MAX_BATCH_TILE: Record<CellKind, number> = { lstm: 16, gru: 8, simpleRnn: 4 };

/**
 * The LSTM's tile 16 halves the loads of R per entry again, which pays where R is large (H 256:
 * 18-28% faster warm) but its pipeline compiles longer than tile 8's (~0.4-0.5 s in Node, a
 * first run up to 1.5 s longer in Chrome), for no gain at H 64 and 5-15% at H 128
 * (bench/NOTES.md): so only from 256 units.
 */
const WIDE_TILE_MIN_UNITS = 256;

function maxBatchTile(p: RecurrentProblem): number {
  if (p.cell === 'lstm' && paddedUnits(p.hiddenSize) < WIDE_TILE_MIN_UNITS) return 8;
  return MAX_BATCH_TILE[p.cell];
}

/**
 * Batch tile: the largest of 16, 8, 4, 2 (up to maxBatchTile) that leaves at least two
 * workgroups per direction (B >= 2 * tile), else 1; smaller where workgroup memory is short.
 * Larger tiles won at every batch measured on SwiftShader, where each load of R serving more
 * entries is what counts (bench/NOTES.md); the two-workgroup floor keeps some parallelism.
 */
function launch(variant: RecurrentVariant, p: RecurrentProblem, ctx: PlanContext): RecurrentLaunch | undefined {
  if (variant === 'resident' && !residentTakes(p.cell, p.hiddenSize)) return undefined;
  const invocations = workgroupSize(p.hiddenSize, ctx);
  if (needsQuadPerInvocation(variant, p) && invocations < paddedUnits(p.hiddenSize) / 4) return undefined;
  const tiles = [16, 8, 4, 2, 1].filter((t) => t === 1 || (t <= maxBatchTile(p) && p.batch >= 2 * t));
  for (const tile of tiles) {
    const units = capacity(variant, p, tile, ctx);
    if (units !== undefined) return { variant, batchTile: tile, capacity: units, workgroupSize: invocations };
  }
  return undefined;
}

/**
 * Pure: the forced path if any (checked), else the first that fits of 'resident', 'sequence' and
 * 'per-step' (the measured rule: on SwiftShader the resident path beats the sequence one at every
 * batch measured, the LSTM ~1.8x and the GRU 1.15-1.35x at batch 1, both 1.2-1.3x at batch 8-32;
 * sequence beats per-step everywhere).
 */
export function selectRecurrentVariant(p: RecurrentProblem, ctx: PlanContext): RecurrentLaunch {
  const forced = ctx.forcedVariants.recurrent;
  if (forced !== undefined && !(RECURRENT_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError(p.cell, `unknown recurrent variant '${forced}'; variants: ${RECURRENT_VARIANTS.join(', ')}`);
  }
  if (forced === 'resident' && !residentTakes(p.cell, p.hiddenSize)) {
    const what = p.cell === 'simpleRnn' ? 'a simple RNN layer' : `hidden size ${p.hiddenSize}`;
    throw new WgnnError(p.cell, `the 'resident' path does not take ${what}: it is for LSTM and GRU layers of up to ${RESIDENT_MAX_UNITS} units (each invocation keeps its rows of R in private memory)`);
  }
  const chosen = forced !== undefined ? launch(forced as RecurrentVariant, p, ctx) : (launch('resident', p, ctx) ?? launch('sequence', p, ctx) ?? launch('per-step', p, ctx));
  if (!chosen) {
    const why = forced === 'sequence' || forced === 'resident' ? `the '${forced}' path keeps the state` : 'a GRU without linearBeforeReset keeps r . h of all units';
    const memory = SHARED_PER_UNIT[p.cell] > 0 ? [`${why} in workgroup memory (${ctx.limits.maxComputeWorkgroupStorageSize} bytes on this device)`] : [];
    const invocations = needsQuadPerInvocation((forced as RecurrentVariant | undefined) ?? 'per-step', p) ? [`the '${forced ?? 'sequence'}' path needs an invocation per 4 units (at most ${ctx.limits.maxComputeInvocationsPerWorkgroup} here)`] : [];
    throw new WgnnError(p.cell, `hidden size ${p.hiddenSize} does not fit: ${[...memory, ...invocations].join(', and ')}`);
  }
  return chosen;
}
