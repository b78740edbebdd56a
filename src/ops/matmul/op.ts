// matmul: batched A·B with NumPy batch broadcasting, optional transposes, and a fused epilogue
// (bias broadcast to [M, N], then an activation). Two kernels compute it:
//   regtile  4x4 outputs per invocation from storage, no workgroup memory (shaders/matmul_regtile.wgsl)
//   shared   workgroup-shared tiles with barriers (shaders/matmul_shared.wgsl)
// On SwiftShader regtile is faster at every size we measured (bench/NOTES.md), so it is the default.
import regtileWgsl from '../../../shaders/matmul_regtile.wgsl?raw';
import sharedWgsl from '../../../shaders/matmul_shared.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { OpDefinition, OpPlan, PlanContext, TensorSpec } from '../op.ts';
import { matmulReference } from './reference.ts';

export interface MatmulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: ResolvedActivation;
}

export const MATMUL_VARIANTS = ['regtile', 'shared'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];

const SHADERS = {
  regtile: { name: 'matmul_regtile.wgsl', code: regtileWgsl },
  shared: { name: 'matmul_shared.wgsl', code: sharedWgsl },
};
const MAX_BATCH_RANK = 4;

interface Dims {
  M: number;
  N: number;
  K: number;
  batch: number[];
}

function matrixDims(shape: number[], transposed: boolean): [rows: number, cols: number] {
  const r = shape.length;
  return transposed ? [shape[r - 1], shape[r - 2]] : [shape[r - 2], shape[r - 1]];
}

function dims(a: TensorSpec, b: TensorSpec, attrs: MatmulAttrs): Dims {
  const [M, K] = matrixDims(a.shape, attrs.transposeA);
  const N = matrixDims(b.shape, attrs.transposeB)[1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1;
    const db = batchB[batchB.length - rank + i] ?? 1;
    batch.push(da === 1 ? db : da);
  }
  return { M, N, K, batch };
}

/** Element strides of each batch dim of `shape` against the output batch dims, right-aligned to 4, 0 when broadcast. */
function batchStrides(shape: number[], matrixSize: number): number[] {
  const own = shape.slice(0, -2);
  const strides = [0, 0, 0, 0];
  let stride = matrixSize;
  for (let i = own.length - 1; i >= 0; i--) {
    strides[MAX_BATCH_RANK - own.length + i] = own[i] === 1 ? 0 : stride;
    stride *= own[i];
  }
  return strides;
}

/** The bias may be [], [1], [N], [1, N], [M, 1] or [M, N]; returns its (row, column) strides. */
function biasStrides(where: string, bias: TensorSpec, M: number, N: number): [number, number] {
  const s = bias.shape;
  const rows = s.length === 2 ? s[0] : 1;
  const cols = s.length === 0 ? 1 : s[s.length - 1];
  const fits = s.length <= 2 && (rows === 1 || rows === M) && (cols === 1 || cols === N);
  if (!fits) {
    throw new WgnnError(where, `bias ${formatShape(s)} does not broadcast to the output matrix [${M}, ${N}]; use [${N}], [1, ${N}], [${M}, 1] or [${M}, ${N}]`);
  }
  return [rows === 1 ? 0 : cols, cols === 1 ? 0 : 1];
}

export function selectMatmulVariant(ctx: PlanContext): MatmulVariant {
  const forced = ctx.forcedVariants.matmul;
  if (forced !== undefined) {
    if (!(MATMUL_VARIANTS as readonly string[]).includes(forced)) {
      throw new WgnnError('matmul', `unknown variant '${forced}'; variants: ${MATMUL_VARIANTS.join(', ')}`);
    }
    return forced as MatmulVariant;
  }
  return 'regtile';
}

export const matmulOp: OpDefinition<MatmulAttrs> = {
  name: 'matmul',

  infer(where, [a, b, bias], attrs) {
    if (!a || !b) throw new WgnnError(where, 'needs two inputs');
    for (const [name, t] of [['A', a], ['B', b]] as const) {
      if (t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
      if (t.shape.length < 2 || t.shape.length > 2 + MAX_BATCH_RANK) {
        throw new WgnnError(where, `${name} ${formatShape(t.shape)} must have rank 2..${2 + MAX_BATCH_RANK} ([...batch, rows, cols])`);
      }
    }
    const [, Ka] = matrixDims(a.shape, attrs.transposeA);
    const [Kb] = matrixDims(b.shape, attrs.transposeB);
    if (Ka !== Kb) {
      throw new WgnnError(
        where,
        `A ${formatShape(a.shape)}${attrs.transposeA ? ' (transposed)' : ''} and B ${formatShape(b.shape)}${attrs.transposeB ? ' (transposed)' : ''} are incompatible: inner dimensions ${Ka} and ${Kb} differ`,
      );
    }
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    for (let i = 1; i <= rank; i++) {
      const da = batchA[batchA.length - i] ?? 1;
      const db = batchB[batchB.length - i] ?? 1;
      if (da !== db && da !== 1 && db !== 1) {
        throw new WgnnError(where, `batch dims of A ${formatShape(a.shape)} and B ${formatShape(b.shape)} do not broadcast (${da} vs ${db})`);
      }
    }
    const { M, N, batch } = dims(a, b, attrs);
    if (bias) {
      if (bias.dtype !== 'float32') throw new WgnnError(where, `bias must be float32, got ${bias.dtype}`);
      biasStrides(where, bias, M, N);
    }
    return [{ shape: [...batch, M, N], dtype: 'float32' }];
  },

  plan([a, b, bias], [out], attrs, ctx): OpPlan {
    const { M, N, K, batch } = dims(a!, b!, attrs);
    if (sizeOf(out.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const variant = selectMatmulVariant(ctx);
    const [wgX, wgY] = variant === 'regtile' ? [8, 8] : [16, 16];
    const workgroups: [number, number, number] = [Math.ceil(N / (4 * wgX)), Math.ceil(M / (4 * wgY)), sizeOf(batch)];
    const limit = ctx.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups.some((g) => g > limit)) {
      throw new WgnnError('matmul', `output ${formatShape(out.shape)} needs workgroups ${formatShape(workgroups)}, past the device limit of ${limit} per dimension`);
    }
    const [biasStrideM, biasStrideN] = bias ? biasStrides('matmul', bias, M, N) : [0, 0];
    const batchShape = [...new Array(MAX_BATCH_RANK - batch.length).fill(1), ...batch];
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADERS[variant],
          overrides: {
            TRANSPOSE_A: Number(attrs.transposeA),
            TRANSPOSE_B: Number(attrs.transposeB),
            HAS_BIAS: Number(bias !== undefined),
            ACTIVATION: attrs.activation.code,
            WG_X: wgX,
            WG_Y: wgY,
          },
          params: {
            M, N, K,
            batchShape,
            aBatchStrides: batchStrides(a!.shape, M * K),
            bBatchStrides: batchStrides(b!.shape, K * N),
            biasStrideM, biasStrideN,
            alpha: attrs.activation.alpha,
            beta: attrs.activation.beta,
          },
          bindings: [{ input: 0 }, { input: 1 }, bias ? { input: 2 } : { unused: true }, { output: 0 }],
          workgroups,
        },
      ],
    };
  },

  reference([a, b, bias], attrs) {
    return [matmulReference(a!, b!, { ...attrs, bias })];
  },
};
