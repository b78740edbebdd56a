// The one dispatch of layerNorm and instanceNorm (shaders/normalize.wgsl): lines of a tensor
// viewed as [outer, len, inner] normalized to mean 0 and variance 1, then scaled and shifted.
import normalizeWgsl from '../../../shaders/normalize.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { spreadWorkgroups, type BindingRef, type OpPlan, type PlanContext } from '../op.ts';

const SHADER = { name: 'normalize.wgsl', code: normalizeWgsl };
const WG_SIZE = 64;

/** 'line': one invocation per line; 'workgroup': a workgroup of WG_SIZE invocations per line. */
export const NORMALIZE_VARIANTS = ['line', 'workgroup'] as const;
export type NormalizeVariant = (typeof NORMALIZE_VARIANTS)[number];
const FEW_LINES = 16;
const LONG_LINE = 2048;

export interface NormalizeProblem {
  lines: number;
  len: number;
  inner: number;
  /** Scale/bias per position in the line (layer norm), else per channel = line % channels (instance norm). */
  perPosition: boolean;
  channels: number;
  epsilon: number;
  hasBias: boolean;
  /** Also write each line's mean and inverse standard deviation (outputs 1 and 2). */
  stats: boolean;
}

/**
 * A workgroup per line only where lines are too few to keep even two cores busy one invocation
 * each and long enough to pay for the tree's barriers. Measured on SwiftShader (2 cores, Node,
 * median of 7 with readback), line vs workgroup: layer norm [3136, 96] 21 vs 448 ms, [49, 768]
 * 3.9 vs 8.0, [32, 4096] 6.6 vs 15, [16, 4096] 5.2 vs 2.9, [8, 2048] 4.0 vs 3.9, [4, 65536] 17
 * vs 13; instance norm NHWC [1, 64, 64, 32] 9.5 vs 15, [1, 64, 64, 8] 7.9 vs 4.5. A real GPU
 * would favour the workgroup variant more widely (force it with variants: { normalize }).
 */
export function selectNormalizeVariant(ctx: PlanContext, lines: number, len: number): NormalizeVariant {
  const forced = ctx.forcedVariants.normalize;
  if (forced !== undefined && !(NORMALIZE_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError('normalize', `unknown variant '${forced}'; variants: ${NORMALIZE_VARIANTS.join(', ')}`);
  }
  if (forced) return forced as NormalizeVariant;
  return lines <= FEW_LINES && len >= LONG_LINE ? 'workgroup' : 'line';
}

export function checkEpsilon(where: string, epsilon: number): void {
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new WgnnError(where, `epsilon ${epsilon} must be a finite number >= 0`);
}

export function normalizePlan(where: string, p: NormalizeProblem, ctx: PlanContext): OpPlan {
  if (p.lines === 0 || p.len === 0) return { scratchBytes: [], dispatches: [] };
  const lanes = selectNormalizeVariant(ctx, p.lines, p.len) === 'workgroup' ? WG_SIZE : 1;
  // Without stats their bindings take two 4-byte scratch buffers, never written: the one shared
  // unused-binding buffer cannot fill two writable bindings of a dispatch (WebGPU forbids aliasing).
  const [mean, invStdDev]: BindingRef[] = p.stats ? [{ output: 1 }, { output: 2 }] : [{ scratch: 0 }, { scratch: 1 }];
  return {
    scratchBytes: p.stats ? [] : [4, 4],
    dispatches: [{
      shader: SHADER,
      overrides: { WG_SIZE, LANES: lanes, PER_POSITION: Number(p.perPosition), HAS_BIAS: Number(p.hasBias), STATS: Number(p.stats) },
      params: { lines: p.lines, len: p.len, inner: p.inner, channels: p.channels, epsilon: p.epsilon },
      bindings: [{ input: 0 }, { input: 1 }, p.hasBias ? { input: 2 } : { unused: true }, { output: 0 }, mean, invStdDev],
      workgroups: spreadWorkgroups(where, Math.ceil(p.lines / (WG_SIZE / lanes)), ctx.limits),
    }],
  };
}
