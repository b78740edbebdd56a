// The GEMM dispatch shared by every op that multiplies matrices (matmul, convolution, the RNN
// input projection): out[z, m, n] = act(sum_k A[z, m, k] B[z, k, n] + bias[z, m, n]) over strided
// views of its buffers, computed by one of the four matmul kernels.
import vec4QuadWgsl from '../../../shaders/matmul_vec4_quad.wgsl?raw';
import vec4Wgsl from '../../../shaders/matmul_vec4.wgsl?raw';
import regtileWgsl from '../../../shaders/matmul_regtile.wgsl?raw';
import sharedWgsl from '../../../shaders/matmul_shared.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { BindingRef, Dispatch, PlanContext } from '../op.ts';

export const MATMUL_VARIANTS = ['vec4-quad', 'vec4', 'regtile', 'shared'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];

const SHADERS = {
  'vec4-quad': { name: 'matmul_vec4_quad.wgsl', code: vec4QuadWgsl },
  vec4: { name: 'matmul_vec4.wgsl', code: vec4Wgsl },
  regtile: { name: 'matmul_regtile.wgsl', code: regtileWgsl },
  shared: { name: 'matmul_shared.wgsl', code: sharedWgsl },
};
/** vec4-quad: WG_X must stay a multiple of 4 (a quad's blocks share one block row). */
const WORKGROUP = { 'vec4-quad': [8, 4], vec4: [8, 4], regtile: [8, 8], shared: [16, 16] } as const;
/** Output rows and columns one invocation computes. */
const INVOCATION_TILE = { 'vec4-quad': [16, 8], vec4: [16, 8], regtile: [4, 4], shared: [4, 4] } as const;
export const MAX_BATCH_RANK = 4;

export interface GemmView {
  M: number;
  N: number;
  K: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Stored row lengths of A, B and the output. */
  lda: number;
  ldb: number;
  ldc: number;
  /** Up to 4 batch dims; the dispatch's z runs over their product. */
  batchShape: number[];
  /** Element strides per batch dim (aligned with batchShape); 0 where the operand broadcasts. */
  aBatchStrides: number[];
  bBatchStrides: number[];
  outBatchStride: number;
  outOffset: number;
  /** Bias element (z, m, n) is at z*strideZ + m*strideM + n*strideN; undefined for no bias. */
  bias?: { strideZ: number; strideM: number; strideN: number };
  activation: ResolvedActivation;
}

export interface GemmBindings {
  a: BindingRef;
  b: BindingRef;
  bias?: BindingRef;
  out: BindingRef;
}

/**
 * The automatic choice is vec4-quad wherever the operands' rows are whole vec4s and the device has
 * quad operations, vec4 where it has not, else regtile: on SwiftShader vec4-quad is 1.5x faster
 * than vec4 at 1024^3, vec4 2.7x faster than regtile, and regtile 2.2-3.4x faster than shared
 * (bench/NOTES.md). A forced vec4 or vec4-quad also falls back to regtile where the layout rules
 * it out, so it can be forced for a whole model whose layers differ.
 */
export function selectMatmulVariant(ctx: PlanContext, view: GemmView): MatmulVariant {
  const forced = ctx.forcedVariants.matmul;
  if (forced !== undefined && !(MATMUL_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError('matmul', `unknown variant '${forced}'; variants: ${MATMUL_VARIANTS.join(', ')}`);
  }
  if (forced === 'vec4-quad' && !ctx.quadOps) {
    throw new WgnnError('matmul', "variant 'vec4-quad' needs the device feature 'subgroups' and WGSL's subgroup_id, which this device lacks; use 'vec4'");
  }
  const preferred = (forced as MatmulVariant | undefined) ?? (ctx.quadOps ? 'vec4-quad' : 'vec4');
  const vec4Family = preferred === 'vec4' || preferred === 'vec4-quad';
  return vec4Family && !vec4Layout(view) ? 'regtile' : preferred;
}

/**
 * Whether matmul_vec4.wgsl can read the operands as vec4s: K, the row lengths of A and B and
 * their batch strides are multiples of 4 (bindings start at aligned offsets).
 */
export function vec4Layout(view: GemmView): boolean {
  const aligned = (x: number) => x % 4 === 0;
  return aligned(view.K) && aligned(view.lda) && aligned(view.ldb) && view.aBatchStrides.every(aligned) && view.bBatchStrides.every(aligned);
}

const padLeft = (values: number[], fill: number) => [...new Array(MAX_BATCH_RANK - values.length).fill(fill), ...values];

export function gemmDispatch(where: string, view: GemmView, bindings: GemmBindings, ctx: PlanContext): Dispatch {
  if (view.batchShape.length > MAX_BATCH_RANK) throw new WgnnError(where, `more than ${MAX_BATCH_RANK} batch dims`);
  const variant = selectMatmulVariant(ctx, view);
  const [wgX, wgY] = WORKGROUP[variant];
  const [tileM, tileN] = INVOCATION_TILE[variant];
  const batch = view.batchShape.reduce((p, d) => p * d, 1);
  const workgroups: [number, number, number] = [Math.ceil(view.N / (tileN * wgX)), Math.ceil(view.M / (tileM * wgY)), batch];
  const limit = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (workgroups.some((g) => g > limit)) {
    throw new WgnnError(where, `a [${view.M} x ${view.K}] x [${view.K} x ${view.N}] product over batch ${formatShape(view.batchShape)} needs workgroups ${formatShape(workgroups)}, past the device limit of ${limit} per dimension`);
  }
  const bias = view.bias ?? { strideZ: 0, strideM: 0, strideN: 0 };
  const overrides: Record<string, number> = {
    TRANSPOSE_A: Number(view.transposeA),
    TRANSPOSE_B: Number(view.transposeB),
    HAS_BIAS: Number(view.bias !== undefined),
    ACTIVATION: view.activation.code,
    WG_X: wgX,
    WG_Y: wgY,
  };
  // The vec4 kernels load a bias that depends on the column alone once per column.
  if (variant === 'vec4' || variant === 'vec4-quad') overrides.BIAS_BY_COLUMN = Number(view.bias?.strideM === 0);
  return {
    shader: SHADERS[variant],
    overrides,
    params: {
      M: view.M,
      N: view.N,
      K: view.K,
      lda: view.lda,
      ldb: view.ldb,
      ldc: view.ldc,
      batchShape: padLeft(view.batchShape, 1),
      aBatchStrides: padLeft(view.aBatchStrides, 0),
      bBatchStrides: padLeft(view.bBatchStrides, 0),
      outBatchStride: view.outBatchStride,
      outOffset: view.outOffset,
      biasStrideM: bias.strideM,
      biasStrideN: bias.strideN,
      biasStrideZ: bias.strideZ,
      alpha: view.activation.alpha,
      beta: view.activation.beta,
    },
    bindings: [bindings.a, bindings.b, bindings.bias ?? { unused: true }, bindings.out],
    workgroups,
  };
}
