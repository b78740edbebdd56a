// matmul: batched A·B with NumPy batch broadcasting, optional transposes, and a fused epilogue
// (bias broadcast to [M, N], then an activation). The GEMM itself is gemm.ts; this file is the
// user-facing contract: shapes, broadcasting and the bias forms.
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { OpDefinition, TensorSpec } from '../op.ts';
import { gemmDispatch, MAX_BATCH_RANK } from './gemm.ts';
import { matmulReference } from './reference.ts';

export { MATMUL_VARIANTS, type MatmulVariant } from './gemm.ts';

export interface MatmulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: ResolvedActivation;
}

function matrixDims(shape: number[], transposed: boolean): [rows: number, cols: number] {
  const r = shape.length;
  return transposed ? [shape[r - 1], shape[r - 2]] : [shape[r - 2], shape[r - 1]];
}

/** NumPy broadcasting of the batch dims (all but the last two) of A and B. */
function broadcastBatch(where: string, aShape: number[], bShape: number[]): number[] {
  const a = aShape.slice(0, -2);
  const b = bShape.slice(0, -2);
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new WgnnError(where, `batch dims of A ${formatShape(aShape)} and B ${formatShape(bShape)} do not broadcast (${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of each batch dim of `shape` (right-aligned to `rank`), 0 where it broadcasts. */
function batchStrides(shape: number[], rank: number, matrixSize: number): number[] {
  const own = shape.slice(0, -2);
  const strides = new Array<number>(rank).fill(0);
  let stride = matrixSize;
  for (let i = own.length - 1; i >= 0; i--) {
    strides[rank - own.length + i] = own[i] === 1 ? 0 : stride;
    stride *= own[i];
  }
  return strides;
}

/**
 * The batch dims the kernel walks: the output's, with each operand's strides, after dropping dims
 * of 1 and merging neighbours that both operands step through contiguously (or both broadcast),
 * so that any rank fits the kernel's MAX_BATCH_RANK dims unless the broadcast pattern alternates.
 */
function kernelBatch(aShape: number[], bShape: number[], outBatch: number[], aMatrix: number, bMatrix: number) {
  const aStrides = batchStrides(aShape, outBatch.length, aMatrix);
  const bStrides = batchStrides(bShape, outBatch.length, bMatrix);
  const dims: { size: number; a: number; b: number }[] = [];
  outBatch.forEach((size, i) => {
    if (size === 1) return;
    const last = dims.at(-1);
    if (last && last.a === aStrides[i] * size && last.b === bStrides[i] * size) Object.assign(last, { size: last.size * size, a: aStrides[i], b: bStrides[i] });
    else dims.push({ size, a: aStrides[i], b: bStrides[i] });
  });
  return { batchShape: dims.map((d) => d.size), aBatchStrides: dims.map((d) => d.a), bBatchStrides: dims.map((d) => d.b) };
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

export const matmulOp: OpDefinition<MatmulAttrs> = {
  name: 'matmul',

  infer(where, [a, b, bias], attrs) {
    if (!a || !b) throw new WgnnError(where, 'needs two inputs');
    for (const [name, t] of [['A', a], ['B', b]] as const) {
      if (t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
      if (t.shape.length < 2) throw new WgnnError(where, `${name} ${formatShape(t.shape)} must have rank 2 or more ([...batch, rows, cols])`);
    }
    const [M, Ka] = matrixDims(a.shape, attrs.transposeA);
    const [Kb, N] = matrixDims(b.shape, attrs.transposeB);
    if (Ka !== Kb) {
      throw new WgnnError(
        where,
        `A ${formatShape(a.shape)}${attrs.transposeA ? ' (transposed)' : ''} and B ${formatShape(b.shape)}${attrs.transposeB ? ' (transposed)' : ''} are incompatible: inner dimensions ${Ka} and ${Kb} differ`,
      );
    }
    const batch = broadcastBatch(where, a.shape, b.shape);
    if (kernelBatch(a.shape, b.shape, batch, M * Ka, Kb * N).batchShape.length > MAX_BATCH_RANK) {
      throw new WgnnError(where, `the batch dims of A ${formatShape(a.shape)} and B ${formatShape(b.shape)} broadcast in a pattern of more than ${MAX_BATCH_RANK} alternating runs`);
    }
    if (bias) {
      if (bias.dtype !== 'float32') throw new WgnnError(where, `bias must be float32, got ${bias.dtype}`);
      biasStrides(where, bias, M, N);
    }
    return [{ shape: [...batch, M, N], dtype: 'float32' }];
  },

  plan([a, b, bias], [out], attrs, ctx) {
    if (sizeOf(out.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const [M, K] = matrixDims(a!.shape, attrs.transposeA);
    const N = matrixDims(b!.shape, attrs.transposeB)[1];
    let batch = kernelBatch(a!.shape, b!.shape, out.shape.slice(0, -2), M * K, K * N);
    const [strideM, strideN] = bias ? biasStrides('matmul', bias, M, N) : [0, 0];
    // One matrix B for every batch entry of a contiguous, untransposed A, and a bias that does not
    // vary by row: the batch is more rows of one GEMM ([B, M, K] as [B*M, K]). As B products of
    // M rows each, a recurrent layer's input projection ([32, 20, 64] x [64, 256]) ran 3-6x slower.
    const foldsIntoRows = batch.batchShape.length === 1 && batch.bBatchStrides[0] === 0 && batch.aBatchStrides[0] === M * K && !attrs.transposeA && strideM === 0;
    const rows = foldsIntoRows ? M * batch.batchShape[0] : M;
    if (foldsIntoRows) batch = { batchShape: [], aBatchStrides: [], bBatchStrides: [] };
    const dispatch = gemmDispatch(
      'matmul',
      {
        M: rows, N, K,
        transposeA: attrs.transposeA,
        transposeB: attrs.transposeB,
        lda: a!.shape[a!.shape.length - 1],
        ldb: b!.shape[b!.shape.length - 1],
        ldc: N,
        ...batch,
        outBatchStride: M * N,
        outOffset: 0,
        bias: bias && { strideZ: 0, strideM, strideN },
        activation: attrs.activation,
      },
      { a: { input: 0 }, b: { input: 1 }, bias: bias && { input: 2 }, out: { output: 0 } },
      ctx,
    );
    return { scratchBytes: [], dispatches: [dispatch] };
  },

  reference([a, b, bias], attrs) {
    return [matmulReference(a!, b!, { ...attrs, bias })];
  },
};
