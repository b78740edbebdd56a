// The CPU references of the recurrent layers in training (src/ops/recurrent-train, recurrentLayer):
// Keras's equations (recurrentLayer's reference, through recurrentTrainForward's) against the
// ONNX-equation references of the inference op over the canonical weights; a hand-worked LSTM
// step; recurrentBackward against central finite differences of the forward in float64 (every
// cell, both GRU forms, both directions, initial states, each gradient alone); the ops' shape
// rules; and the nine training shaders' copies of trainActivate (WGSL has no imports).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WgnnError } from '../../src/errors.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { canonicalRecurrent } from '../../src/model/recurrent-lowering.ts';
import { normalizeRecurrentActivation } from '../../src/ops/recurrent/activations.ts';
import { recurrentAttrsFor } from '../../src/ops/recurrent/api.ts';
import { RECURRENT_INPUTS } from '../../src/ops/recurrent/attrs.ts';
import { recurrentOp } from '../../src/ops/recurrent/op.ts';
import { GATES, type CellKind } from '../../src/ops/recurrent/layout.ts';
import { weightSlot, type RecurrentLayerAttrs } from '../../src/ops/recurrent-layer/attrs.ts';
import { recurrentLayerOp } from '../../src/ops/recurrent-layer/op.ts';
import { recurrentLayerReference } from '../../src/ops/recurrent-layer/reference.ts';
import { SAVED_SLOTS, TRAINABLE_ACTIVATIONS, type RecurrentTrainAttrs } from '../../src/ops/recurrent-train/attrs.ts';
import { recurrentBackwardOp } from '../../src/ops/recurrent-train/backward.ts';
import { recurrentTrainForwardOp } from '../../src/ops/recurrent-train/forward.ts';
import { recurrentBackwardMath, recurrentTrainForwardMath, trainDims } from '../../src/ops/recurrent-train/reference.ts';
import { Random, seedOf } from '../harness/random.ts';

const act = (name: string) => normalizeRecurrentActivation({ name });
const ACTIVATIONS: Record<CellKind, ReturnType<typeof act>[]> = {
  lstm: [act('Sigmoid'), act('Tanh'), act('Tanh')],
  gru: [act('Sigmoid'), act('Tanh')],
  simpleRnn: [act('Tanh')],
};

interface LayerCase {
  cell: CellKind;
  resetAfter?: boolean;
  bidirectional?: boolean;
  mergeMode?: RecurrentLayerAttrs['mergeMode'];
  returnSequences?: boolean;
  useBias?: boolean;
  activations?: ReturnType<typeof act>[];
}

function layerInputs(rng: Random, c: LayerCase, B: number, T: number, I: number, H: number): { attrs: RecurrentLayerAttrs; inputs: (HostTensor | undefined)[] } {
  const G = GATES[c.cell];
  const attrs: RecurrentLayerAttrs = {
    cell: c.cell, units: H, inputSize: I, activations: c.activations ?? ACTIVATIONS[c.cell], resetAfter: c.cell === 'gru' && (c.resetAfter ?? true),
    direction: c.bidirectional ? 'bidirectional' : 'forward', mergeMode: c.mergeMode ?? 'concat', returnSequences: c.returnSequences ?? true,
  };
  const t = (shape: number[], scale = 1): HostTensor => ({ shape, data: rng.floats(shape.reduce((p, d) => p * d, 1), -scale, scale) });
  const inputs: (HostTensor | undefined)[] = [t([B, T, I])];
  for (let d = 0; d < (c.bidirectional ? 2 : 1); d++) {
    inputs[weightSlot(d, 'kernel')] = t([I, G * H], 0.8);
    inputs[weightSlot(d, 'recurrentKernel')] = t([H, G * H], 0.8);
    inputs[weightSlot(d, 'bias')] = c.useBias === false ? undefined : t(attrs.resetAfter ? [2, G * H] : [G * H], 0.5);
  }
  return { attrs, inputs };
}

/** The inference op's outputs for the same layer: Keras weights converted to the canonical layout. */
function viaRecurrentOp(attrs: RecurrentLayerAttrs, inputs: (HostTensor | undefined)[]): HostTensor[] {
  const D = attrs.direction === 'bidirectional' ? 2 : 1;
  const cell = (d: number) => ({ kernel: inputs[weightSlot(d, 'kernel')]!, recurrentKernel: inputs[weightSlot(d, 'recurrentKernel')]!, bias: inputs[weightSlot(d, 'bias')] });
  const { info, constants } = canonicalRecurrent('test', attrs.cell, { format: 'keras', forward: cell(0), backward: D === 2 ? cell(1) : undefined, resetAfter: attrs.cell === 'gru' ? attrs.resetAfter : undefined });
  const recurrentAttrs = recurrentAttrsFor('test', attrs.cell, info, { layout: 'batch-major', direction: D === 2 ? 'bidirectional' : 'forward', mergeMode: attrs.mergeMode, returnSequences: attrs.returnSequences, activations: attrs.activations });
  const slots: (HostTensor | undefined)[] = [];
  slots[RECURRENT_INPUTS.x] = inputs[0];
  for (const key of ['input', 'bias', 'recurrent'] as const) slots[RECURRENT_INPUTS[key]] = constants[key];
  return recurrentOp.reference(slots, recurrentAttrs);
}

function expectAllClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  expect(worst, `${label}: worst relative difference`).toBeLessThanOrEqual(tol);
}

describe("recurrentLayer's reference: Keras's equations", () => {
  const cases: LayerCase[] = [
    { cell: 'lstm' },
    { cell: 'lstm', bidirectional: true, returnSequences: false },
    { cell: 'lstm', useBias: false },
    { cell: 'gru' },
    { cell: 'gru', resetAfter: false },
    { cell: 'gru', bidirectional: true, mergeMode: 'sum' },
    { cell: 'gru', resetAfter: false, bidirectional: true, mergeMode: 'mul' },
    { cell: 'simpleRnn' },
    { cell: 'simpleRnn', activations: [act('Relu')], bidirectional: true, mergeMode: 'ave' },
    { cell: 'lstm', activations: [act('HardSigmoid'), act('Softsign'), act('Elu')] },
  ];
  for (const c of cases) {
    const name = `${c.cell}${c.resetAfter === false ? ' reset_after=False' : ''}${c.bidirectional ? ` bidirectional ${c.mergeMode ?? 'concat'}` : ''}${c.returnSequences === false ? ' last output' : ''}${c.useBias === false ? ' no bias' : ''}${c.activations ? ` ${c.activations.map((a) => a.name).join('/')}` : ''}`;
    it(`${name}: the same outputs as the recurrent op's ONNX references over the canonical weights`, () => {
      const { attrs, inputs } = layerInputs(new Random(seedOf(name)), c, 3, 5, 3, 6);
      const got = recurrentLayerReference(inputs, attrs);
      const want = viaRecurrentOp(attrs, inputs);
      expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
      got.forEach((t, i) => expectAllClose(`${name} output ${i}`, t.data, want[i].data, 2e-6));
    });
  }

  it('one LSTM step worked out by hand (H = 1, I = 1): Keras gate order i, f, c, o', () => {
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const [x, k, rk, b] = [0.7, [0.5, -0.4, 0.9, 0.3], [0, 0, 0, 0], [0.1, 0.2, -0.3, 0.05]];
    const pre = k.map((w, g) => Math.fround(x) * Math.fround(w) + Math.fround(b[g]));
    const c = sigmoid(pre[0]) * Math.tanh(pre[2]);
    const h = sigmoid(pre[3]) * Math.tanh(c);
    const attrs: RecurrentLayerAttrs = { cell: 'lstm', units: 1, inputSize: 1, activations: ACTIVATIONS.lstm, resetAfter: false, direction: 'forward', mergeMode: 'concat', returnSequences: true };
    const f32 = (shape: number[], v: number[]) => ({ shape, data: Float32Array.from(v) });
    const [hN, cN, y] = recurrentLayerReference([f32([1, 1, 1], [x]), f32([1, 4], k), f32([1, 4], rk), f32([4], b)], attrs);
    expect(hN.data[0]).toBeCloseTo(h, 6);
    expect(cN.data[0]).toBeCloseTo(c, 6);
    expect(y.data[0]).toBeCloseTo(h, 6);
  });
});

interface TrainCase {
  cell: CellKind;
  resetAfter?: boolean;
  D: number;
  B: number;
  T: number;
  H: number;
  initial?: boolean;
  activations?: ReturnType<typeof act>[];
  /** Which of y, hN, cN the loss reads. */
  reads?: ('y' | 'hN' | 'cN')[];
}

const trainName = (c: TrainCase) =>
  `${c.cell}${c.cell === 'gru' ? ` reset_after=${c.resetAfter ?? true}` : ''} D${c.D} B${c.B} T${c.T} H${c.H}${c.initial ? ' with h0/c0' : ''}${c.activations ? ` ${c.activations.map((a) => a.name).join('/')}` : ''}${c.reads ? ` loss on ${c.reads.join('+')}` : ''}`;

describe('recurrentBackward against central finite differences of recurrentTrainForward (float64)', () => {
  const cases: TrainCase[] = [
    { cell: 'lstm', D: 1, B: 2, T: 4, H: 3 },
    { cell: 'lstm', D: 2, B: 1, T: 3, H: 2, initial: true },
    { cell: 'lstm', D: 1, B: 2, T: 3, H: 2, reads: ['cN'] },
    { cell: 'lstm', D: 1, B: 1, T: 2, H: 3, activations: [act('HardSigmoid'), act('Softsign'), act('Softplus')] },
    { cell: 'gru', D: 1, B: 2, T: 4, H: 3, initial: true },
    { cell: 'gru', resetAfter: false, D: 1, B: 2, T: 4, H: 3, initial: true },
    { cell: 'gru', D: 2, B: 2, T: 3, H: 2 },
    { cell: 'gru', resetAfter: false, D: 2, B: 1, T: 5, H: 1, reads: ['hN'] },
    { cell: 'simpleRnn', D: 1, B: 3, T: 5, H: 4, initial: true },
    { cell: 'simpleRnn', D: 2, B: 2, T: 3, H: 3, activations: [act('Relu')] },
    { cell: 'simpleRnn', D: 1, B: 1, T: 1, H: 1, reads: ['y'] },
  ];
  for (const c of cases) {
    const name = trainName(c);
    it(name, () => {
      const rng = new Random(seedOf(name));
      const G = GATES[c.cell];
      const S = SAVED_SLOTS[c.cell];
      const attrs: RecurrentTrainAttrs = { cell: c.cell, hiddenSize: c.H, numDirections: c.D, activations: c.activations ?? ACTIVATIONS[c.cell], resetAfter: c.cell === 'gru' && (c.resetAfter ?? true) };
      const dims = trainDims(attrs, c.B, c.T);
      const { B, T, D, H } = dims;
      const f64 = (n: number, scale = 1) => Float64Array.from(rng.floats(n, -scale, scale));
      const values = {
        projection: f64(B * T * D * G * H, 1.5),
        recurrent: f64(H * D * G * H, 0.9),
        bias: attrs.resetAfter ? f64(D * 2 * G * H, 0.5) : undefined,
        h0: c.initial ? f64(B * D * H) : undefined,
        c0: c.initial && c.cell === 'lstm' ? f64(B * D * H) : undefined,
      };
      const reads = c.reads ?? ['y', 'hN', 'cN'];
      const probe = { y: f64(B * T * D * H), hN: f64(B * D * H), cN: f64(B * D * H) };
      const loss = (v: typeof values) => {
        const r = recurrentTrainForwardMath(v, attrs, dims);
        let sum = 0;
        for (const key of reads) {
          const out = key === 'y' ? r.y : key === 'hN' ? r.hN : r.cN;
          out?.forEach((value, i) => (sum += value * probe[key][i]));
        }
        return sum;
      };
      const forward = recurrentTrainForwardMath(values, attrs, dims);
      expect(forward.saved.length).toBe(B * T * D * S * H);
      const g = recurrentBackwardMath(
        { dY: reads.includes('y') ? probe.y : undefined, dHN: reads.includes('hN') ? probe.hN : undefined, dCN: reads.includes('cN') && c.cell === 'lstm' ? probe.cN : undefined, recurrent: values.recurrent, saved: forward.saved },
        attrs,
        dims,
      );
      const numeric = (key: 'projection' | 'h0' | 'c0' | 'bias' | 'recurrent') => {
        const base = values[key]!;
        return Float64Array.from(base, (_, i) => {
          const eps = 1e-6;
          const at = (delta: number) => ({ ...values, [key]: Float64Array.from(base, (v, k) => (k === i ? v + delta : v)) });
          return (loss(at(eps)) - loss(at(-eps))) / (2 * eps);
        });
      };
      const tol = 1e-6;
      expectAllClose('dP', g.dP, numeric('projection'), tol);
      if (values.h0) expectAllClose('dh0', g.dh0, numeric('h0'), tol);
      if (values.c0) expectAllClose('dc0', g.dc0!, numeric('c0'), tol);
      // dGr summed over the rows is the recurrent bias row's gradient.
      if (values.bias) {
        const dBias = numeric('bias');
        for (let d = 0; d < D; d++) {
          for (let col = 0; col < G * H; col++) {
            let [input, rec] = [0, 0];
            for (let row = 0; row < B * T; row++) {
              input += g.dP[row * D * G * H + d * G * H + col];
              rec += g.dGr![row * D * G * H + d * G * H + col];
            }
            expect(input, `input bias ${d},${col}`).toBeCloseTo(dBias[(d * 2) * G * H + col], 6);
            expect(rec, `recurrent bias ${d},${col}`).toBeCloseTo(dBias[(d * 2 + 1) * G * H + col], 6);
          }
        }
      }
      // dR from the saved h(t-1) (and r h(t-1)): what the gradient rule's GEMMs compute.
      const dR = new Float64Array(H * D * G * H);
      const left = (row: number, d: number, gate: number, k: number) => forward.saved[((row * D + d) * S + (c.cell === 'gru' && !attrs.resetAfter && gate === 2 ? 3 : S - 1)) * H + k];
      const right = g.dGr ?? g.dP;
      for (let row = 0; row < B * T; row++) {
        for (let d = 0; d < D; d++) {
          for (let gate = 0; gate < G; gate++) {
            for (let k = 0; k < H; k++) for (let j = 0; j < H; j++) dR[k * D * G * H + (d * G + gate) * H + j] += left(row, d, gate, k) * right[row * D * G * H + (d * G + gate) * H + j];
          }
        }
      }
      expectAllClose('dR', dR, numeric('recurrent'), tol);
    });
  }
});

describe('shape rules', () => {
  const spec = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  const lstm: RecurrentTrainAttrs = { cell: 'lstm', hiddenSize: 3, numDirections: 1, activations: ACTIVATIONS.lstm, resetAfter: false };

  it('recurrentTrainForward: outputs y [B, T, D, H], hN, cN, saved [B, T, D, S, H]; bad projection, bias, states and activations are named', () => {
    expect(recurrentTrainForwardOp.infer('l', [spec([2, 5, 12]), spec([3, 12])], lstm).map((s) => s.shape)).toEqual([[2, 5, 1, 3], [2, 1, 3], [2, 1, 3], [2, 5, 1, 6, 3]]);
    expect(() => recurrentTrainForwardOp.infer('l', [spec([2, 5, 11]), spec([3, 12])], lstm)).toThrow(/l: the projection must be float32 \[batch, steps, 12\]/);
    expect(() => recurrentTrainForwardOp.infer('l', [spec([2, 5, 12]), spec([3, 12]), spec([1, 2, 12])], lstm)).toThrow(WgnnError);
    expect(() => recurrentTrainForwardOp.infer('l', [spec([2, 5, 12]), spec([3, 12]), undefined, spec([2, 3])], lstm)).toThrow(/h0 is \[2, 3\] float32, expected \[2, 1, 3\]/);
    expect(() => recurrentTrainForwardOp.infer('l', [spec([2, 5, 12]), spec([3, 12])], { ...lstm, activations: [act('ScaledTanh'), act('Tanh'), act('Tanh')] })).toThrow(/does not differentiate activation ScaledTanh/);
    const gru: RecurrentTrainAttrs = { cell: 'gru', hiddenSize: 2, numDirections: 2, activations: ACTIVATIONS.gru, resetAfter: true };
    expect(recurrentTrainForwardOp.infer('g', [spec([1, 3, 12]), spec([2, 12]), spec([2, 2, 6])], gru).map((s) => s.shape)).toEqual([[1, 3, 2, 2], [1, 2, 2], [1, 3, 2, 5, 2]]);
  });

  it('recurrentBackward: needs a gradient; outputs dP, dh0, dc0 (and dGr for a GRU with reset_after)', () => {
    expect(recurrentBackwardOp.infer('l', [undefined, spec([2, 1, 3]), undefined, spec([3, 12]), spec([2, 5, 1, 6, 3])], lstm).map((s) => s.shape)).toEqual([[2, 5, 12], [2, 1, 3], [2, 1, 3]]);
    expect(() => recurrentBackwardOp.infer('l', [undefined, undefined, undefined, spec([3, 12]), spec([2, 5, 1, 6, 3])], lstm)).toThrow(/needs the gradient of y, of the final h or of the final c/);
    expect(() => recurrentBackwardOp.infer('l', [spec([2, 5, 3]), undefined, undefined, spec([3, 12]), spec([2, 5, 1, 6, 3])], lstm)).toThrow(/dY is \[2, 5, 3\] float32, expected \[2, 5, 1, 3\]/);
    const gru: RecurrentTrainAttrs = { cell: 'gru', hiddenSize: 2, numDirections: 1, activations: ACTIVATIONS.gru, resetAfter: true };
    expect(recurrentBackwardOp.infer('g', [spec([1, 3, 1, 2]), undefined, undefined, spec([2, 6]), spec([1, 3, 1, 5, 2])], gru)).toHaveLength(3);
  });

  it('recurrentLayer: checks each direction\'s weights against units and input size; merged modes need two directions', () => {
    const attrs: RecurrentLayerAttrs = { cell: 'gru', units: 2, inputSize: 3, activations: ACTIVATIONS.gru, resetAfter: true, direction: 'forward', mergeMode: 'concat', returnSequences: true };
    expect(recurrentLayerOp.infer('g', [spec([4, 5, 3]), spec([3, 6]), spec([2, 6]), spec([2, 6])], attrs).map((s) => s.shape)).toEqual([[4, 1, 2], [4, 5, 2]]);
    expect(() => recurrentLayerOp.infer('g', [spec([4, 5, 3]), spec([3, 6]), spec([2, 6]), spec([6])], attrs)).toThrow(/g: bias is \[6\], expected \[2, 6\] for 2 units and input size 3/);
    expect(() => recurrentLayerOp.infer('g', [spec([4, 5, 3]), spec([3, 6]), spec([2, 6])], { ...attrs, mergeMode: 'sum' })).toThrow(/mergeMode 'sum' needs two directions/);
    expect(() => recurrentLayerOp.plan([], [], attrs, undefined as never)).toThrow(/lowered before planning/);
  });
});

describe('training shaders', () => {
  const SHADERS = resolve(import.meta.dirname, '../../shaders');
  const block = (file: string) => /\/\/ BEGIN trainActivate\n[\s\S]*?\/\/ END trainActivate/.exec(readFileSync(join(SHADERS, file), 'utf8'))?.[0];
  const files = [
    ...['lstm', 'gru', 'rnn'].flatMap((cell) => [`${cell}_train_forward.wgsl`, `${cell}_train_backward.wgsl`]),
    ...['lstm_train_forward_vec4.wgsl', 'lstm_train_backward_vec4.wgsl', 'gru_train_backward_vec4.wgsl'],
  ];

  it('all nine carry the same trainActivate, with the codes of the inference shaders for every trainable activation', () => {
    const canonical = block(files[0]);
    expect(canonical).toBeDefined();
    for (const file of files) expect(block(file), file).toBe(canonical);
    const inference = /\/\/ BEGIN recurrentActivate\n[\s\S]*?\/\/ END recurrentActivate/.exec(readFileSync(join(SHADERS, 'lstm.wgsl'), 'utf8'))![0];
    const codes = (text: string) => new Map([...text.matchAll(/case (\d+)u: .*\/\/ (\w+)/g)].map((m) => [m[2], Number(m[1])]));
    const [train, infer] = [codes(canonical!), codes(inference)];
    expect([...train.keys()].sort()).toEqual([...TRAINABLE_ACTIVATIONS].sort());
    for (const [name, code] of train) expect(code, name).toBe(infer.get(name));
  });
});
