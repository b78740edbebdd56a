// Checks of the activationGrad CPU reference: for every activation kind (and parameter variants
// that switch between reading y and x), dx against dy times central finite differences of the
// forward reference in float64, at seeded points away from kinks; exact values at the kinks
// (TensorFlow's choices); which kinds read y; the op's shape rules.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, resolveActivation, type Activation, type ActivationKind, type ResolvedActivation } from '../../src/ops/activation/kinds.ts';
import { applyActivation } from '../../src/ops/activation/reference.ts';
import { activationGradOp, usesOutput } from '../../src/ops/activation-grad/op.ts';
import { activationGradReference } from '../../src/ops/activation-grad/reference.ts';
import { Random, seedOf } from '../harness/random.ts';

const KINDS = Object.keys(ACTIVATIONS) as ActivationKind[];
const VARIANTS: Activation[] = [
  ...KINDS.map((kind) => ({ kind })),
  { kind: 'leakyRelu', alpha: 0.3 },
  { kind: 'leakyRelu', alpha: -0.2 },
  { kind: 'elu', alpha: 0.5 },
  { kind: 'elu', alpha: -0.5 },
  { kind: 'selu', alpha: 1.5, beta: -1.2 },
  { kind: 'hardSigmoid', alpha: 0.2, beta: 0.5 },
  { kind: 'hardSigmoid', alpha: -0.25, beta: 0.5 },
  { kind: 'clip', alpha: -1.5, beta: 2.5 },
];
const label = (a: Activation) => `${a.kind}${a.alpha !== undefined ? `(${a.alpha}, ${a.beta ?? 'default'})` : ''}`;

const H = 1e-4;
const RTOL = 1e-4;
/**
 * Floor of the tolerance: y-forms read y rounded to float32, which near saturation (sigmoid and
 * tanh at |x| = 8, elu's y + alpha) costs an absolute error of a few 1e-8 in f'; and differences
 * of values near 1 (erf and gelu in their tails) carry about 1e-12 of float64 rounding.
 */
const ATOL = 1e-6;

/** The x where f is not differentiable (finite differences there measure nothing). */
function kinks(a: ResolvedActivation): number[] {
  switch (a.kind) {
    case 'relu': case 'leakyRelu': case 'elu': case 'selu': case 'abs': case 'not': return [0];
    case 'relu6': return [0, 6];
    case 'hardSigmoid': return [-a.beta / a.alpha, (1 - a.beta) / a.alpha];
    case 'clip': return [a.alpha, a.beta];
    case 'hardSwish': return [-3, 3];
    case 'floor': case 'ceil': return Array.from({ length: 17 }, (_, i) => i - 8);
    default: return [];
  }
}

/** Points of f's domain (see activationInputs in tests/gpu/cases/elementwise.ts), float32 values. */
function domainPoint(rng: Random, kind: ActivationKind): number {
  if (kind === 'sqrt' || kind === 'log') return Math.fround(rng.uniform(0.01, 8));
  if (kind === 'reciprocal') return Math.fround(rng.uniform(0.25, 8) * (rng.next() < 0.5 ? -1 : 1));
  return Math.fround(rng.uniform(-8, 8));
}

/** What the backward reads: y = f(x) rounded to float32 where usesOutput, else x. */
const saved = (xs: number[], a: ResolvedActivation) => Float32Array.from(xs, (x) => (usesOutput(a) ? applyActivation(x, a) : x));

function gradAt(a: ResolvedActivation, xs: number[], dys: number[]): Float32Array {
  const shape = [xs.length];
  return activationGradReference({ shape, data: Float32Array.from(dys) }, { shape, data: saved(xs, a) }, a).data;
}

describe('activationGradReference', () => {
  for (const spec of VARIANTS) {
    it(`${label(spec)}: dy * f'(x) matches central differences of the forward`, () => {
      const a = resolveActivation('test', spec);
      const rng = new Random(seedOf(`activationGrad fd ${label(spec)}`));
      const xs: number[] = [];
      while (xs.length < 300) {
        const x = domainPoint(rng, a.kind);
        if (kinks(a).every((k) => Math.abs(x - k) > 1e-3)) xs.push(x);
      }
      const dys = xs.map(() => Math.fround(rng.uniform(0.5, 2) * (rng.next() < 0.5 ? -1 : 1)));
      const dx = gradAt(a, xs, dys);
      const bad: string[] = [];
      xs.forEach((x, i) => {
        const fd = (applyActivation(x + H, a) - applyActivation(x - H, a)) / (2 * H);
        const expected = dys[i] * fd;
        if (!(Math.abs(dx[i] - expected) <= Math.abs(dys[i]) * (ATOL + RTOL * Math.abs(fd)))) {
          bad.push(`x=${x} dy=${dys[i]}: got ${dx[i]}, finite differences ${expected}`);
        }
      });
      expect(bad, `seed ${rng.seed}`).toEqual([]);
    });
  }

  // [activation, x, f'(x)]: the kinks take TensorFlow's gradient (see reference.ts), plus values
  // worked by hand.
  const EXACT: [Activation, number, number][] = [
    [{ kind: 'linear' }, -3, 1],
    [{ kind: 'relu' }, 0, 0], [{ kind: 'relu' }, 2, 1], [{ kind: 'relu' }, -1, 0],
    [{ kind: 'relu6' }, 0, 0], [{ kind: 'relu6' }, 6, 0], [{ kind: 'relu6' }, 3, 1], [{ kind: 'relu6' }, 7, 0],
    [{ kind: 'leakyRelu', alpha: 0.3 }, 0, 0.3], [{ kind: 'leakyRelu', alpha: -0.2 }, 0, -0.2], [{ kind: 'leakyRelu', alpha: -0.2 }, 1, 1],
    [{ kind: 'elu' }, 0, 1], [{ kind: 'elu', alpha: 0.5 }, 0, 0.5], [{ kind: 'elu', alpha: -0.5 }, 0, -0.5],
    [{ kind: 'elu', alpha: 0.5 }, -1, 0.5 * Math.exp(-1)],
    [{ kind: 'selu' }, 0, ACTIVATIONS.selu.beta], [{ kind: 'selu' }, -1, ACTIVATIONS.selu.alpha * ACTIVATIONS.selu.beta * Math.exp(-1)],
    [{ kind: 'selu', alpha: 1.5, beta: -1.2 }, 0, -1.2],
    [{ kind: 'sigmoid' }, 0, 0.25], [{ kind: 'tanh' }, 0, 1], [{ kind: 'softplus' }, 0, 0.5],
    [{ kind: 'softsign' }, 0, 1], [{ kind: 'softsign' }, 1, 0.25], [{ kind: 'softsign' }, -3, 1 / 16],
    [{ kind: 'hardSigmoid' }, 0, 0.2], [{ kind: 'hardSigmoid' }, -2.5, 0], [{ kind: 'hardSigmoid' }, 2.5, 0],
    [{ kind: 'hardSigmoid', alpha: -0.25, beta: 0.5 }, 0, -0.25], [{ kind: 'hardSigmoid', alpha: -0.25, beta: 0.5 }, 2, 0],
    [{ kind: 'clip', alpha: -1.5, beta: 2.5 }, -1.5, 0], [{ kind: 'clip', alpha: -1.5, beta: 2.5 }, 2.5, 0], [{ kind: 'clip', alpha: -1.5, beta: 2.5 }, 0, 1],
    [{ kind: 'clip' }, -1e30, 1],
    [{ kind: 'gelu' }, 0, 0.5], [{ kind: 'gelu' }, 1, 0.8413447460685429 + 0.24197072451914337],
    [{ kind: 'hardSwish' }, -3, 0], [{ kind: 'hardSwish' }, 3, 1], [{ kind: 'hardSwish' }, 0, 0.5], [{ kind: 'hardSwish' }, 1.5, 1],
    [{ kind: 'hardSwish' }, -4, 0], [{ kind: 'hardSwish' }, 4, 1],
    [{ kind: 'mish' }, 0, 0.6], // tanh(ln 2) = 3/5
    [{ kind: 'erf' }, 0, 2 / Math.sqrt(Math.PI)], [{ kind: 'erf' }, 1, (2 / Math.sqrt(Math.PI)) * Math.exp(-1)],
    [{ kind: 'sqrt' }, 4, 0.25], [{ kind: 'exp' }, 0, 1], [{ kind: 'exp' }, 1, Math.E], [{ kind: 'log' }, 2, 0.5],
    [{ kind: 'neg' }, 5, -1], [{ kind: 'abs' }, 0, 0], [{ kind: 'abs' }, -2, -1], [{ kind: 'abs' }, 3, 1],
    [{ kind: 'reciprocal' }, 2, -0.25], [{ kind: 'reciprocal' }, -0.5, -4],
    [{ kind: 'floor' }, 1, 0], [{ kind: 'floor' }, 1.5, 0], [{ kind: 'ceil' }, -2, 0], [{ kind: 'not' }, 0, 0], [{ kind: 'not' }, 1, 0],
  ];
  it('exact values at kinks and hand-worked points', () => {
    const bad = EXACT.flatMap(([spec, x, slope]) => {
      const got = gradAt(resolveActivation('test', spec), [x], [1])[0];
      return Math.abs(got - slope) <= 1e-6 * Math.max(1, Math.abs(slope)) ? [] : [`${label(spec)} at ${x}: got ${got}, expected ${slope}`];
    });
    expect(bad).toEqual([]);
  });

  it('scales by dy, and dy of 0 gives 0 where f\' is finite', () => {
    const a = resolveActivation('test', 'tanh');
    expect(Array.from(gradAt(a, [0, 0, 0], [2, -3, 0]))).toEqual([2, -3, 0]);
  });

  it('reads y exactly where the derivative is a function of y for the parameters', () => {
    const fromOutput = KINDS.filter((kind) => usesOutput(resolveActivation('test', kind)));
    expect(fromOutput).toEqual([
      'linear', 'relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'tanh', 'softplus',
      'softsign', 'clip', 'sqrt', 'exp', 'log', 'neg', 'reciprocal', 'floor', 'ceil', 'not',
    ]);
    const uses = (spec: Activation) => usesOutput(resolveActivation('test', spec));
    expect([uses({ kind: 'leakyRelu', alpha: 0 }), uses({ kind: 'leakyRelu', alpha: -0.2 })]).toEqual([true, false]);
    expect([uses({ kind: 'elu', alpha: 0.5 }), uses({ kind: 'elu', alpha: 0 }), uses({ kind: 'elu', alpha: -1 })]).toEqual([true, false, false]);
    expect([uses({ kind: 'selu', alpha: 1, beta: 1 }), uses({ kind: 'selu', alpha: -1, beta: 1 }), uses({ kind: 'selu', alpha: 1, beta: -1 })]).toEqual([true, false, false]);
    expect(uses({ kind: 'hardSigmoid', alpha: -0.25, beta: 0.5 })).toBe(true);
  });
});

describe('activationGrad op', () => {
  const act = resolveActivation('test', 'relu');
  const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

  it('infers dx with the shape of dy', () => {
    expect(activationGradOp.infer('g', [f32([3, 5]), f32([3, 5])], { activation: act })).toEqual([f32([3, 5])]);
  });

  it('rejects missing inputs, other dtypes, mismatched shapes and unresolved activations', () => {
    expect(() => activationGradOp.infer('g', [f32([3])], { activation: act })).toThrow(/g: needs two inputs: dy and the activation's output y/);
    expect(() => activationGradOp.infer('g', [f32([3]), { shape: [3], dtype: 'int32' }], { activation: act })).toThrow(/float32, got dy float32 and v int32/);
    expect(() => activationGradOp.infer('g', [f32([3, 5]), f32([5, 3])], { activation: act })).toThrow(/dy \[3, 5\] and v \[5, 3\] must have one shape/);
    expect(() => activationGradOp.infer('g', [f32([3]), f32([3])], { activation: { kind: 'swish', code: 99, alpha: 0, beta: 0 } as never })).toThrow(/resolved activation/);
    expect(() => activationGradReference({ shape: [2], data: new Float32Array(2) }, { shape: [3], data: new Float32Array(3) }, act)).toThrow(/must have one shape/);
  });

  it('plans one dispatch that reads y or x as usesOutput says', () => {
    const limits = { maxStorageBufferBindingSize: 1 << 30, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 };
    const plan = (spec: Activation) => activationGradOp.plan([f32([1025]), f32([1025])], [f32([1025])], { activation: resolveActivation('test', spec) }, { limits, forcedVariants: {} });
    const [relu] = plan('relu' as never).dispatches;
    expect(relu.overrides).toMatchObject({ FORWARD_ACTIVATION: ACTIVATIONS.relu.code, FROM_OUTPUT: 1 });
    expect(relu.workgroups).toEqual([5, 1, 1]);
    expect(plan({ kind: 'gelu' }).dispatches[0].overrides.FROM_OUTPUT).toBe(0);
    expect(activationGradOp.plan([f32([0]), f32([0])], [f32([0])], { activation: act }, { limits, forcedVariants: {} }).dispatches).toEqual([]);
  });
});
