import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { RECURRENT_ACTIVATION_NAMES, applyRecurrentActivation } from '../../src/ops/recurrent/activations.ts';
import { type SimpleRnnReferenceInputs, simpleRnnReference } from '../../src/ops/simple-rnn/reference.ts';
import { sliceDim0, reverseTime, batchEntry, stateEntry, yAt, referenceKit } from '../harness/recurrent-tensors.ts';

const SEED = 0x5e11;
const { rng, tensor, random, expectNear } = referenceKit(SEED);
const f32 = (v: number) => Math.fround(v);



function randomInputs(T: number, B: number, I: number, H: number, D: number): SimpleRnnReferenceInputs {
  return {
    x: random([T, B, I], 1),
    w: random([D, H, I]),
    r: random([D, H, H]),
    b: random([D, 2 * H], 0.3),
    initialH: random([D, B, H], 0.5),
  };
}

describe('simpleRnnReference', () => {
  it('matches two steps written out by hand (H = 2, I = 2, asymmetric weights)', () => {
    const W = [[0.5, -0.25], [1.5, 0.75]]; // W[unit][input]
    const R = [[0.25, -1.0], [0.5, 0.125]]; // R[unit][state]
    const wb = [0.125, -0.5];
    const rb = [0.25, 0.0625];
    const x = [[1, -2], [0.5, 0.25]]; // x[t][input], batch 1
    const h0 = [0.5, -0.25];
    const h1 = [
      Math.tanh(x[0][0] * W[0][0] + x[0][1] * W[0][1] + h0[0] * R[0][0] + h0[1] * R[0][1] + wb[0] + rb[0]),
      Math.tanh(x[0][0] * W[1][0] + x[0][1] * W[1][1] + h0[0] * R[1][0] + h0[1] * R[1][1] + wb[1] + rb[1]),
    ];
    const h2 = [
      Math.tanh(x[1][0] * W[0][0] + x[1][1] * W[0][1] + h1[0] * R[0][0] + h1[1] * R[0][1] + wb[0] + rb[0]),
      Math.tanh(x[1][0] * W[1][0] + x[1][1] * W[1][1] + h1[0] * R[1][0] + h1[1] * R[1][1] + wb[1] + rb[1]),
    ];
    const out = simpleRnnReference(
      {
        x: tensor([2, 1, 2], x.flat()),
        w: tensor([1, 2, 2], W.flat()),
        r: tensor([1, 2, 2], R.flat()),
        b: tensor([1, 4], [...wb, ...rb]),
        initialH: tensor([1, 1, 2], h0),
      },
      { hiddenSize: 2, direction: 'forward' },
    );
    expect(out.y.shape).toEqual([2, 1, 1, 2]);
    expect(out.yH.shape).toEqual([1, 1, 2]);
    // Every input is exact in float32, so only the float32 rounding of the outputs remains.
    expectNear(out.y.data, [...h1, ...h2], 'Y');
    expectNear(out.yH.data, h2, 'Y_h');
  });

  it('with zero W, R = a I and Relu decays the initial state geometrically', () => {
    const T = 5, H = 3, a = 0.5;
    const r = new Float32Array(H * H);
    for (let j = 0; j < H; j++) r[j * H + j] = a;
    const h0 = [0.8, 0.3, 2];
    const out = simpleRnnReference(
      {
        x: random([T, 1, 2], 3),
        w: { shape: [1, H, 2], data: new Float32Array(H * 2) },
        r: { shape: [1, H, H], data: r },
        initialH: tensor([1, 1, H], h0),
      },
      { hiddenSize: H, direction: 'forward', activations: [{ name: 'Relu' }] },
    );
    const expected = Array.from({ length: T }, (_, t) => h0.map((h) => f32(h) * a ** (t + 1))).flat();
    expectNear(out.y.data, expected, 'Y', 0);
  });

  describe('activations (ONNX formulas and defaults)', () => {
    const cases: [name: string, alpha: number | undefined, beta: number | undefined, fn: (x: number) => number][] = [
      ['Relu', undefined, undefined, (x) => Math.max(0, x)],
      ['Tanh', undefined, undefined, Math.tanh],
      ['Sigmoid', undefined, undefined, (x) => 1 / (1 + Math.exp(-x))],
      ['Affine', 0.7, -0.2, (x) => 0.7 * x - 0.2],
      ['Affine', undefined, undefined, (x) => x], // default alpha 1, beta 0
      ['LeakyRelu', undefined, undefined, (x) => (x >= 0 ? x : 0.01 * x)],
      ['LeakyRelu', 0.3, undefined, (x) => (x >= 0 ? x : 0.3 * x)],
      ['ThresholdedRelu', undefined, undefined, (x) => (x >= 1 ? x : 0)],
      ['ThresholdedRelu', 0.4, undefined, (x) => (x >= 0.4 ? x : 0)],
      ['ScaledTanh', 2, 0.5, (x) => 2 * Math.tanh(0.5 * x)],
      ['HardSigmoid', undefined, undefined, (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1)],
      ['HardSigmoid', 0.5, 0.25, (x) => Math.min(Math.max(0.5 * x + 0.25, 0), 1)],
      ['Elu', undefined, undefined, (x) => (x >= 0 ? x : Math.exp(x) - 1)],
      ['Elu', 1.5, undefined, (x) => (x >= 0 ? x : 1.5 * (Math.exp(x) - 1))],
      ['Softsign', undefined, undefined, (x) => x / (1 + Math.abs(x))],
      ['Softplus', undefined, undefined, (x) => Math.log(1 + Math.exp(x))],
    ];
    const points = [-3, -1, -0.4, 0, 0.3, 0.5, 1, 2.5];

    for (const [name, alpha, beta, fn] of cases) {
      it(`${name}(alpha=${alpha}, beta=${beta}) inside a one-step RNN and alone`, () => {
        // W = 1, R = 0, no bias: H = f(x) for every point at once (batch = points).
        const out = simpleRnnReference(
          { x: tensor([1, points.length, 1], points), w: tensor([1, 1, 1], [1]), r: tensor([1, 1, 1], [0]) },
          { hiddenSize: 1, direction: 'forward', activations: [{ name, alpha, beta }] },
        );
        expectNear(out.y.data, points.map(fn), name);
        for (const p of points) expect(applyRecurrentActivation(p, { name, alpha, beta })).toBeCloseTo(fn(p), 12);
      });
    }

    it('covers every ONNX name, accepts any case, and stays finite far out', () => {
      expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(RECURRENT_ACTIVATION_NAMES));
      expect(applyRecurrentActivation(0.5, { name: 'tAnH' })).toBe(Math.tanh(0.5));
      expect(applyRecurrentActivation(-800, { name: 'Sigmoid' })).toBe(0);
      expect(applyRecurrentActivation(800, { name: 'Softplus' })).toBe(800);
    });

    it('rejects an unknown name or a non-finite parameter, naming the valid ones', () => {
      expect(() => applyRecurrentActivation(1, { name: 'Gelu' })).toThrow(/unknown activation 'Gelu'; expected one of Relu, Tanh, Sigmoid/);
      expect(() => applyRecurrentActivation(1, { name: 'Elu', alpha: NaN })).toThrow(/Elu needs finite alpha and beta/);
      const inp = randomInputs(1, 1, 1, 1, 1);
      expect(() => simpleRnnReference(inp, { hiddenSize: 1, direction: 'forward', activations: [{ name: 'Swish' }] })).toThrow(
        /RNN reference: unknown activation 'Swish'/,
      );
    });
  });

  it('bidirectional equals forward on x next to reverse on x, and reverse equals forward on reversed time', () => {
    const [T, B, I, H] = [5, 2, 3, 4];
    const inp = randomInputs(T, B, I, H, 2);
    const activations = [{ name: 'Tanh' }, { name: 'Softsign' }];
    const both = simpleRnnReference(inp, { hiddenSize: H, direction: 'bidirectional', activations });
    const half = (d: number): SimpleRnnReferenceInputs => ({
      x: inp.x,
      w: sliceDim0(inp.w, d, d + 1),
      r: sliceDim0(inp.r, d, d + 1),
      b: sliceDim0(inp.b!, d, d + 1),
      initialH: sliceDim0(inp.initialH!, d, d + 1),
    });
    const fwd = simpleRnnReference(half(0), { hiddenSize: H, direction: 'forward', activations: [activations[0]] });
    const rev = simpleRnnReference(half(1), { hiddenSize: H, direction: 'reverse', activations: [activations[1]] });
    for (let b = 0; b < B; b++) {
      expectNear(yAt(both.y, 0, b), yAt(fwd.y, 0, b), `Y forward half, batch ${b}`, 0);
      expectNear(yAt(both.y, 1, b), yAt(rev.y, 0, b), `Y reverse half, batch ${b}`, 0);
    }
    expectNear(both.yH.data, [...fwd.yH.data, ...rev.yH.data], 'Y_h', 0);

    const fwdOnReversed = simpleRnnReference(
      { ...half(1), x: reverseTime(inp.x) },
      { hiddenSize: H, direction: 'forward', activations: [activations[1]] },
    );
    expectNear(rev.y.data, reverseTime(fwdOnReversed.y).data, 'reverse Y vs forward on reversed x');
    expectNear(rev.yH.data, fwdOnReversed.yH.data, 'reverse Y_h');
  });

  for (const direction of ['forward', 'reverse', 'bidirectional'] as const) {
    it(`${direction}: ragged lengths zero Y past each length and end in the state of the short sequence alone`, () => {
      const [T, B, I, H] = [5, 4, 2, 3];
      const D = direction === 'bidirectional' ? 2 : 1;
      const lengths = Int32Array.from([1, 5, 3, 4]);
      const inp = randomInputs(T, B, I, H, D);
      const out = simpleRnnReference({ ...inp, sequenceLens: lengths }, { hiddenSize: H, direction });
      for (let b = 0; b < B; b++) {
        const L = lengths[b];
        const alone = simpleRnnReference(
          { ...inp, x: batchEntry(inp.x, b, L), initialH: stateEntry(inp.initialH!, b) },
          { hiddenSize: H, direction },
        );
        for (let d = 0; d < D; d++) {
          const y = yAt(out.y, d, b);
          expectNear(y.slice(0, L * H), yAt(alone.y, d, 0), `Y valid steps, batch ${b}, dir ${d}`, 0);
          expect(y.slice(L * H).every((v) => v === 0), `Y past length ${L}, batch ${b}, dir ${d}`).toBe(true);
        }
        expectNear(stateEntry(out.yH, b).data, alone.yH.data, `Y_h batch ${b}`, 0);
      }
    });
  }

  it('clip: a huge threshold changes nothing, a small one bounds the pre-activation', () => {
    const inp = randomInputs(4, 3, 3, 2, 1);
    inp.w = { ...inp.w, data: inp.w.data.map((v) => v * 10) };
    const plain = simpleRnnReference(inp, { hiddenSize: 2, direction: 'forward' });
    expectNear(simpleRnnReference(inp, { hiddenSize: 2, direction: 'forward', clip: 1e30 }).y.data, plain.y.data, 'clip 1e30', 0);
    // With Affine(1, 0) the output is the clipped pre-activation itself.
    const tight = simpleRnnReference(inp, { hiddenSize: 2, direction: 'forward', clip: 0.25, activations: [{ name: 'Affine' }] });
    expect(tight.y.data.every((v) => Math.abs(v) <= 0.25)).toBe(true);
    expect(tight.y.data.filter((v) => Math.abs(v) === 0.25).length).toBeGreaterThan(0);
  });

  describe('rejects bad input with the op and the shapes in the message', () => {
    const [T, B, I, H] = [3, 2, 2, 2];
    const good = () => randomInputs(T, B, I, H, 1);
    const attrs = { hiddenSize: H, direction: 'forward' as const };
    it('weight and input shapes that do not match hiddenSize, input size or direction', () => {
      expect(() => simpleRnnReference({ ...good(), w: random([1, H + 1, I]) }, attrs)).toThrow(
        /RNN reference: W has shape \[1, 3, 2\], expected \[1, 2, 2\]/,
      );
      expect(() => simpleRnnReference({ ...good(), r: random([2, H, H]) }, attrs)).toThrow(
        /RNN reference: R has shape \[2, 2, 2\], expected \[1, 2, 2\]/,
      );
      expect(() => simpleRnnReference({ ...good(), b: random([1, H]) }, attrs)).toThrow(
        /RNN reference: B has shape \[1, 2\], expected \[1, 4\]/,
      );
      expect(() => simpleRnnReference({ ...good(), x: random([T, I]) }, attrs)).toThrow(
        /RNN reference: X has shape \[3, 2\], expected rank 3/,
      );
      expect(() => simpleRnnReference({ ...good(), x: { shape: [T, B, I], data: new Float32Array(5) } }, attrs)).toThrow(
        /X of shape \[3, 2, 2\] needs 12 values, its data has 5/,
      );
    });
    it('sequence lengths out of [1, T], an unknown direction, a wrong activation count, a bad clip', () => {
      expect(() => simpleRnnReference({ ...good(), sequenceLens: Int32Array.from([0, 1]) }, attrs)).toThrow(
        /RNN reference: sequence_lens\[0\] = 0 is out of range; each length must be in \[1, 3\]/,
      );
      expect(() => simpleRnnReference(good(), { ...attrs, direction: 'both' as never })).toThrow(/RNN reference: unknown direction 'both'/);
      expect(() => simpleRnnReference(good(), { ...attrs, activations: [] })).toThrow(/activations has 0 entries, expected 1/);
      expect(() => simpleRnnReference(good(), { ...attrs, clip: -1 })).toThrow(/clip must be > 0/);
    });
  });
});
