// Where and Cast on the GPU vs their CPU references: broadcasting of all three Where operands up
// to rank 8, float32 and int32 values (small ints are float denormals as bit patterns), and every
// Cast direction including saturation past int32's range and booleans as float 0 and 1.
import { castReference, type CastTarget } from '../../../src/ops/cast/reference.ts';
import { whereReference } from '../../../src/ops/where/reference.ts';
import { expectClose } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

function whereCase(c: number[], x: number[], y: number[], dtype: 'float32' | 'int32'): GpuCase {
  const name = `where ${dtype} [${c}] [${x}] [${y}]`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const cond = { shape: c, data: Float32Array.from({ length: product(c) }, () => (rng.next() < 0.5 ? 0 : rng.next() < 0.5 ? 1 : -2.5)) };
      const values = (shape: number[]) => (dtype === 'int32' ? Int32Array.from({ length: product(shape) }, () => rng.int(-9, 9)) : rng.floats(product(shape)));
      const [xs, ys] = [{ shape: x, data: values(x) }, { shape: y, data: values(y) }];
      const expected = whereReference(cond, xs, ys);
      const out = engine.runOp('where', [engine.tensor(c, cond.data), engine.tensor(x, xs.data, dtype), engine.tensor(y, ys.data, dtype)], {})[0];
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: expected.shape });
    },
  };
}

function castCase(from: 'float32' | 'int32', to: CastTarget, shape: number[]): GpuCase {
  const name = `cast ${from} to ${to} [${shape}]`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const n = product(shape);
      // Floats with fractions of both signs, zeros, and values past int32's range (saturated).
      const data = from === 'int32'
        ? Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 2 ** 31 - 1 - rng.int(0, 100) : rng.int(-1000, 1000)))
        : Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 0 : i % 13 === 0 ? (rng.next() < 0.5 ? -3e9 : 3e9) : rng.next() * 200 - 100));
      const expected = castReference({ shape, data }, to);
      const out = engine.runOp('cast', [engine.tensor(shape, data, from)], { to })[0];
      expectClose(name, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape });
    },
  };
}

export const whereCastCases: GpuCase[] = [
  whereCase([7], [7], [7], 'float32'),
  whereCase([3, 1], [1, 5], [3, 5], 'float32'),
  whereCase([2, 1, 4], [3, 1], [1], 'float32'),
  whereCase([1, 2, 1, 2, 1, 2, 1, 3], [2, 1, 2, 1, 2, 1, 2, 1], [3], 'float32'),
  whereCase([33, 65], [33, 65], [65], 'int32'),
  whereCase([4, 1], [1, 6], [4, 6], 'int32'),
  ...(['float32', 'int32', 'bool'] as CastTarget[]).flatMap((to) => [castCase('float32', to, [5, 13]), castCase('int32', to, [1037])]),
];
