// optimizerStep (shaders/optimizer_step.wgsl) and accumulate (shaders/accumulate.wgsl) on the GPU
// vs their CPU references, run as effect ops on tensors standing in for the external buffers.
// Every optimizer and option over flat buffers of 1, 63 (under one workgroup), 1000 and 4099
// elements (1000 with each variant forced: vec4 and scalar; the others scalar, not being whole
// vec4s), several steps with a new learning rate and step buffer each; the buffers hold state,
// so nothing is poisoned: instead every value must stay finite and match.
import type { Engine, Tensor } from '../../../src/index.ts';
import { initialState, optimizerStepOp, optimizerStepValues, type OptimizerAttrs, type OptimizerVariant } from '../../../src/ops/optimizer/op.ts';
import { accumulateOp } from '../../../src/ops/accumulate/op.ts';
import { expectClose, F32, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';
import { clipNormCases } from './clip-norm.ts';

const STEPS = 3;
const LEARNING_RATES = [0.05, 0.1, 0.02];

type Options = Omit<OptimizerAttrs, 'count'>;
const CONFIGS: [string, Options][] = [
  ['sgd', { kind: 'sgd' }],
  ['sgd momentum', { kind: 'sgd', momentum: 0.9 }],
  ['sgd nesterov', { kind: 'sgd', momentum: 0.9, nesterov: true }],
  ['adam', { kind: 'adam' }],
  ['adamw', { kind: 'adamw', weightDecay: 0.05, epsilon: 1e-3 }],
  ['rmsprop', { kind: 'rmsprop' }],
  ['rmsprop momentum', { kind: 'rmsprop', momentum: 0.5 }],
  ['rmsprop centered', { kind: 'rmsprop', centered: true, rho: 0.8, epsilon: 1e-3 }],
  ['rmsprop centered momentum', { kind: 'rmsprop', centered: true, momentum: 0.5 }],
  ['adagrad', { kind: 'adagrad', initialAccumulatorValue: 0.2, epsilon: 1e-3 }],
  ['sgd momentum clipValue', { kind: 'sgd', momentum: 0.9, clipValue: 0.5 }],
  ['adam clipValue weightDecay', { kind: 'adam', clipValue: 0.5, weightDecay: 0.01 }],
];
const COUNTS = [1, 63, 1000, 4099];

async function readAll(label: string, tensors: Record<string, Tensor>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const data = (await t.data()) as Float32Array;
    if (data.some((v) => !Number.isFinite(v))) throw new Error(`${label}: '${name}' holds a non-finite value at index ${data.findIndex((v) => !Number.isFinite(v))}`);
    out[name] = data;
  }
  return out;
}

function optimizerCase(label: string, options: Options, count: number, variant?: OptimizerVariant): GpuCase {
  const name = `optimizer ${label} count ${count}${variant ? ` ${variant}` : ''}`;
  const attrs: OptimizerAttrs = { ...options, count };
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(variant && { optimizer: variant });
      const rng = new Random(seedOf(name));
      const params = rng.floats(count, -2, 2);
      const state = initialState(attrs);
      const host = new Map([['params', params], ['optimizerState', state]]);
      // Plain sgd keeps no state and binds no 'optimizerState'.
      const live: Record<string, Tensor> = { params: engine.tensor([count], params) };
      if (state.length) live.optimizerState = engine.tensor([state.length], state);
      for (let t = 1; t <= STEPS; t++) {
        const grads = rng.floats(count, -1.5, 1.5);
        const step = optimizerStepValues(attrs, LEARNING_RATES[t - 1], t);
        const g = engine.tensor([count], grads);
        const s = engine.tensor([step.length], step);
        if (engine.runOp('optimizerStep', [g], attrs, { ...live, grads: g, step: s }).length !== 0) throw new Error(`${name}: an effect op returned tensors`);
        optimizerStepOp.referenceEffects!([], attrs, new Map([...host, ['grads', grads], ['step', step]]));
        g.dispose();
        s.dispose();
      }
      const gpu = await readAll(name, live);
      for (const [key, expected] of host) if (expected.length) expectClose(`${name} ${key}`, gpu[key], expected, F32, { seed: rng.seed, shape: [expected.length] });
      for (const t of Object.values(live)) t.dispose();
    },
  };
}

/** Sums of several shapes into slots 1 and 3 of a 5-slot metrics buffer; slots 0, 2 and 4 must not move. */
function accumulateCase(shapes: [number[], number][]): GpuCase {
  const name = `accumulate ${shapes.map(([s, slot]) => `[${s}]->${slot}`).join(' ')}`;
  return {
    name,
    async run(ctx) {
      const engine: Engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const expected = rng.floats(5, -3, 3);
      const metrics = engine.tensor([5], expected);
      const host = new Map([['metrics', expected]]);
      let longest = 1;
      for (const [shape, slot] of shapes) {
        const values = rng.floats(product(shape), -1, 1);
        const x = engine.tensor(shape, values);
        engine.runOp('accumulate', [x], { slot }, { metrics });
        accumulateOp.referenceEffects!([{ shape, data: values }], { slot }, host);
        x.dispose();
        longest = Math.max(longest, product(shape));
      }
      const gpu = (await readAll(name, { metrics })).metrics;
      expectClose(`${name} metrics`, gpu, expected, reduction(longest * shapes.length), { seed: rng.seed, shape: [5] });
      for (const untouched of [0, 2, 4]) if (gpu[untouched] !== expected[untouched]) throw new Error(`${name}: slot ${untouched} changed to ${gpu[untouched]}, expected ${expected[untouched]}`);
      metrics.dispose();
    },
  };
}

/** A plan binding an external buffer the caller did not give fails before any work, naming it. */
const missingExternalCase: GpuCase = {
  name: 'optimizer without its step buffer is an error',
  async run(ctx) {
    const engine = await ctx.engine();
    const params = engine.tensor([4], [1, 2, 3, 4]);
    const grads = engine.tensor([4], [1, 1, 1, 1]);
    let message = '';
    try {
      engine.runOp('optimizerStep', [grads], { kind: 'sgd', count: 4 }, { params, grads });
    } catch (error) {
      message = String(error);
    }
    if (!/binds the external buffer 'step', which was not given \(given: params, grads\)/.test(message)) throw new Error(`unexpected error: '${message}'`);
    const unchanged = await params.data();
    if (unchanged.join() !== '1,2,3,4') throw new Error(`params changed to ${unchanged.join()}`);
    params.dispose();
    grads.dispose();
  },
};

/** Forcing vec4 over a count that is not whole vec4s fails before any work, saying why. */
const forcedVec4MisfitCase: GpuCase = {
  name: 'optimizer forced vec4 over 63 elements is an error',
  async run(ctx) {
    const engine = await ctx.engine({ optimizer: 'vec4' });
    const [params, grads, step] = [engine.tensor([63], new Float32Array(63).fill(1)), engine.tensor([63], new Float32Array(63).fill(1)), engine.tensor([4], [0.1, 1, 1, 1])];
    let message = '';
    try {
      engine.runOp('optimizerStep', [grads], { kind: 'sgd', count: 63 }, { params, grads, step });
    } catch (error) {
      message = String(error);
    }
    if (!/variant vec4 needs a parameter count that is a multiple of 4 \(got 63\)/.test(message)) throw new Error(`unexpected error: '${message}'`);
    for (const t of [params, grads, step]) t.dispose();
  },
};

export const optimizerCases: GpuCase[] = [
  missingExternalCase,
  ...CONFIGS.flatMap(([label, options]) => COUNTS.flatMap((count) => (count % 4 === 0 ? (['vec4', 'scalar'] as const).map((v) => optimizerCase(label, options, count, v)) : [optimizerCase(label, options, count)]))),
  forcedVec4MisfitCase,
  accumulateCase([[[1], 1]]),
  accumulateCase([[[1000], 3]]),
  accumulateCase([[[3, 7], 1]]),
  accumulateCase([[[1], 1], [[1000], 3], [[3, 7], 1], [[1000], 3]]),
  ...clipNormCases,
];
