// Slice, Expand and Tile (shaders/strided_copy.wgsl) on the GPU vs their CPU references: every
// rank up to 8, negative and large steps, broadcast axes, empty results, and int32 tensors of
// small values (whose bit patterns are float denormals: an f32 copy could flush them to zero).
import type { Engine, Tensor } from '../../../src/index.ts';
import { expandReference, sliceReference, tileReference, type ArrayTensor, type SliceAxis } from '../../../src/ops/strided-copy/reference.ts';
import { expectClose } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

type Make = (rng: Random, n: number) => Float32Array | Int32Array;
const floats: Make = (rng, n) => rng.floats(n);
const smallInts: Make = (rng, n) => Int32Array.from({ length: n }, () => rng.int(-40, 40));

function copyCase(name: string, shape: number[], make: Make, run: (e: Engine, x: Tensor) => Tensor, reference: (x: ArrayTensor) => ArrayTensor): GpuCase {
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const data = make(rng, product(shape));
      const x = engine.tensor(shape, data, data instanceof Int32Array ? 'int32' : 'float32');
      const out = run(engine, x);
      const expected = reference({ shape, data });
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: expected.shape });
    },
  };
}

const sliceCase = (shape: number[], axes: SliceAxis[], make = floats, kind = 'float32') =>
  copyCase(`slice ${kind} [${shape}] ${axes.map((a) => `${a.begin}:${a.step}x${a.size}`).join(' ')}`, shape, make, (e, x) => e.runOp('slice', [x], { axes })[0], (x) => sliceReference(x, axes));
const expandCase = (shape: number[], target: number[], make = floats, kind = 'float32') =>
  copyCase(`expand ${kind} [${shape}] to [${target}]`, shape, make, (e, x) => e.runOp('expand', [x], { shape: target })[0], (x) => expandReference('test', x, target));
const tileCase = (shape: number[], repeats: number[], make = floats, kind = 'float32') =>
  copyCase(`tile ${kind} [${shape}] x [${repeats}]`, shape, make, (e, x) => e.runOp('tile', [x], { repeats })[0], (x) => tileReference(x, repeats));

const whole = (d: number): SliceAxis => ({ begin: 0, step: 1, size: d });

export const stridedCopyCases: GpuCase[] = [
  sliceCase([7], [{ begin: 2, step: 1, size: 4 }]),
  sliceCase([7], [{ begin: 6, step: -1, size: 7 }]),
  sliceCase([9, 5], [{ begin: 8, step: -3, size: 3 }, { begin: 1, step: 2, size: 2 }]),
  sliceCase([3, 10, 6], [whole(3), { begin: 5, step: 1, size: 5 }, whole(6)]),
  sliceCase([2, 3, 4, 5], [whole(2), { begin: 2, step: -2, size: 2 }, { begin: 3, step: 1, size: 0 }, whole(5)]),
  sliceCase([2, 1, 3, 1, 2, 2, 3, 4], [whole(2), whole(1), { begin: 2, step: -1, size: 2 }, whole(1), whole(2), { begin: 1, step: 1, size: 1 }, whole(3), { begin: 0, step: 3, size: 2 }]),
  sliceCase([33, 65], [{ begin: 1, step: 1, size: 31 }, { begin: 64, step: -5, size: 13 }]),
  sliceCase([5, 6], [{ begin: 4, step: -1, size: 5 }, { begin: 1, step: 2, size: 3 }], smallInts, 'int32'),
  expandCase([1], [4, 3]),
  expandCase([3, 1], [2, 3, 5]),
  expandCase([2, 1, 4], [3, 1]),
  expandCase([1, 5, 1], [7, 1, 1, 6]),
  expandCase([1, 2, 1, 2, 1, 2, 1, 3], [2, 1, 2, 1, 2, 1, 2, 1]),
  expandCase([3, 1], [3, 4], smallInts, 'int32'),
  tileCase([3], [4]),
  tileCase([2, 3], [3, 2]),
  tileCase([2, 1, 3], [1, 5, 2]),
  tileCase([2, 3], [0, 2]),
  tileCase([1, 2, 1, 2, 1, 2, 1, 3], [2, 1, 2, 1, 2, 1, 2, 1]),
  tileCase([4, 5], [2, 3], smallInts, 'int32'),
];
