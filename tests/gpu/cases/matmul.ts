// matmul on the GPU vs the CPU reference: sizes off the 4x4 and tile grid, single elements,
// every transpose, broadcast batches, each bias shape, each activation, each variant forced.
import { ACTIVATIONS, type ActivationKind } from '../../../src/index.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { MATMUL_VARIANTS, type MatmulVariant } from '../../../src/ops/matmul/op.ts';
import { matmulReference } from '../../../src/ops/matmul/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

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
const BATCHES: [number[], number[]][] = [[[2], [2]], [[3], []], [[], [4]], [[2, 1], [3]], [[1, 3], [2, 1]], [[2, 1, 2], [1, 3, 1]]];
const BIASES = (M: number, N: number) => [[N], [1, N], [M, 1], [M, N], [1]];

function grid(): MatmulCase[] {
  const cases: MatmulCase[] = [];
  for (const variant of MATMUL_VARIANTS) {
    for (const [M, N, K] of SIZES) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) cases.push({ variant, M, N, K, transposeA, transposeB });
      }
    }
    for (const [batchA, batchB] of BATCHES) cases.push({ variant, M: 5, N: 6, K: 7, batchA, batchB, transposeB: batchA.length === 2 });
    for (const bias of BIASES(9, 10)) cases.push({ variant, M: 9, N: 10, K: 11, bias });
    for (const activation of Object.keys(ACTIVATIONS) as ActivationKind[]) {
      cases.push({ variant, M: 13, N: 18, K: 20, bias: [18], activation });
    }
  }
  return cases;
}

export const matmulCases: GpuCase[] = grid().map(matmulCase);
