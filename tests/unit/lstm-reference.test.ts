import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { type LstmReferenceInputs, lstmReference } from '../../src/ops/lstm/reference.ts';
import { sliceDim0, reverseTime, batchEntry, stateEntry, yAt, referenceKit } from '../harness/recurrent-tensors.ts';

const SEED = 0x1a57;
const { rng, tensor, random, expectNear } = referenceKit(SEED);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const f32 = (v: number) => Math.fround(v);



function randomInputs(T: number, B: number, I: number, H: number, D: number): LstmReferenceInputs {
  return {
    x: random([T, B, I], 1),
    w: random([D, 4 * H, I]),
    r: random([D, 4 * H, H]),
    b: random([D, 8 * H], 0.3),
    initialH: random([D, B, H], 0.5),
    initialC: random([D, B, H], 0.5),
    p: random([D, 3 * H], 0.4),
  };
}

describe('lstmReference', () => {
  it('matches one step worked out from the scalar ONNX equations (H = 1, peepholes, both biases)', () => {
    // Distinct weights per gate (ONNX order i, o, f, c) so that a gate-order slip changes the result.
    const x = 0.7, h0 = -0.4, c0 = 0.9;
    const [wi, wo, wf, wc] = [0.5, -0.3, 0.8, 1.1];
    const [ri, ro, rf, rc] = [0.2, 0.6, -0.7, 0.4];
    const [wbi, wbo, wbf, wbc] = [0.1, -0.2, 0.3, -0.05];
    const [rbi, rbo, rbf, rbc] = [0.02, 0.04, -0.1, 0.15];
    const [pi, po, pf] = [0.25, -0.5, 0.35];
    const i = sigmoid(f32(x) * f32(wi) + f32(h0) * f32(ri) + f32(pi) * f32(c0) + f32(wbi) + f32(rbi));
    const f = sigmoid(f32(x) * f32(wf) + f32(h0) * f32(rf) + f32(pf) * f32(c0) + f32(wbf) + f32(rbf));
    const cTilde = Math.tanh(f32(x) * f32(wc) + f32(h0) * f32(rc) + f32(wbc) + f32(rbc));
    const c1 = f * f32(c0) + i * cTilde;
    const o = sigmoid(f32(x) * f32(wo) + f32(h0) * f32(ro) + f32(po) * c1 + f32(wbo) + f32(rbo)); // new cell
    const h1 = o * Math.tanh(c1);

    const out = lstmReference(
      {
        x: tensor([1, 1, 1], [x]),
        w: tensor([1, 4, 1], [wi, wo, wf, wc]),
        r: tensor([1, 4, 1], [ri, ro, rf, rc]),
        b: tensor([1, 8], [wbi, wbo, wbf, wbc, rbi, rbo, rbf, rbc]),
        initialH: tensor([1, 1, 1], [h0]),
        initialC: tensor([1, 1, 1], [c0]),
        p: tensor([1, 3], [pi, po, pf]),
      },
      { hiddenSize: 1, direction: 'forward' },
    );
    expect(out.y.shape).toEqual([1, 1, 1, 1]);
    expectNear(out.y.data, [h1], 'Y');
    expectNear(out.yH.data, [h1], 'Y_h');
    expectNear(out.yC.data, [c1], 'Y_c');
  });

  it('reads W as [gate*H + unit, input]: one nonzero weight drives one unit from one input', () => {
    // Only W_c[unit 1][input 0] = 2 and W_i = 0: i = 0.5, f = 0.5, o = 0.5 everywhere,
    // c~ = tanh(2 x0) for unit 1 and 0 for unit 0.
    const H = 2, I = 3;
    const w = new Float32Array(4 * H * I);
    w[(3 * H + 1) * I + 0] = 2;
    const x = [0.3, -1.2, 0.8];
    const out = lstmReference(
      { x: tensor([1, 1, I], x), w: { shape: [1, 4 * H, I], data: w }, r: { shape: [1, 4 * H, H], data: new Float32Array(4 * H * H) } },
      { hiddenSize: H, direction: 'forward' },
    );
    const c1 = 0.5 * Math.tanh(2 * f32(0.3));
    expectNear(out.yC.data, [0, c1], 'Y_c');
    expectNear(out.yH.data, [0, 0.5 * Math.tanh(c1)], 'Y_h');
  });

  it('with zero W and R follows the closed form of constant gates, whatever x is', () => {
    // i, f, o, c~ constant: C_t = f^t C0 + i c~ (1 - f^t) / (1 - f), H_t = o tanh(C_t).
    const T = 6, H = 2;
    const wb = [0.4, -0.3, 0.9, 0.2, 1.0, -0.8, 0.5, -0.6]; // gates i, o, f, c; 2 units each
    const rb = wb.map((v) => v * 0.5);
    const b = tensor([1, 8 * H], [...wb, ...rb]);
    const gate = (g: number, j: number) => f32(wb[g * H + j]) + f32(rb[g * H + j]);
    const c0 = [0.7, -0.2];
    const out = lstmReference(
      {
        x: random([T, 1, 3], 2),
        w: { shape: [1, 4 * H, 3], data: new Float32Array(4 * H * 3) },
        r: { shape: [1, 4 * H, H], data: new Float32Array(4 * H * H) },
        b,
        initialH: tensor([1, 1, H], [0.3, 0.3]),
        initialC: tensor([1, 1, H], c0),
      },
      { hiddenSize: H, direction: 'forward' },
    );
    const expected: number[] = [];
    for (let t = 1; t <= T; t++) {
      for (let j = 0; j < H; j++) {
        const [i, o, f, c] = [sigmoid(gate(0, j)), sigmoid(gate(1, j)), sigmoid(gate(2, j)), Math.tanh(gate(3, j))];
        const cell = f ** t * f32(c0[j]) + (i * c * (1 - f ** t)) / (1 - f);
        expected.push(o * Math.tanh(cell));
      }
    }
    expectNear(out.y.data, expected, 'Y', 1e-6);
  });

  it('input_forget uses f = 1 - i and ignores the forget gate weights, bias and peephole', () => {
    const x = 0.6, c0 = 0.5, h0 = 0.2;
    const base = {
      x: tensor([1, 1, 1], [x]),
      r: tensor([1, 4, 1], [0.3, 0.1, 0.9, -0.2]),
      initialH: tensor([1, 1, 1], [h0]),
      initialC: tensor([1, 1, 1], [c0]),
    };
    const run = (wf: number, bf: number, pf: number) =>
      lstmReference(
        { ...base, w: tensor([1, 4, 1], [0.4, -0.5, wf, 0.7]), b: tensor([1, 8], [0, 0, bf, 0, 0, 0, 0, 0]), p: tensor([1, 3], [0.1, 0.2, pf]) },
        { hiddenSize: 1, direction: 'forward', inputForget: true },
      );
    const a = run(0.9, 0.3, 0.4);
    const b = run(-2, 5, -1);
    expectNear(b.y.data, a.y.data, 'forget gate parameters have no effect', 0);
    const i = sigmoid(f32(x) * f32(0.4) + f32(h0) * f32(0.3) + f32(0.1) * c0);
    const c1 = (1 - i) * c0 + i * Math.tanh(f32(x) * f32(0.7) + f32(h0) * f32(-0.2));
    expectNear(a.yC.data, [c1], 'Y_c');
  });

  it('applies custom activations f, g, h in that order', () => {
    const out = lstmReference(
      { x: tensor([1, 1, 1], [1]), w: tensor([1, 4, 1], [0.5, 2, -1, 3]), r: tensor([1, 4, 1], [0, 0, 0, 0]) },
      {
        hiddenSize: 1,
        direction: 'forward',
        activations: [{ name: 'HardSigmoid' }, { name: 'Affine', alpha: 0.5, beta: 0.1 }, { name: 'Relu' }],
      },
    );
    const [i, o] = [0.2 * 0.5 + 0.5, Math.min(1, 0.2 * 2 + 0.5)];
    const c1 = i * (0.5 * 3 + 0.1); // f's input -1 with C0 = 0 does not matter
    expectNear(out.yH.data, [o * Math.max(0, c1)], 'Y_h');
  });

  it('bidirectional equals forward on x next to reverse on x, and reverse equals forward on reversed time', () => {
    const [T, B, I, H] = [5, 3, 4, 3];
    const inp = randomInputs(T, B, I, H, 2);
    const both = lstmReference(inp, { hiddenSize: H, direction: 'bidirectional' });
    const half = (d: number): LstmReferenceInputs => ({
      x: inp.x,
      w: sliceDim0(inp.w, d, d + 1),
      r: sliceDim0(inp.r, d, d + 1),
      b: sliceDim0(inp.b!, d, d + 1),
      initialH: sliceDim0(inp.initialH!, d, d + 1),
      initialC: sliceDim0(inp.initialC!, d, d + 1),
      p: sliceDim0(inp.p!, d, d + 1),
    });
    const fwd = lstmReference(half(0), { hiddenSize: H, direction: 'forward' });
    const rev = lstmReference(half(1), { hiddenSize: H, direction: 'reverse' });
    for (let b = 0; b < B; b++) {
      expectNear(yAt(both.y, 0, b), yAt(fwd.y, 0, b), `Y forward half, batch ${b}`, 0);
      expectNear(yAt(both.y, 1, b), yAt(rev.y, 0, b), `Y reverse half, batch ${b}`, 0);
    }
    expectNear(both.yH.data, [...fwd.yH.data, ...rev.yH.data], 'Y_h', 0);
    expectNear(both.yC.data, [...fwd.yC.data, ...rev.yC.data], 'Y_c', 0);

    const fwdOnReversed = lstmReference({ ...half(1), x: reverseTime(inp.x) }, { hiddenSize: H, direction: 'forward' });
    expectNear(rev.y.data, reverseTime(fwdOnReversed.y).data, 'reverse Y vs forward on reversed x');
    expectNear(rev.yH.data, fwdOnReversed.yH.data, 'reverse Y_h');
    expectNear(rev.yC.data, fwdOnReversed.yC.data, 'reverse Y_c');
  });

  it('each initial state is optional on its own (ONNX): a missing one is zeros', () => {
    const [T, B, I, H] = [4, 2, 3, 5];
    const inp = randomInputs(T, B, I, H, 2);
    const zeros = tensor([2, B, H], new Array<number>(2 * B * H).fill(0));
    const attrs = { hiddenSize: H, direction: 'bidirectional' as const };
    for (const missing of ['initialH', 'initialC'] as const) {
      const alone = lstmReference({ ...inp, [missing]: undefined }, attrs);
      const explicit = lstmReference({ ...inp, [missing]: zeros }, attrs);
      expectNear(alone.y.data, explicit.y.data, `Y without ${missing}`, 0);
      expectNear(alone.yC.data, explicit.yC.data, `Y_c without ${missing}`, 0);
      // And the given state matters: the result differs from having neither.
      const neither = lstmReference({ ...inp, initialH: undefined, initialC: undefined }, attrs);
      expect(Math.max(...alone.yH.data.map((v, i) => Math.abs(v - neither.yH.data[i])))).toBeGreaterThan(1e-4);
    }
  });

  for (const direction of ['forward', 'reverse', 'bidirectional'] as const) {
    it(`${direction}: ragged lengths zero Y past each length and end in the state of the short sequence alone`, () => {
      const [T, B, I, H] = [6, 3, 2, 3];
      const D = direction === 'bidirectional' ? 2 : 1;
      const lengths = Int32Array.from([6, 2, 4]);
      const inp = randomInputs(T, B, I, H, D);
      const out = lstmReference({ ...inp, sequenceLens: lengths }, { hiddenSize: H, direction });
      for (let b = 0; b < B; b++) {
        const L = lengths[b];
        const alone = lstmReference(
          { ...inp, x: batchEntry(inp.x, b, L), initialH: stateEntry(inp.initialH!, b), initialC: stateEntry(inp.initialC!, b) },
          { hiddenSize: H, direction },
        );
        for (let d = 0; d < D; d++) {
          const y = yAt(out.y, d, b);
          expectNear(y.slice(0, L * H), yAt(alone.y, d, 0), `Y valid steps, batch ${b}, dir ${d}`, 0);
          expect(y.slice(L * H).every((v) => v === 0), `Y past length ${L}, batch ${b}, dir ${d}`).toBe(true);
        }
        expectNear(stateEntry(out.yH, b).data, alone.yH.data, `Y_h batch ${b}`, 0);
        expectNear(stateEntry(out.yC, b).data, alone.yC.data, `Y_c batch ${b}`, 0);
      }
    });
  }

  it('clip: a huge threshold changes nothing, a small one bounds every gate input', () => {
    const inp = randomInputs(4, 2, 3, 3, 1);
    inp.w = { ...inp.w, data: inp.w.data.map((v) => v * 8) }; // gate inputs well beyond 0.5
    const plain = lstmReference(inp, { hiddenSize: 3, direction: 'forward' });
    const huge = lstmReference(inp, { hiddenSize: 3, direction: 'forward', clip: 1e30 });
    expectNear(huge.y.data, plain.y.data, 'clip 1e30', 0);
    const tight = lstmReference(inp, { hiddenSize: 3, direction: 'forward', clip: 0.5 });
    // |c~| <= tanh(0.5) and i <= sigmoid(0.5) bound how far one step can move the cell.
    const largest = (a: Float32Array) => Math.max(...a.map(Math.abs));
    expect(largest(tight.yC.data)).toBeLessThanOrEqual(largest(inp.initialC!.data) + 4 * sigmoid(0.5) * Math.tanh(0.5));
    expect(tight.y.data.some((v, k) => Math.abs(v - plain.y.data[k]) > 1e-3)).toBe(true);
    // A vanishing threshold leaves i = f = o = 1/2 and c~ = 0: C_t = C0 / 2^t, H_t = tanh(C_t) / 2.
    const none = lstmReference(inp, { hiddenSize: 3, direction: 'forward', clip: 1e-9 });
    const expected = [...inp.initialC!.data].map((c0) => Math.tanh(c0 / 16) / 2);
    expectNear(none.yH.data, expected, 'clip 1e-9, Y_h after 4 steps');
  });

  describe('rejects bad input with the op and the shapes in the message', () => {
    const [T, B, I, H] = [3, 2, 2, 2];
    const good = () => randomInputs(T, B, I, H, 1);
    const attrs = { hiddenSize: H, direction: 'forward' as const };
    it('weight shapes that do not match hiddenSize, input size or direction', () => {
      expect(() => lstmReference({ ...good(), w: random([1, 3 * H, I]) }, attrs)).toThrow(
        /LSTM reference: W has shape \[1, 6, 2\], expected \[1, 8, 2\]/,
      );
      expect(() => lstmReference({ ...good(), r: random([1, 4 * H, H + 1]) }, attrs)).toThrow(/LSTM reference: R has shape/);
      expect(() => lstmReference({ ...good(), b: random([1, 4 * H]) }, attrs)).toThrow(
        /LSTM reference: B has shape \[1, 8\], expected \[1, 16\]/,
      );
      expect(() => lstmReference({ ...good(), p: random([1, 2 * H]) }, attrs)).toThrow(/LSTM reference: P has shape/);
      expect(() => lstmReference(good(), { ...attrs, direction: 'bidirectional' })).toThrow(
        /W has shape \[1, 8, 2\], expected \[2, 8, 2\]/,
      );
      expect(() => lstmReference(good(), { ...attrs, hiddenSize: 3 })).toThrow(/W has shape/);
    });
    it('sequence lengths out of [1, T] or of the wrong count', () => {
      expect(() => lstmReference({ ...good(), sequenceLens: Int32Array.from([T + 1, 1]) }, attrs)).toThrow(
        /sequence_lens\[0\] = 4 is out of range.*\[1, 3\]/,
      );
      expect(() => lstmReference({ ...good(), sequenceLens: Int32Array.from([2, 0]) }, attrs)).toThrow(/sequence_lens\[1\] = 0/);
      expect(() => lstmReference({ ...good(), sequenceLens: Int32Array.from([2]) }, attrs)).toThrow(
        /sequence_lens has 1 entries, expected batch_size = 2/,
      );
    });
    it('a wrongly shaped initial_c', () => {
      expect(() => lstmReference({ ...good(), initialC: random([1, B, H + 1]) }, attrs)).toThrow(/initial_c has shape/);
    });
    it('an unknown direction, a wrong activation count or name', () => {
      expect(() => lstmReference(good(), { ...attrs, direction: 'sideways' as never })).toThrow(/unknown direction 'sideways'/);
      expect(() => lstmReference(good(), { ...attrs, activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }] })).toThrow(
        /activations has 2 entries, expected 3/,
      );
      expect(() => lstmReference(good(), { ...attrs, activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Gelu' }] })).toThrow(
        /unknown activation 'Gelu'/,
      );
      expect(() => lstmReference(good(), { ...attrs, clip: 0 })).toThrow(/clip must be > 0/);
    });
  });
});
