// Clipping gradients by norm on the GPU vs the CPU references: clipNormScales
// (shaders/clip_norm_sums.wgsl + clip_norm_scales.wgsl) over parameter layouts of one element, a
// segment longer than many strides of its workgroup, empty and all-zero segments, and more
// segments than one workgroup of the scales pass; per parameter (clipnorm) and global
// (global_clipnorm) with norms above and below the clip. Then optimizerStep applying the scales
// (shaders/optimizer_step.wgsl with CLIP_NORM: a binary search for each element's parameter).
import { clipNormScalesReference } from '../../../src/ops/clip-norm/reference.ts';
import { initialState, optimizerStepOp, optimizerStepValues, type OptimizerAttrs } from '../../../src/ops/optimizer/op.ts';
import { expectClose, F32, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';

/** Bounds of parameters of these sizes, each padded to 64 elements as the training layout does. */
function layoutBounds(sizes: number[]): Int32Array {
  const bounds = [0];
  for (const size of sizes) bounds.push(bounds.at(-1)! + Math.ceil(size / 64) * 64);
  return Int32Array.from(bounds);
}

/** Gradients with the padding zero and the parameters scaled by `magnitudes` (0: all zero). */
function gradients(rng: Random, sizes: number[], bounds: Int32Array, magnitudes: number[]): Float32Array {
  const grads = new Float32Array(bounds.at(-1)!);
  sizes.forEach((size, s) => {
    for (let i = 0; i < size; i++) grads[bounds[s] + i] = rng.uniform(-1, 1) * magnitudes[s % magnitudes.length];
  });
  return grads;
}

function scalesCase(label: string, sizes: number[], magnitudes: number[], clip: number, global: boolean): GpuCase {
  const name = `clipNormScales ${global ? 'global' : 'per parameter'} ${label} clip ${clip}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const bounds = layoutBounds(sizes);
      const host = gradients(rng, sizes, bounds, magnitudes);
      const grads = engine.tensor([host.length], host);
      const boundsTensor = engine.tensor([bounds.length], bounds);
      const [scales] = engine.runOp('clipNormScales', [boundsTensor], { clip, global }, { grads });
      const expected = clipNormScalesReference(host, bounds, { clip, global });
      const got = (await scales.data()) as Float32Array;
      const longest = Math.max(...sizes, 1);
      expectClose(name, got, expected, reduction(global ? bounds.at(-1)! : longest), { seed: rng.seed, shape: [expected.length] });
      // A norm under the clip leaves the gradient exactly as it was.
      expected.forEach((e, s) => {
        if (e === 1 && got[s] !== 1) throw new Error(`${name}: parameter ${s} is under the clip but its scale is ${got[s]}, not 1`);
      });
      for (const t of [grads, boundsTensor, scales]) t.dispose();
    },
  };
}

function stepCase(label: string, options: Omit<OptimizerAttrs, 'count'>, sizes: number[]): GpuCase {
  const name = `optimizer ${label} over ${sizes.length > 8 ? `${sizes.length} parameters` : `parameters [${sizes.join(', ')}]`}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const bounds = layoutBounds(sizes);
      const count = bounds.at(-1)!;
      const attrs: OptimizerAttrs = { ...options, count };
      const params = rng.floats(count, -2, 2);
      const state = initialState(attrs);
      const live = { params: engine.tensor([count], params), ...(state.length ? { optimizerState: engine.tensor([state.length], state) } : {}) };
      const host = new Map([['params', params], ['optimizerState', state]]);
      const boundsTensor = engine.tensor([bounds.length], bounds);
      for (let t = 1; t <= 3; t++) {
        const grads = gradients(rng, sizes, bounds, [0.5, 3, 40]);
        const scales = Float32Array.from({ length: sizes.length }, () => rng.uniform(0.05, 1));
        const step = optimizerStepValues(attrs, 0.05 * t, t);
        const [g, s, k] = [engine.tensor([count], grads), engine.tensor([step.length], step), engine.tensor([scales.length], scales)];
        engine.runOp('optimizerStep', [k, boundsTensor, g], attrs, { ...live, grads: g, step: s });
        optimizerStepOp.referenceEffects!([{ shape: [scales.length], data: scales }, { shape: [bounds.length], data: bounds as unknown as Float32Array }], attrs, new Map([...host, ['grads', grads], ['step', step]]));
        for (const x of [g, s, k]) x.dispose();
      }
      for (const [key, tensor] of Object.entries(live)) expectClose(`${name} ${key}`, (await tensor.data()) as Float32Array, host.get(key)!, F32, { seed: rng.seed, shape: [count] });
      for (const t of [...Object.values(live), boundsTensor]) t.dispose();
    },
  };
}

const MANY = Array.from({ length: 150 }, (_, i) => 1 + ((i * 37) % 200));

export const clipNormCases: GpuCase[] = [
  scalesCase('one element', [1], [5], 1, false),
  scalesCase('one element', [1], [0.5], 1, true),
  scalesCase('sizes 3 / 70000 / 130 / 0 (all-zero) / 64', [3, 70000, 130, 64, 64], [2, 0.02, 1, 0, 7], 1.5, false),
  scalesCase('sizes 3 / 70000 / 130 / 0 (all-zero) / 64, norm over', [3, 70000, 130, 64, 64], [2, 0.02, 1, 0, 7], 1.5, true),
  scalesCase('sizes 3 / 70000 / 130, norm under', [3, 70000, 130], [0.001, 0.0001, 0.001], 1.5, true),
  scalesCase('all zero', [100, 5], [0], 1, true),
  scalesCase('150 parameters', MANY, [0.1, 1, 10], 2, false),
  scalesCase('150 parameters', MANY, [0.1, 1, 10], 2, true),
  stepCase('sgd clipNorm', { kind: 'sgd', clipNorm: 1 }, [1]),
  stepCase('adam clipNorm', { kind: 'adam', clipNorm: 1 }, [5, 200, 64, 1000, 3]),
  stepCase('rmsprop momentum globalClipNorm', { kind: 'rmsprop', momentum: 0.5, globalClipNorm: 2 }, MANY),
];
