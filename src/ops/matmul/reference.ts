// CPU reference of batched matmul with NumPy batch broadcasting, optional transposes, and the
// fused epilogue: out[..., m, n] = act(sum_k A[..., m, k] B[..., k, n] + bias[m, n]).
import { applyActivation } from '../activation/reference.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { HostTensor } from '../host-tensor.ts';

export interface MatmulReferenceAttrs {
  transposeA: boolean;
  transposeB: boolean;
  /** Broadcastable to [M, N]: [], [1], [N], [1, N], [M, 1] or [M, N]. */
  bias?: HostTensor;
  activation: ResolvedActivation;
}

export function matmulReference(a: HostTensor, b: HostTensor, attrs: MatmulReferenceAttrs): HostTensor {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [M, K] = attrs.transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [Kb, N] = attrs.transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (K !== Kb) throw new Error(`matmul reference: inner dimensions ${K} and ${Kb} differ`);

  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const padA = [...new Array(rank - batchA.length).fill(1), ...batchA];
  const padB = [...new Array(rank - batchB.length).fill(1), ...batchB];
  const batch = padA.map((d, i) => Math.max(d, padB[i]));
  const batchCount = batch.reduce((p, d) => p * d, 1);

  const biasAt = (m: number, n: number): number => {
    const bias = attrs.bias;
    if (!bias) return 0;
    const s = bias.shape;
    const rows = s.length === 2 ? s[0] : 1;
    const cols = s.length === 0 ? 1 : s[s.length - 1];
    return bias.data[(rows === 1 ? 0 : m) * cols + (cols === 1 ? 0 : n)];
  };

  const out = new Float32Array(batchCount * M * N);
  for (let z = 0; z < batchCount; z++) {
    // Decompose the output batch index and find each operand's matrix, broadcasting size-1 dims.
    let rest = z;
    let za = 0;
    let zb = 0;
    let strideA = 1;
    let strideB = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const i = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
      za += (padA[d] === 1 ? 0 : i) * strideA;
      zb += (padB[d] === 1 ? 0 : i) * strideB;
      strideA *= padA[d];
      strideB *= padB[d];
    }
    const A = (m: number, k: number) => a.data[za * M * K + (attrs.transposeA ? k * M + m : m * K + k)];
    const B = (k: number, n: number) => b.data[zb * K * N + (attrs.transposeB ? n * K + k : k * N + n)];
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += A(m, k) * B(k, n);
        out[(z * M + m) * N + n] = applyActivation(sum + biasAt(m, n), attrs.activation);
      }
    }
  }
  return { shape: [...batch, M, N], data: out };
}
