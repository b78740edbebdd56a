// The optimizer step's CPU reference against the update rules written out again here in float64
// (the textbook forms of Keras 3's update_step: keras/src/optimizers/{sgd,adam,rmsprop,adagrad}.py,
// clipping and weight decay from base_optimizer.py), over several steps with a changing learning
// rate, on a flat buffer of two parameters with zero padding between them.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.ts';
import { WgnnError } from '../../src/errors.ts';
import { initialState, optimizerStateSlots, optimizerStepOp, optimizerStepValues, type OptimizerAttrs } from '../../src/ops/optimizer/op.ts';
import { Random, seedOf } from '../harness/random.ts';
import { clipNormScalesReference } from '../../src/ops/clip-norm/reference.ts';

const COUNT = 70;
/** Two parameters, [0, 5) and [64, 70) (64-element aligned); the rest is padding. */
const isParam = (i: number) => i < 5 || i >= 64;
const LEARNING_RATES = [0.1, 0.05, 0.02, 0.08, 0.03];

interface Expected {
  w: number[];
  /** Slots in the documented order, each COUNT long. */
  slots: number[][];
}

/** One step of the update rule in float64, per element. */
function expectedStep(a: OptimizerAttrs, e: Expected, grads: Float32Array, lr: number, t: number): void {
  const eps = a.epsilon ?? 1e-7;
  for (let i = 0; i < COUNT; i++) {
    let g = grads[i];
    if (a.clipValue) g = Math.max(-a.clipValue, Math.min(a.clipValue, g));
    const wd = a.weightDecay ?? (a.kind === 'adamw' ? 0.004 : 0);
    let w = e.w[i] * (1 - wd * lr);
    const s = e.slots;
    if (a.kind === 'sgd') {
      const mu = a.momentum ?? 0;
      if (mu === 0) w -= lr * g;
      else {
        s[0][i] = mu * s[0][i] - lr * g;
        w += a.nesterov ? mu * s[0][i] - lr * g : s[0][i];
      }
    } else if (a.kind === 'adam' || a.kind === 'adamw') {
      const b1 = a.beta1 ?? 0.9;
      const b2 = a.beta2 ?? 0.999;
      s[0][i] = b1 * s[0][i] + (1 - b1) * g;
      s[1][i] = b2 * s[1][i] + (1 - b2) * g * g;
      w -= ((lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)) * (s[0][i] / (Math.sqrt(s[1][i]) + eps));
    } else if (a.kind === 'rmsprop') {
      const rho = a.rho ?? 0.9;
      const mu = a.momentum ?? 0;
      const avg = mu > 0 ? 2 : 1;
      s[0][i] = rho * s[0][i] + (1 - rho) * g * g;
      let variance = s[0][i];
      if (a.centered) {
        s[avg][i] = rho * s[avg][i] + (1 - rho) * g;
        variance -= s[avg][i] ** 2;
      }
      const increment = (lr * g) / Math.sqrt(variance + eps);
      if (mu > 0) {
        s[1][i] = mu * s[1][i] + increment;
        w -= s[1][i];
      } else w -= increment;
    } else {
      s[0][i] += g * g;
      w -= (lr * g) / Math.sqrt(s[0][i] + eps);
    }
    e.w[i] = w;
  }
}

const CASES: [string, OptimizerAttrs][] = [
  ['sgd', { kind: 'sgd', count: COUNT }],
  ['sgd momentum', { kind: 'sgd', count: COUNT, momentum: 0.9 }],
  ['sgd nesterov', { kind: 'sgd', count: COUNT, momentum: 0.8, nesterov: true }],
  ['sgd weight decay', { kind: 'sgd', count: COUNT, weightDecay: 0.05 }],
  ['adam', { kind: 'adam', count: COUNT }],
  ['adam custom betas', { kind: 'adam', count: COUNT, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }],
  ['adamw', { kind: 'adamw', count: COUNT }],
  ['adamw weight decay 0.1', { kind: 'adamw', count: COUNT, weightDecay: 0.1 }],
  ['rmsprop', { kind: 'rmsprop', count: COUNT }],
  ['rmsprop momentum', { kind: 'rmsprop', count: COUNT, momentum: 0.5 }],
  ['rmsprop centered', { kind: 'rmsprop', count: COUNT, centered: true, rho: 0.8 }],
  ['rmsprop centered momentum', { kind: 'rmsprop', count: COUNT, centered: true, momentum: 0.3 }],
  ['adagrad', { kind: 'adagrad', count: COUNT }],
  ['adagrad accumulator 0.5', { kind: 'adagrad', count: COUNT, initialAccumulatorValue: 0.5, epsilon: 1e-4 }],
  ['sgd momentum clipValue', { kind: 'sgd', count: COUNT, momentum: 0.9, clipValue: 0.5 }],
  ['adam clipValue', { kind: 'adam', count: COUNT, clipValue: 0.3 }],
];

function closeTo(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-6 * Math.max(Math.abs(expected[i]), 1e-2);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) throw new Error(`${label}: index ${i}: got ${actual[i]}, expected ${expected[i]}`);
  }
}

function run(name: string, attrs: OptimizerAttrs, steps: number) {
  const rng = new Random(seedOf(name));
  const params = Float32Array.from({ length: COUNT }, (_, i) => (isParam(i) ? rng.uniform(-2, 2) : 0));
  const state = initialState(attrs, COUNT);
  const slots = optimizerStateSlots(attrs);
  const e: Expected = { w: [...params], slots: Array.from({ length: slots }, (_, s) => [...state.subarray(s * COUNT, (s + 1) * COUNT)]) };
  for (let t = 1; t <= steps; t++) {
    const grads = Float32Array.from({ length: COUNT }, (_, i) => (isParam(i) ? rng.uniform(-1.5, 1.5) : 0));
    const step = optimizerStepValues(attrs, LEARNING_RATES[t - 1], t);
    optimizerStepOp.referenceEffects!([], attrs, new Map([['params', params], ['grads', grads], ['optimizerState', state], ['step', step]]));
    expectedStep(attrs, e, grads, step[0], t);
    closeTo(`${name} step ${t} params`, params, e.w);
    e.slots.forEach((slot, s) => closeTo(`${name} step ${t} slot ${s}`, state.subarray(s * COUNT, (s + 1) * COUNT), slot));
  }
  return { params, state, slots };
}

describe('optimizerStep reference', () => {
  for (const [name, attrs] of CASES) {
    it(`${name}: 5 steps match the update rule in float64`, () => {
      const { params, state, slots } = run(name, attrs, 5);
      // Padding has zero weights and zero gradients: it must stay zero (and its state at its start).
      const start = attrs.kind === 'adagrad' ? (attrs.initialAccumulatorValue ?? 0.1) : 0;
      for (let i = 5; i < 64; i++) {
        expect(params[i]).toBe(0);
        for (let s = 0; s < slots; s++) expect(state[s * COUNT + i]).toBe(Math.fround(start));
      }
      expect(params.every(Number.isFinite)).toBe(true);
    });
  }

  it('the update moves every parameter', () => {
    const { params } = run('moves', { kind: 'adam', count: COUNT }, 1);
    const before = new Random(seedOf('moves'));
    for (let i = 0; i < COUNT; i++) if (isParam(i)) expect(params[i]).not.toBe(Math.fround(before.uniform(-2, 2)));
  });

  it('clipValue clips the gradient before the update', () => {
    const params = Float32Array.of(1, 1, 1);
    const grads = Float32Array.of(10, -10, 0.25);
    optimizerStepOp.referenceEffects!([], { kind: 'sgd', count: 3, clipValue: 0.5 }, new Map([['params', params], ['grads', grads], ['step', Float32Array.of(0.5, 1)]]));
    expect([...params]).toEqual([0.75, 1.25, 0.875]);
  });

  it('clipNorm scales each parameter to its norm, globalClipNorm all of them together (Keras base_optimizer.py)', () => {
    // Parameters [0, 2) and [64, 66): norms 5 and 0.5 (padding zero).
    const grads = new Float32Array(128);
    grads.set([3, 4], 0);
    grads.set([0.3, -0.4], 64);
    const bounds = Int32Array.of(0, 64, 128);
    // Per parameter: 5 -> clip 1 (scale 1 / 5), 0.5 stays (scale exactly 1).
    expect([...clipNormScalesReference(grads, bounds, { clip: 1, global: false })]).toEqual([0.2, 1].map(Math.fround));
    // Global norm sqrt(25 + 0.25): every gradient scaled by 1 / that; under the clip nothing moves.
    const global = clipNormScalesReference(grads, bounds, { clip: 1, global: true });
    expect(global[0]).toBeCloseTo(1 / Math.sqrt(25.25), 7);
    expect(global[1]).toBe(global[0]);
    expect([...clipNormScalesReference(grads, bounds, { clip: 10, global: true })]).toEqual([1, 1]);
    expect([...clipNormScalesReference(new Float32Array(128), bounds, { clip: 1, global: true })]).toEqual([1, 1]);
    grads[1] = Infinity;
    expect(clipNormScalesReference(grads, bounds, { clip: 1, global: true }).every(Number.isNaN)).toBe(true);
    expect(() => clipNormScalesReference(grads, Int32Array.of(0, 200), { clip: 1, global: false })).toThrow(/parameter 0 spans \[0, 200\), not inside the 128 gradients/);
    // The step multiplies each gradient by its parameter's scale before the update: sgd, lr 1.
    const params = new Float32Array(128);
    optimizerStepOp.referenceEffects!(
      [{ shape: [2], data: Float32Array.of(0.2, 1) }, { shape: [3], data: bounds as unknown as Float32Array }],
      { kind: 'sgd', count: 128, clipNorm: 1 },
      new Map([['params', params], ['grads', Float32Array.from(grads.map((g) => (Number.isFinite(g) ? g : 4)))], ['step', Float32Array.of(1, 1)]]),
    );
    expect([params[0], params[1], params[64], params[65]]).toEqual([-0.6, -0.8, -0.3, 0.4].map(Math.fround));
  });

  it('state slots and initial state follow the Keras variables', () => {
    const slots = (a: Partial<OptimizerAttrs> & Pick<OptimizerAttrs, 'kind'>) => optimizerStateSlots({ count: 4, ...a });
    expect(slots({ kind: 'sgd' })).toBe(0);
    expect(slots({ kind: 'sgd', momentum: 0.9 })).toBe(1);
    expect(slots({ kind: 'adam' })).toBe(2);
    expect(slots({ kind: 'adamw' })).toBe(2);
    expect(slots({ kind: 'rmsprop' })).toBe(1);
    expect(slots({ kind: 'rmsprop', centered: true })).toBe(2);
    expect(slots({ kind: 'rmsprop', momentum: 0.5, centered: true })).toBe(3);
    expect(slots({ kind: 'adagrad' })).toBe(1);
    expect([...initialState({ kind: 'adagrad', count: 3 })]).toEqual([0.1, 0.1, 0.1].map(Math.fround));
    expect([...initialState({ kind: 'adam', count: 2 })]).toEqual([0, 0, 0, 0]);
    expect([...optimizerStepValues({ kind: 'adam', count: 1 }, 0.5, 2)]).toEqual([0.5, 2, 1 - 0.81, 1 - 0.999 ** 2].map(Math.fround));
  });

  it('rejects bad attributes and missing or short buffers with the valid choices', () => {
    const infer = (attrs: unknown) => optimizerStepOp.infer('opt', [], attrs as OptimizerAttrs);
    expect(() => infer({ kind: 'lion', count: 4 })).toThrow(/unknown optimizer 'lion'; kinds are sgd, adam/);
    expect(() => infer({ kind: 'sgd', count: 0 })).toThrow(/count 0 must be an integer/);
    expect(() => infer({ kind: 'sgd', count: 4, beta1: 0.9 })).toThrow(/'beta1' is not an option of sgd; its options are momentum, nesterov/);
    expect(() => infer({ kind: 'sgd', count: 4, momentum: 1.5 })).toThrow(/momentum 1.5 is invalid: it must be in \[0, 1\]/);
    expect(() => infer({ kind: 'adam', count: 4, beta2: 1 })).toThrow(/beta2 1 is invalid/);
    expect(() => infer({ kind: 'adam', count: 4, epsilon: 0 })).toThrow(/epsilon 0 is invalid: it must be > 0/);
    expect(() => infer({ kind: 'adagrad', count: 4, initialAccumulatorValue: -1 })).toThrow(WgnnError);
    expect(() => infer({ kind: 'sgd', count: 4, clipValue: -1 })).toThrow(/clipValue -1 is invalid/);
    expect(() => infer({ kind: 'sgd', count: 4, clipNorm: 0 })).toThrow(/clipNorm 0 is invalid: it must be > 0/);
    expect(() => infer({ kind: 'adam', count: 4, clipNorm: 1, clipValue: 1 })).toThrow(/only one of clipValue, clipNorm and globalClipNorm can be set \(Keras's rule\); got clipValue and clipNorm/);
    expect(() => infer({ kind: 'adam', count: 4, globalClipNorm: 1 })).toThrow(/clipping by norm needs the scales \[S\] and the int32 parameter bounds \[S \+ 1\] as the first two inputs/);
    expect(infer({ kind: 'adamw', count: 4 })).toEqual([]);
    const buffers = (step: number[]) => new Map([['params', new Float32Array(4)], ['grads', new Float32Array(4)], ['optimizerState', new Float32Array(8)], ['step', Float32Array.from(step)]]);
    const effects = (attrs: OptimizerAttrs, externals: Map<string, Float32Array>) => () => optimizerStepOp.referenceEffects!([], attrs, externals);
    expect(effects({ kind: 'adam', count: 4 }, buffers([0.1, 1]))).toThrow(/'step' holds 2 values, fewer than the 4 it needs/);
    expect(effects({ kind: 'adam', count: 5 }, buffers([0.1, 1, 0.1, 0.001]))).toThrow(/'params' holds 4 values, fewer than the 5/);
    const noParams = buffers([0.1, 1]);
    noParams.delete('params');
    expect(effects({ kind: 'sgd', count: 4 }, noParams)).toThrow(/needs the external buffer 'params', which was not given/);
  });
});

describe('effect ops through the CPU engine', () => {
  it('runOp updates the external tensors in place and returns nothing', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const attrs: OptimizerAttrs = { kind: 'rmsprop', count: 3, momentum: 0.5 };
    const host = { params: Float32Array.of(1, -2, 3), grads: Float32Array.of(0.5, 0.25, -1), optimizerState: initialState(attrs), step: optimizerStepValues(attrs, 0.1, 1) };
    const tensors = Object.fromEntries(Object.entries(host).map(([k, v]) => [k, engine.tensor([v.length], v)]));
    expect(engine.runOp('optimizerStep', [tensors.grads], attrs, tensors)).toEqual([]);
    optimizerStepOp.referenceEffects!([], attrs, new Map(Object.entries(host)));
    expect([...(await tensors.params.data())]).toEqual([...host.params]);
    expect([...(await tensors.optimizerState.data())]).toEqual([...host.optimizerState]);
    expect(host.params[0]).not.toBe(1);
    const { step, ...withoutStep } = tensors;
    expect(() => engine.runOp('optimizerStep', [], attrs, withoutStep)).toThrow(/'step', which was not given/);
    expect(() => engine.runOp('optimizerStep', [], attrs, { ...tensors, grads: tensors.params })).toThrow(/externals 'params' and 'grads' share one buffer/);
    expect(step.size).toBe(4);
  });

  it('accumulate adds the sum into its slot of metrics', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const metrics = engine.tensor([3], [1, 2, 3]);
    engine.runOp('accumulate', [engine.tensor([2, 2], [0.5, 1.5, -1, 4])], { slot: 1 }, { metrics });
    engine.runOp('accumulate', [engine.tensor([1], [10])], { slot: 1 }, { metrics });
    engine.runOp('accumulate', [engine.tensor([3], [1, 1, 1])], { slot: 2 }, { metrics });
    expect([...(await metrics.data())]).toEqual([1, 17, 6]);
    expect(() => engine.runOp('accumulate', [engine.tensor([1], [1])], { slot: 3 }, { metrics })).toThrow(/slot 3 is past the end of 'metrics' \(3 values\)/);
    expect(() => engine.runOp('accumulate', [engine.tensor([1], [1])], { slot: 0 })).toThrow(/needs the external buffer 'metrics'/);
    expect(() => engine.runOp('accumulate', [engine.tensor([1], [1])], { slot: -1 }, { metrics })).toThrow(/slot -1 must be an integer >= 0/);
  });
});
