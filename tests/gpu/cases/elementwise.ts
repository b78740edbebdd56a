// Activations, broadcasting binary ops and softmax on the GPU vs the CPU reference.
import { ACTIVATIONS, type Activation, type ActivationKind } from '../../../src/index.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { activationReference } from '../../../src/ops/activation/reference.ts';
import { BINARY_OPS, binaryReference, type BinaryOp } from '../../../src/ops/binary/reference.ts';
import { softmaxReference } from '../../../src/ops/softmax/reference.ts';
import { transposeOp } from '../../../src/ops/transpose/op.ts';
import { padOp } from '../../../src/ops/pad/op.ts';
import { expectClose, F32, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

/**
 * Inputs over each function's domain: [-8, 8) reaches the saturated ends of sigmoid, tanh and
 * softplus as well as the middle; sqrt and log take positive values, reciprocal values away from
 * 0, and not booleans (0 and 1) as well as other values.
 */
function activationInputs(rng: Random, kind: ActivationKind, n: number): Float32Array {
  if (kind === 'sqrt' || kind === 'log') return rng.floats(n, 0.01, 8);
  if (kind === 'reciprocal') return rng.floats(n, 0.25, 8).map((v) => (rng.next() < 0.5 ? -v : v));
  if (kind === 'not') return rng.floats(n, -2, 2).map((v) => (v < -1 ? v : Math.round(Math.abs(v) / 2)));
  return rng.floats(n, -8, 8);
}

function activationCase(activation: Activation, shape: number[]): GpuCase {
  const name = `activation ${activation.kind}${activation.alpha !== undefined ? `(${activation.alpha}, ${activation.beta})` : ''} [${shape}]`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape, data: activationInputs(rng, activation.kind, product(shape)) };
      const expected = activationReference(x, resolveActivation('test', activation));
      const out = engine.activation(engine.tensor(shape, x.data), activation);
      expectClose(name, await out.data(), expected.data, F32, { seed: rng.seed, shape });
    },
  };
}

const EAGER_BINARY = new Set<BinaryOp>(['add', 'sub', 'mul', 'div', 'prelu']);
const COMPARISONS = new Set<BinaryOp>(['equal', 'less', 'greater', 'lessOrEqual', 'greaterOrEqual', 'and', 'or', 'xor']);

/**
 * Operands per op: divisors (div, mod) and exponents kept where the comparison is of arithmetic,
 * not of overflow; pow takes negative bases with whole exponents as well as positive bases with
 * fractional ones; comparisons and logic draw from a few small integers, so that ties and zeros
 * (false) occur.
 */
function binaryOperands(rng: Random, op: BinaryOp, aCount: number, bCount: number): [Float32Array, Float32Array] {
  const signed = (v: number) => (rng.next() < 0.5 ? -v : v);
  if (COMPARISONS.has(op)) {
    const small = (n: number) => Float32Array.from({ length: n }, () => rng.int(-2, 2));
    return [small(aCount), small(bCount)];
  }
  if (op === 'pow') {
    const whole = rng.next() < 0.5;
    return [whole ? rng.floats(aCount, -3, 3) : rng.floats(aCount, 0.1, 3), whole ? Float32Array.from({ length: bCount }, () => rng.int(-3, 4)) : rng.floats(bCount, -2.5, 2.5)];
  }
  return [rng.floats(aCount).map((v) => (op === 'mod' ? v * 10 : v)), rng.floats(bCount, 0.5, 2).map(signed)];
}

function binaryCase(op: BinaryOp, aShape: number[], bShape: number[]): GpuCase {
  const name = `${op} [${aShape}] [${bShape}]`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const [aData, bData] = binaryOperands(rng, op, product(aShape), product(bShape));
      const a = { shape: aShape, data: aData };
      const b = { shape: bShape, data: bData };
      const expected = binaryReference(op, a, b);
      const [ta, tb] = [engine.tensor(aShape, a.data), engine.tensor(bShape, b.data)];
      const out = EAGER_BINARY.has(op) ? engine[op as 'add'](ta, tb) : engine.runOp('binary', [ta, tb], { op })[0];
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}] != [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, F32, { seed: rng.seed, shape: expected.shape });
    },
  };
}

function softmaxCase(log: boolean, shape: number[], axis: number): GpuCase {
  const name = `${log ? 'logSoftmax' : 'softmax'} [${shape}] axis ${axis}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      // Large magnitudes: without the max subtraction exp() would overflow.
      const x = { shape, data: rng.floats(product(shape), -60, 60) };
      const normalized = axis < 0 ? axis + shape.length : axis;
      const expected = softmaxReference(x, normalized, log);
      const t = engine.tensor(shape, x.data);
      const out = log ? engine.logSoftmax(t, axis) : engine.softmax(t, axis);
      expectClose(name, await out.data(), expected.data, reduction(shape[normalized]), { seed: rng.seed, shape });
    },
  };
}

const ACTIVATION_SHAPES = [[1], [7], [3, 5, 17], [1025]];
const CUSTOM_PARAMS: Activation[] = [
  { kind: 'leakyRelu', alpha: 0.3 },
  { kind: 'elu', alpha: 0.5 },
  { kind: 'selu', alpha: 1.5, beta: 1.2 },
  { kind: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 },
  { kind: 'clip', alpha: -1.5, beta: 2.5 },
  { kind: 'clip', alpha: 0, beta: 0 },
];

const BINARY_SHAPES: [number[], number[]][] = [
  [[1], [1]], [[7], [7]], [[3, 5], [5]], [[3, 5], [3, 1]], [[2, 1, 4], [3, 1]], [[], [4, 3]],
  [[2, 3, 1, 5], [1, 1, 4, 1]], [[1, 2, 1, 2, 1, 2, 1, 3], [2, 1, 2, 1, 2, 1, 2, 1]], [[33, 65], [33, 65]],
];

const SOFTMAX_SHAPES: [number[], number][] = [[[1], 0], [[7], -1], [[3, 5], 1], [[3, 5], 0], [[2, 3, 4], 1], [[2, 3, 4], -3], [[4, 257], -1], [[2, 1, 5], 1]];

function layoutCase(name: string, shape: number[], run: (engine: import('../../../src/index.ts').Engine, x: import('../../../src/index.ts').Tensor) => import('../../../src/index.ts').Tensor, reference: (x: { shape: number[]; data: Float32Array }) => { data: Float32Array }): GpuCase {
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape, data: rng.floats(product(shape)) };
      const out = run(engine, engine.tensor(shape, x.data));
      expectClose(name, await out.data(), reference(x).data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: out.shape });
    },
  };
}

const LAYOUT_CASES: GpuCase[] = [
  ...([[[2, 3, 4, 5], [0, 2, 3, 1]], [[2, 3, 4, 5], [0, 3, 1, 2]], [[7], [0]], [[3, 1, 2], [2, 1, 0]], [[2, 1, 2, 1, 2, 1, 2, 3], [7, 6, 5, 4, 3, 2, 1, 0]]] as [number[], number[]][]).map(([shape, perm]) =>
    layoutCase(`transpose [${shape}] perm [${perm}]`, shape, (e, t) => e.transpose(t, perm), (x) => transposeOp.reference([x], { perm })[0])),
  ...(['constant', 'reflect', 'edge'] as const).flatMap((mode) =>
    ([[[3, 4], [1, 2, 2, 1]], [[2, 3, 5], [0, 1, 2, 1, 0, 4]], [[1, 3], [0, 2, 0, 2]]] as [number[], number[]][]).map(([shape, pads]) =>
      layoutCase(`pad ${mode} [${shape}] [${pads}]`, shape, (e, t) => e.pad(t, pads, { mode, value: 1.5 }), (x) => padOp.reference([x], { pads, mode, value: 1.5 })[0]))),
];

export const elementwiseCases: GpuCase[] = [
  ...LAYOUT_CASES,
  ...(Object.keys(ACTIVATIONS) as ActivationKind[]).flatMap((kind) => ACTIVATION_SHAPES.map((s) => activationCase({ kind }, s))),
  ...CUSTOM_PARAMS.map((a) => activationCase(a, [5, 13])),
  ...BINARY_OPS.flatMap((op) => (EAGER_BINARY.has(op) ? BINARY_SHAPES : BINARY_SHAPES.filter((_, i) => i % 2 === 0)).map(([a, b]) => binaryCase(op, a, b))),
  ...[false, true].flatMap((log) => SOFTMAX_SHAPES.map(([s, axis]) => softmaxCase(log, s, axis))),
];
