// Recurrent weight conversion: every convention lands on the same ONNX-form weights, the canonical
// layout round-trips, and the CPU backend runs prepared layers through the ONNX references.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.ts';
import { lstmReference } from '../../src/ops/lstm/reference.ts';
import { onnxWeightsFrom } from '../../src/ops/recurrent/convert.ts';
import { canonicalFromOnnx, onnxFromCanonical, type CellKind } from '../../src/ops/recurrent/layout.ts';
import { expectClose, F32 } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';
import { expected, layOut, randomInputs, swap01, weightsSpec, type RnnCase } from '../gpu/cases/recurrent-helpers.ts';

const CELLS: CellKind[] = ['lstm', 'gru', 'simpleRnn'];

describe('recurrent weight conventions', () => {
  for (const cell of CELLS) {
    for (const D of [1, 2]) {
      for (const lbr of cell === 'gru' ? [false, true] : [false]) {
        const c: RnnCase = { cell, variant: 'per-step', T: 2, B: 1, I: 3, H: 5, linearBeforeReset: lbr, peepholes: cell === 'lstm' };
        const o = randomInputs(new Random(11 * D + (lbr ? 1 : 0)), c, D);
        const onnx = onnxWeightsFrom('test', cell, weightsSpec('onnx', c, o, D));

        it(`${cell} D${D}${lbr ? ' linearBeforeReset' : ''}: canonical layout round-trips (biases folded)`, () => {
          const back = onnxFromCanonical(canonicalFromOnnx(onnx), cell, onnx, { hasPeepholes: onnx.p !== undefined, linearBeforeReset: lbr });
          expect(back.w).toEqual(onnx.w);
          expect(back.r).toEqual(onnx.r);
          expect(back.p).toEqual(onnx.p);
          // W-bias + R-bias fold into one W-bias, except the GRU h gate's R-bias with linear_before_reset.
          const G = { lstm: 4, gru: 3, simpleRnn: 1 }[cell];
          for (let d = 0; d < D; d++) {
            for (let g = 0; g < G; g++) {
              for (let j = 0; j < 5; j++) {
                const at = (half: number) => d * 2 * G * 5 + half * G * 5 + g * 5 + j;
                const kept = lbr && g === 2;
                expect(back.b[at(0)]).toBeCloseTo(kept ? onnx.b[at(0)] : onnx.b[at(0)] + onnx.b[at(1)], 6);
                expect(back.b[at(1)]).toBe(kept ? onnx.b[at(1)] : 0);
              }
            }
          }
        });

        for (const format of ['keras', 'pytorch'] as const) {
          if (format === 'pytorch' && cell === 'gru' && !lbr) continue; // PyTorch's GRU is always linear_before_reset
          it(`${cell} D${D}${lbr ? ' linearBeforeReset' : ''}: ${format} weights convert to the ONNX ones`, () => {
            const converted = onnxWeightsFrom('test', cell, weightsSpec(format, c, o, D));
            expect(converted.w).toEqual(onnx.w);
            expect(converted.r).toEqual(onnx.r);
            expect(converted.linearBeforeReset).toBe(lbr);
            // Keras' single bias is W-bias + R-bias: compare the sums gate by gate.
            const sum = (b: Float32Array, i: number, G: number) => b[i] + b[i + G * 5];
            const G = { lstm: 4, gru: 3, simpleRnn: 1 }[cell];
            for (let d = 0; d < D; d++) {
              for (let i = 0; i < G * 5; i++) expect(sum(converted.b, d * 2 * G * 5 + i, G)).toBeCloseTo(sum(onnx.b, d * 2 * G * 5 + i, G), 6);
            }
          });
        }
      }
    }
  }

  it('a hand-written Keras LSTM kernel lands in ONNX gate order (i, o, f, c)', () => {
    // I = 1, H = 1: kernel columns are Keras gates i, f, c, o.
    const spec = { format: 'keras' as const, forward: { kernel: { shape: [1, 4], data: [1, 2, 3, 4] }, recurrentKernel: { shape: [1, 4], data: [5, 6, 7, 8] }, bias: { shape: [4], data: [9, 10, 11, 12] } } };
    const o = onnxWeightsFrom('test', 'lstm', spec);
    expect(Array.from(o.w)).toEqual([1, 4, 2, 3]);
    expect(Array.from(o.r)).toEqual([5, 8, 6, 7]);
    expect(Array.from(o.b.subarray(0, 4))).toEqual([9, 12, 10, 11]);
  });

  it('a hand-written PyTorch GRU lands in ONNX gate order (z, r, h)', () => {
    // weight_ih rows are PyTorch gates r, z, n.
    const dict = { weight_ih_l1: { shape: [3, 1], data: [1, 2, 3] }, weight_hh_l1: { shape: [3, 1], data: [4, 5, 6] } };
    const o = onnxWeightsFrom('test', 'gru', { format: 'pytorch', stateDict: dict, layer: 1 });
    expect(Array.from(o.w)).toEqual([2, 1, 3]);
    expect(Array.from(o.r)).toEqual([5, 4, 6]);
    expect(o.linearBeforeReset).toBe(true);
  });
});

describe('the CPU backend runs the recurrent layers through the references', async () => {
  const engine = await createEngine({ backend: 'cpu' });

  for (const format of ['onnx', 'keras', 'pytorch'] as const) {
    it(`bidirectional LSTM, batch-major, ragged, ${format} weights`, async () => {
      const c: RnnCase = { cell: 'lstm', variant: 'per-step', T: 5, B: 3, I: 4, H: 6, direction: 'bidirectional', ragged: true, initial: true, layout: 'batch-major', peepholes: format === 'onnx' };
      const o = randomInputs(new Random(5), c, 2);
      const want = lstmReference(o, { hiddenSize: 6, direction: 'bidirectional' });
      const weights = engine.prepareLstm(weightsSpec(format, c, o, 2));
      const x = swap01(o.x);
      const state = (s: typeof o.initialH) => engine.tensor([3, 2, 6], swap01(s!).data);
      const got = engine.lstm(engine.tensor(x.shape, x.data), weights, { layout: 'batch-major', sequenceLens: o.sequenceLens, initialH: state(o.initialH), initialC: state(o.initialC) });
      const info = { seed: 5, shape: [] };
      expectClose('y', await got.y!.data(), layOut(want.y, 'batch-major', 'concat').data, F32, info);
      expectClose('yH', await got.yH.data(), swap01(want.yH).data, F32, info);
      expectClose('yC', await got.yC.data(), swap01(want.yC).data, F32, info);
    });
  }

  it('GRU merged with sum and a simple RNN with states only', async () => {
    const c: RnnCase = { cell: 'gru', variant: 'per-step', T: 4, B: 2, I: 3, H: 5, direction: 'bidirectional', linearBeforeReset: true };
    const o = randomInputs(new Random(6), c, 2);
    const got = engine.gru(engine.tensor(o.x.shape, o.x.data), engine.prepareGru(weightsSpec('onnx', c, o, 2)), { mergeMode: 'sum' });
    const want = expected(c, o, 'bidirectional');
    expectClose('gru y', await got.y!.data(), layOut(want.y, 'sequence-major', 'sum').data, F32, { seed: 6, shape: [] });
    const r: RnnCase = { cell: 'simpleRnn', variant: 'per-step', T: 4, B: 2, I: 3, H: 5 };
    const ro = randomInputs(new Random(7), r, 1);
    const rgot = engine.simpleRnn(engine.tensor(ro.x.shape, ro.x.data), engine.prepareSimpleRnn(weightsSpec('keras', r, ro, 1)), { returnSequences: false });
    expect(rgot.y).toBeUndefined();
    expectClose('rnn yH', await rgot.yH.data(), expected(r, ro, 'forward').yH.data, F32, { seed: 7, shape: [] });
  });

  it('embedding with negative ids', async () => {
    const out = engine.embedding(engine.tensor([3, 2], [1, 2, 3, 4, 5, 6]), [2, -3]);
    expect(Array.from(await out.data())).toEqual([5, 6, 1, 2]);
  });
});
