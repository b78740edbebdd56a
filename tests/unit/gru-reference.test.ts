import { describe, expect, it } from 'vitest';
import { type GruReferenceInputs, gruReference } from '../../src/ops/gru/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { sliceDim0, reverseTime, batchEntry, stateEntry, yAt, referenceKit } from '../harness/recurrent-tensors.ts';

const SEED = 0x6e0;
const { rng, tensor, random, expectNear } = referenceKit(SEED);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const f32 = (v: number) => Math.fround(v);



function randomInputs(T: number, B: number, I: number, H: number, D: number): GruReferenceInputs {
  return {
    x: random([T, B, I], 1),
    w: random([D, 3 * H, I]),
    r: random([D, 3 * H, H]),
    b: random([D, 6 * H], 0.3),
    initialH: random([D, B, H], 0.5),
  };
}

describe('gruReference', () => {
  it('matches one step worked out from the scalar ONNX equations, both linear_before_reset variants (H = 1)', () => {
    // Distinct weights per gate (ONNX order z, r, h) so that a gate-order slip changes the result.
    const x = 0.8, h0 = -0.6;
    const [wz, wr, wh] = [0.5, -0.9, 1.2];
    const [rz, rr, rh] = [0.3, 0.7, -0.8];
    const [wbz, wbr, wbh] = [0.1, 0.2, -0.3];
    const [rbz, rbr, rbh] = [-0.05, 0.15, 0.4];
    const z = sigmoid(f32(x) * f32(wz) + f32(h0) * f32(rz) + f32(wbz) + f32(rbz));
    const r = sigmoid(f32(x) * f32(wr) + f32(h0) * f32(rr) + f32(wbr) + f32(rbr));
    const hResetFirst = Math.tanh(f32(x) * f32(wh) + r * f32(h0) * f32(rh) + f32(rbh) + f32(wbh));
    const hLinearFirst = Math.tanh(f32(x) * f32(wh) + r * (f32(h0) * f32(rh) + f32(rbh)) + f32(wbh));
    const inputs = {
      x: tensor([1, 1, 1], [x]),
      w: tensor([1, 3, 1], [wz, wr, wh]),
      r: tensor([1, 3, 1], [rz, rr, rh]),
      b: tensor([1, 6], [wbz, wbr, wbh, rbz, rbr, rbh]),
      initialH: tensor([1, 1, 1], [h0]),
    };
    const lbr0 = gruReference(inputs, { hiddenSize: 1, direction: 'forward' });
    const lbr1 = gruReference(inputs, { hiddenSize: 1, direction: 'forward', linearBeforeReset: true });
    expectNear(lbr0.yH.data, [(1 - z) * hResetFirst + z * f32(h0)], 'Y_h, linear_before_reset = 0');
    expectNear(lbr1.yH.data, [(1 - z) * hLinearFirst + z * f32(h0)], 'Y_h, linear_before_reset = 1');
    expectNear(lbr0.y.data, lbr0.yH.data, 'Y = Y_h after one step', 0);
  });

  it('reads R as [gate*H + unit, state unit]: one nonzero weight drives one unit from one state', () => {
    // W = 0, B = 0 and R_z = R_r = 0 give z = r = 1/2; only R_h[unit 1][state 0] = 2, so reading R
    // transposed or with the wrong row stride moves the 2 onto the wrong unit or state.
    const H = 2;
    const r = new Float32Array(3 * H * H);
    r[(2 * H + 1) * H + 0] = 2;
    const out = gruReference(
      {
        x: random([1, 1, 2]),
        w: { shape: [1, 3 * H, 2], data: new Float32Array(3 * H * 2) },
        r: { shape: [1, 3 * H, H], data: r },
        initialH: tensor([1, 1, H], [0.5, 0]),
      },
      { hiddenSize: H, direction: 'forward' },
    );
    // h~_0 = 0, h~_1 = tanh(2 * r * h0_0) = tanh(0.5); H = h~ / 2 + h0 / 2.
    expectNear(out.yH.data, [0.25, Math.tanh(0.5) / 2], 'Y_h');
  });

  for (const linearBeforeReset of [false, true]) {
    it(`with zero W and R follows the closed form of constant gates (linear_before_reset = ${+linearBeforeReset})`, () => {
      // z, r, h~ constant: H_t = h~ (1 - z^t) + z^t H0.
      const T = 5, H = 2;
      const wb = [0.6, -0.4, 0.3, 0.9, -0.7, 0.2]; // z, r, h; 2 units each
      const rb = [0.1, 0.2, -0.5, 0.4, 0.8, -0.3];
      const h0 = [0.5, -0.9];
      const out = gruReference(
        {
          x: random([T, 1, 3], 2),
          w: { shape: [1, 3 * H, 3], data: new Float32Array(3 * H * 3) },
          r: { shape: [1, 3 * H, H], data: new Float32Array(3 * H * H) },
          b: tensor([1, 6 * H], [...wb, ...rb]),
          initialH: tensor([1, 1, H], h0),
        },
        { hiddenSize: H, direction: 'forward', linearBeforeReset },
      );
      const expected: number[] = [];
      for (let t = 1; t <= T; t++) {
        for (let j = 0; j < H; j++) {
          const gate = (g: number) => f32(wb[g * H + j]) + f32(rb[g * H + j]);
          const z = sigmoid(gate(0));
          const r = sigmoid(gate(1));
          // (r . H) R_h = 0 when R_h = 0, so only linear_before_reset = 1 scales Rbh by r.
          const hTilde = Math.tanh(f32(wb[2 * H + j]) + (linearBeforeReset ? r : 1) * f32(rb[2 * H + j]));
          expected.push(hTilde * (1 - z ** t) + z ** t * f32(h0[j]));
        }
      }
      expectNear(out.y.data, expected, 'Y');
    });
  }

  describe('linear_before_reset 0 and 1', () => {
    // lbr=0 adds sum_m R_h[j][m] r_m H_m + Rbh_j, lbr=1 adds r_j (sum_m R_h[j][m] H_m + Rbh_j).
    // They agree when Rbh = 0 and the reset gate is the same for every unit (always so for H = 1),
    // and differ as soon as Rbh != 0 or the reset gate varies across units.
    const withRbh = (inp: GruReferenceInputs, rbh: number): GruReferenceInputs => {
      const H = inp.initialH!.shape[2];
      const b = Float32Array.from(inp.b!.data);
      for (let j = 0; j < H; j++) b[5 * H + j] = rbh;
      return { ...inp, b: { shape: inp.b!.shape, data: b } };
    };
    const run = (inp: GruReferenceInputs, linearBeforeReset: boolean) =>
      gruReference(inp, { hiddenSize: inp.initialH!.shape[2], direction: 'forward', linearBeforeReset });
    const differ = (a: Float32Array, b: Float32Array) => a.some((v, k) => Math.abs(v - b[k]) > 1e-4);

    it('agree for H = 1 when Rbh = 0, differ when Rbh != 0', () => {
      const inp = randomInputs(4, 2, 3, 1, 1);
      expectNear(run(withRbh(inp, 0), true).y.data, run(withRbh(inp, 0), false).y.data, 'H = 1, Rbh = 0');
      expect(differ(run(withRbh(inp, 0.7), true).y.data, run(withRbh(inp, 0.7), false).y.data)).toBe(true);
    });

    it('agree for H = 3 when Rbh = 0 and the reset gate is uniform, differ when it varies across units', () => {
      const H = 3;
      const inp = withRbh(randomInputs(4, 2, 3, H, 1), 0);
      const copy = (t: HostTensor): HostTensor => ({ shape: t.shape, data: Float32Array.from(t.data) });
      const uniform = { ...inp, w: copy(inp.w), r: copy(inp.r), b: copy(inp.b!) };
      // Reset gate rows (block 1) of W and R zero, equal reset biases: r_j = sigmoid(0.4 + 0.1) for all j.
      uniform.w.data.fill(0, H * 3, 2 * H * 3);
      uniform.r.data.fill(0, H * H, 2 * H * H);
      uniform.b.data.fill(0.4, H, 2 * H);
      uniform.b.data.fill(0.1, 4 * H, 5 * H);
      expectNear(run(uniform, true).y.data, run(uniform, false).y.data, 'uniform reset gate, Rbh = 0');
      expect(differ(run(inp, true).y.data, run(inp, false).y.data)).toBe(true);
    });
  });

  it('bidirectional equals forward on x next to reverse on x, and reverse equals forward on reversed time', () => {
    const [T, B, I, H] = [5, 3, 4, 3];
    const inp = randomInputs(T, B, I, H, 2);
    const both = gruReference(inp, { hiddenSize: H, direction: 'bidirectional', linearBeforeReset: true });
    const half = (d: number): GruReferenceInputs => ({
      x: inp.x,
      w: sliceDim0(inp.w, d, d + 1),
      r: sliceDim0(inp.r, d, d + 1),
      b: sliceDim0(inp.b!, d, d + 1),
      initialH: sliceDim0(inp.initialH!, d, d + 1),
    });
    const fwd = gruReference(half(0), { hiddenSize: H, direction: 'forward', linearBeforeReset: true });
    const rev = gruReference(half(1), { hiddenSize: H, direction: 'reverse', linearBeforeReset: true });
    for (let b = 0; b < B; b++) {
      expectNear(yAt(both.y, 0, b), yAt(fwd.y, 0, b), `Y forward half, batch ${b}`, 0);
      expectNear(yAt(both.y, 1, b), yAt(rev.y, 0, b), `Y reverse half, batch ${b}`, 0);
    }
    expectNear(both.yH.data, [...fwd.yH.data, ...rev.yH.data], 'Y_h', 0);

    const fwdOnReversed = gruReference({ ...half(1), x: reverseTime(inp.x) }, { hiddenSize: H, direction: 'forward', linearBeforeReset: true });
    expectNear(rev.y.data, reverseTime(fwdOnReversed.y).data, 'reverse Y vs forward on reversed x');
    expectNear(rev.yH.data, fwdOnReversed.yH.data, 'reverse Y_h');
  });

  for (const direction of ['forward', 'reverse', 'bidirectional'] as const) {
    it(`${direction}: ragged lengths zero Y past each length and end in the state of the short sequence alone`, () => {
      const [T, B, I, H] = [6, 3, 2, 3];
      const D = direction === 'bidirectional' ? 2 : 1;
      const lengths = Int32Array.from([3, 6, 1]);
      const inp = randomInputs(T, B, I, H, D);
      const out = gruReference({ ...inp, sequenceLens: lengths }, { hiddenSize: H, direction });
      for (let b = 0; b < B; b++) {
        const L = lengths[b];
        const alone = gruReference({ ...inp, x: batchEntry(inp.x, b, L), initialH: stateEntry(inp.initialH!, b) }, { hiddenSize: H, direction });
        for (let d = 0; d < D; d++) {
          const y = yAt(out.y, d, b);
          expectNear(y.slice(0, L * H), yAt(alone.y, d, 0), `Y valid steps, batch ${b}, dir ${d}`, 0);
          expect(y.slice(L * H).every((v) => v === 0), `Y past length ${L}, batch ${b}, dir ${d}`).toBe(true);
        }
        expectNear(stateEntry(out.yH, b).data, alone.yH.data, `Y_h batch ${b}`, 0);
      }
    });
  }

  it('clip: a huge threshold changes nothing, a vanishing one leaves z = r = 1/2 and h~ = 0', () => {
    const inp = randomInputs(4, 2, 3, 3, 1);
    const plain = gruReference(inp, { hiddenSize: 3, direction: 'forward' });
    expectNear(gruReference(inp, { hiddenSize: 3, direction: 'forward', clip: 1e30 }).y.data, plain.y.data, 'clip 1e30', 0);
    // H_t = H_{t-1} / 2, so after 4 steps H0 / 16.
    const none = gruReference(inp, { hiddenSize: 3, direction: 'forward', clip: 1e-9 });
    expectNear(none.yH.data, [...inp.initialH!.data].map((h) => h / 16), 'clip 1e-9, Y_h after 4 steps');
  });

  it('applies custom activations f and g per direction', () => {
    const inputs = { x: tensor([1, 1, 1], [1]), w: tensor([2, 3, 1], [0.5, 0, 2, 0.5, 0, 2]), r: tensor([2, 3, 1], [0, 0, 0, 0, 0, 0]) };
    const out = gruReference(inputs, {
      hiddenSize: 1,
      direction: 'bidirectional',
      activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'hardsigmoid', alpha: 0.5, beta: 0.25 }, { name: 'Softsign' }],
    });
    // H = (1 - z) h~ with H0 = 0; forward: z = sigmoid(0.5), h~ = tanh(2); reverse: z = 0.5, h~ = 2/3.
    expectNear(out.yH.data, [(1 - sigmoid(0.5)) * Math.tanh(2), 0.5 * (2 / 3)], 'Y_h');
  });

  describe('rejects bad input with the op and the shapes in the message', () => {
    const [T, B, I, H] = [3, 2, 2, 2];
    const good = () => randomInputs(T, B, I, H, 1);
    const attrs = { hiddenSize: H, direction: 'forward' as const };
    it('weight shapes that do not match hiddenSize, input size or direction', () => {
      expect(() => gruReference({ ...good(), w: random([1, 4 * H, I]) }, attrs)).toThrow(
        /GRU reference: W has shape \[1, 8, 2\], expected \[1, 6, 2\]/,
      );
      expect(() => gruReference({ ...good(), w: random([1, 3 * H, I + 1]) }, attrs)).toThrow(/GRU reference: W has shape \[1, 6, 3\]/);
      expect(() => gruReference({ ...good(), r: random([1, 3 * H, H + 1]) }, attrs)).toThrow(/GRU reference: R has shape/);
      expect(() => gruReference({ ...good(), b: random([1, 8 * H]) }, attrs)).toThrow(
        /GRU reference: B has shape \[1, 16\], expected \[1, 12\]/,
      );
      expect(() => gruReference({ ...good(), initialH: random([1, B + 1, H]) }, attrs)).toThrow(
        /initial_h has shape \[1, 3, 2\], expected \[1, 2, 2\]/,
      );
      expect(() => gruReference(good(), { ...attrs, direction: 'bidirectional' })).toThrow(/expected \[2, 6, 2\]/);
    });
    it('sequence lengths out of [1, T], an unknown direction, a wrong activation count', () => {
      expect(() => gruReference({ ...good(), sequenceLens: Int32Array.from([1, T + 1]) }, attrs)).toThrow(
        /GRU reference: sequence_lens\[1\] = 4 is out of range/,
      );
      expect(() => gruReference({ ...good(), sequenceLens: Int32Array.from([-1, 1]) }, attrs)).toThrow(/sequence_lens\[0\] = -1/);
      expect(() => gruReference(good(), { ...attrs, direction: 'Forward' as never })).toThrow(/unknown direction 'Forward'/);
      expect(() => gruReference(good(), { ...attrs, activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Tanh' }] })).toThrow(
        /activations has 3 entries, expected 2/,
      );
      expect(() => gruReference(good(), { ...attrs, hiddenSize: 0 })).toThrow(/hiddenSize must be an integer >= 1/);
    });
  });
});
