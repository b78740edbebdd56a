// Slice, Expand and Tile (shaders/strided_copy.wgsl) on the GPU vs their CPU references: every
// rank up to 8, negative and large steps, broadcast axes, empty results, and int32 tensors of
// small values (whose bit patterns are float denormals: an f32 copy could flush them to zero).
// Each case runs on the scalar kernel, and on the vec4 one where its innermost merged axis reads
// whole vec4s (cases below are made to: column cuts at multiples of 4, tiles of rows of 4 and 8).
import type { Engine, EngineOptions, Tensor } from '../../../src/index.ts';
import { mergeAxes, vec4Axes, type StridedCopyVariant } from '../../../src/ops/strided-copy/dispatch.ts';
import { expandReference, sliceReference, tileReference, type ArrayTensor, type SliceAxis } from '../../../src/ops/strided-copy/reference.ts';
import { expectClose } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

type Make = (rng: Random, n: number) => Float32Array | Int32Array;
const floats: Make = (rng, n) => rng.floats(n);
const smallInts: Make = (rng, n) => Int32Array.from({ length: n }, () => rng.int(-40, 40));

/** The merged axes of a copy (as stridedCopyPlan merges them), to know whether the vec4 kernel can take it. */
type Axes = { out: number; input: number; begin: number; step: number }[];

function copyCases(name: string, shape: number[], axes: Axes, make: Make, run: (e: Engine, x: Tensor) => Tensor, reference: (x: ArrayTensor) => ArrayTensor): GpuCase[] {
  const variants: StridedCopyVariant[] = vec4Axes(mergeAxes(axes)) ? ['scalar', 'vec4'] : ['scalar'];
  return variants.map((variant) => ({
    name: `${name} ${variant}`,
    async run(ctx) {
      const engine = await ctx.engine({ stridedCopy: variant } as EngineOptions['variants']);
      const rng = new Random(seedOf(name));
      const data = make(rng, product(shape));
      const x = engine.tensor(shape, data, data instanceof Int32Array ? 'int32' : 'float32');
      const out = run(engine, x);
      const expected = reference({ shape, data });
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${expected.shape}]`);
      expectClose(`${name} ${variant}`, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: expected.shape });
    },
  }));
}

const sliceCase = (shape: number[], axes: SliceAxis[], make = floats, kind = 'float32') =>
  copyCases(`slice ${kind} [${shape}] ${axes.map((a) => `${a.begin}:${a.step}x${a.size}`).join(' ')}`, shape, axes.map((a, d) => ({ out: a.size, input: shape[d], begin: a.begin, step: a.step })), make, (e, x) => e.runOp('slice', [x], { axes })[0], (x) => sliceReference(x, axes));
const expandCase = (shape: number[], target: number[], make = floats, kind = 'float32') => {
  // Expand broadcasts both ways: the output has the larger rank, each axis the larger size.
  const rank = Math.max(shape.length, target.length);
  const [input, to] = [shape, target].map((s) => [...new Array(rank - s.length).fill(1), ...s]);
  return copyCases(`expand ${kind} [${shape}] to [${target}]`, shape, to.map((t, d) => ({ out: Math.max(t, input[d]), input: input[d], begin: 0, step: 1 })), make, (e, x) => e.runOp('expand', [x], { shape: target })[0], (x) => expandReference('test', x, target));
};
const tileCase = (shape: number[], repeats: number[], make = floats, kind = 'float32') =>
  copyCases(`tile ${kind} [${shape}] x [${repeats}]`, shape, shape.map((d, i) => ({ out: d * repeats[i], input: d, begin: 0, step: 1 })), make, (e, x) => e.runOp('tile', [x], { repeats })[0], (x) => tileReference(x, repeats));

const whole = (d: number): SliceAxis => ({ begin: 0, step: 1, size: d });

const CASES: GpuCase[][] = [
  // Innermost axes of whole vec4s: a column cut (a recurrent layer's saved h(t-1)), a block, tiles, an expand.
  sliceCase([6, 5, 12], [whole(6), { begin: 4, step: 1, size: 1 }, whole(12)]),
  sliceCase([7, 20], [{ begin: 1, step: 2, size: 3 }, { begin: 8, step: 1, size: 12 }]),
  sliceCase([3, 10, 8], [whole(3), { begin: 5, step: 1, size: 5 }, whole(8)]),
  sliceCase([5, 16], [{ begin: 4, step: -1, size: 5 }, { begin: 4, step: 1, size: 4 }], smallInts, 'int32'),
  tileCase([3, 4], [2, 3]),
  tileCase([2, 8], [1, 2], smallInts, 'int32'),
  expandCase([1, 8], [5, 8]),
  sliceCase([7], [{ begin: 2, step: 1, size: 4 }]),
  sliceCase([7], [{ begin: 6, step: -1, size: 7 }]),
  sliceCase([9, 5], [{ begin: 8, step: -3, size: 3 }, { begin: 1, step: 2, size: 2 }]),
  sliceCase([3, 10, 6], [whole(3), { begin: 5, step: 1, size: 5 }, whole(6)]),
  sliceCase([2, 3, 4, 5], [whole(2), { begin: 2, step: -2, size: 2 }, { begin: 3, step: 1, size: 0 }, whole(5)]),
  sliceCase([2, 1, 3, 1, 2, 2, 3, 4], [whole(2), whole(1), { begin: 2, step: -1, size: 2 }, whole(1), whole(2), { begin: 1, step: 1, size: 1 }, whole(3), { begin: 0, step: 3, size: 2 }]),
  sliceCase([33, 65], [{ begin: 1, step: 1, size: 31 }, { begin: 64, step: -5, size: 13 }]),
  // Runs of 8 along the innermost axis with a short last one: vec4s (23 = 8 + 8 + 7) and scalars (61).
  sliceCase([5, 100], [whole(5), { begin: 4, step: 1, size: 92 }]),
  sliceCase([4, 70], [whole(4), { begin: 3, step: 1, size: 61 }]),
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

export const stridedCopyCases: GpuCase[] = CASES.flat();
