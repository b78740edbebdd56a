// matmul on the GPU vs the CPU reference: sizes off the 4x4 and tile grid, single elements,
// every transpose, broadcast batches, each bias shape, each activation, each variant forced.
import type { ActivationKind } from '../../../src/index.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { MATMUL_VARIANTS, type MatmulVariant } from '../../../src/ops/matmul/op.ts';
import { matmulReference } from '../../../src/ops/matmul/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { EPILOGUE_ACTIVATIONS, product, type GpuCase } from './case.ts';

interface MatmulCase {
  variant: MatmulVariant;
  M: number;
  N: number;
  K: number;
  batchA?: number[];
  batchB?: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: number[];
  activation?: ActivationKind;
}

function describe(c: MatmulCase): string {
  const parts = [`${c.variant} M${c.M} N${c.N} K${c.K}`];
  if (c.batchA || c.batchB) parts.push(`batch [${c.batchA ?? []}]x[${c.batchB ?? []}]`);
  if (c.transposeA || c.transposeB) parts.push(`T${c.transposeA ? 'A' : ''}${c.transposeB ? 'B' : ''}`);
  if (c.bias) parts.push(`bias [${c.bias}]`);
  if (c.activation) parts.push(c.activation);
  return parts.join(' ');
}

function matmulCase(c: MatmulCase): GpuCase {
  const name = `matmul ${describe(c)}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ matmul: c.variant });
      const rng = new Random(seedOf(name));
      const aShape = [...(c.batchA ?? []), ...(c.transposeA ? [c.K, c.M] : [c.M, c.K])];
      const bShape = [...(c.batchB ?? []), ...(c.transposeB ? [c.N, c.K] : [c.K, c.N])];
      const a = { shape: aShape, data: rng.floats(product(aShape)) };
      const b = { shape: bShape, data: rng.floats(product(bShape)) };
      const bias = c.bias && { shape: c.bias, data: rng.floats(product(c.bias)) };
      const activation = resolveActivation('test', c.activation);
      const expected = matmulReference(a, b, { transposeA: !!c.transposeA, transposeB: !!c.transposeB, bias, activation });

      const out = engine.matmul(engine.tensor(a.shape, a.data), engine.tensor(b.shape, b.data), {
        transposeA: c.transposeA,
        transposeB: c.transposeB,
        bias: bias && engine.tensor(bias.shape, bias.data),
        activation: c.activation,
      });
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}] != [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, reduction(c.K), { seed: rng.seed, shape: expected.shape });
    },
  };
}

const SIZES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 7], [4, 4, 4], [16, 16, 16], [17, 33, 13],
  [33, 17, 65], [64, 64, 64], [65, 63, 31], [1, 129, 70], [100, 3, 257],
];
// vec4 and vec4-quad read rows as vec4s (K and the stored row lengths multiples of 4; other shapes
// fall back to regtile, tests/unit/matmul-variant.test.ts): sizes off their 16x8 tile, with edge
// rows and columns, and past one workgroup (64x64) both ways.
const VEC4_SIZES: [number, number, number][] = [
  [4, 4, 4], [1, 8, 4], [20, 12, 8], [36, 44, 68], [64, 64, 64], [17, 36, 20], [33, 4, 132], [100, 20, 256], [130, 76, 12],
];
// The last two pass the kernel's 4 batch dims (ONNX MatMul of any rank): dims of 1 drop out and
// runs both operands step through contiguously merge.
const BATCHES: [number[], number[]][] = [[[2], [2]], [[3], []], [[], [4]], [[2, 1], [3]], [[1, 3], [2, 1]], [[2, 1, 2], [1, 3, 1]], [[2, 2, 1, 3, 1, 2], [2, 2, 3, 3, 1, 2]], [[1, 2, 1, 3, 2], [3, 2, 2, 3, 2]]];
const BIASES = (M: number, N: number) => [[N], [1, N], [M, 1], [M, N], [1]];

/** Whether a vec4 case really reads vec4s: lda is K (or M if A is transposed), ldb is N (or K). */
function vec4Aligned(c: MatmulCase): boolean {
  const lda = c.transposeA ? c.M : c.K;
  const ldb = c.transposeB ? c.K : c.N;
  return [c.K, lda, ldb].every((x) => x % 4 === 0);
}

function grid(): MatmulCase[] {
  const cases: MatmulCase[] = [];
  for (const variant of MATMUL_VARIANTS) {
    const vec4 = variant.startsWith('vec4');
    for (const [M, N, K] of vec4 ? VEC4_SIZES : SIZES) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) cases.push({ variant, M, N, K, transposeA, transposeB });
      }
    }
    const [M, N, K] = vec4 ? [5, 8, 12] : [5, 6, 7];
    for (const [batchA, batchB] of BATCHES) cases.push({ variant, M, N, K, batchA, batchB, transposeB: batchA.length === 2 });
    for (const bias of BIASES(9, vec4 ? 12 : 10)) cases.push({ variant, M: 9, N: vec4 ? 12 : 10, K: vec4 ? 16 : 11, bias });
    // One B for every batch entry of A: the batch folds into the rows of one GEMM, unless A is
    // transposed or the bias varies by row.
    const fold = { variant, M: 9, N: vec4 ? 12 : 10, K: vec4 ? 16 : 11 };
    cases.push(
      { ...fold, batchA: [3], batchB: [], bias: [fold.N], activation: 'relu' },
      { ...fold, batchA: [2, 3], batchB: [1], bias: [1, fold.N] },
      { ...fold, batchA: [4], batchB: [], transposeA: true, bias: [fold.N] },
      { ...fold, batchA: [3], batchB: [], bias: [fold.M, 1] },
    );
    for (const activation of EPILOGUE_ACTIVATIONS) {
      cases.push({ variant, M: 13, N: vec4 ? 20 : 18, K: 20, bias: [vec4 ? 20 : 18], activation });
    }
  }
  // A forced vec4 (-quad) on a shape it cannot read falls back to regtile; keep only the cases it runs.
  return cases.filter((c) => !c.variant.startsWith('vec4') || vec4Aligned(c));
}

export const matmulCases: GpuCase[] = grid().map(matmulCase);
