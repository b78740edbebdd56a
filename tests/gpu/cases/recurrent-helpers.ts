// Shared by the recurrent GPU cases: random ONNX-layout weights, their conversion into Keras and
// PyTorch conventions (written here from the frameworks' documented layouts, independently of
// src/ops/recurrent/convert.ts), the expected outputs from the ONNX references, and a runner that
// compares every output the engine returns.
import type { Engine, GruWeightsSpec, LstmWeightsSpec, MergeMode, RecurrentActivation, RecurrentDirection, RecurrentLayout, RecurrentVariant, Tensor, WeightArray } from '../../../src/index.ts';
import type { HostTensor } from '../../../src/ops/host-tensor.ts';
import { gruReference } from '../../../src/ops/gru/reference.ts';
import { lstmReference } from '../../../src/ops/lstm/reference.ts';
import { residentTakes } from '../../../src/ops/recurrent/variant.ts';
import { simpleRnnReference } from '../../../src/ops/simple-rnn/reference.ts';
import { expectClose, reduction, type Tolerance } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

export type Cell = 'lstm' | 'gru' | 'simpleRnn';
export type Format = 'onnx' | 'keras' | 'pytorch';

export interface RnnCase {
  cell: Cell;
  variant: RecurrentVariant;
  T: number;
  B: number;
  I: number;
  H: number;
  direction?: RecurrentDirection;
  layout?: RecurrentLayout;
  mergeMode?: MergeMode;
  format?: Format;
  ragged?: boolean;
  /** true: every initial state; 'h' or 'c': that LSTM state alone (ONNX lets each be omitted: zeros). */
  initial?: boolean | 'h' | 'c';
  noBias?: boolean;
  returnSequences?: boolean;
  activations?: RecurrentActivation[];
  clip?: number;
  peepholes?: boolean;
  inputForget?: boolean;
  linearBeforeReset?: boolean;
}

const GATE_COUNT: Record<Cell, number> = { lstm: 4, gru: 3, simpleRnn: 1 };
// Gate orders by convention, as the ONNX, Keras and PyTorch docs give them (PyTorch g = c, n = h).
const ONNX_ORDER: Record<Cell, string[]> = { lstm: ['i', 'o', 'f', 'c'], gru: ['z', 'r', 'h'], simpleRnn: ['h'] };
const KERAS_ORDER: Record<Cell, string[]> = { lstm: ['i', 'f', 'c', 'o'], gru: ['z', 'r', 'h'], simpleRnn: ['h'] };
const TORCH_ORDER: Record<Cell, string[]> = { lstm: ['i', 'f', 'c', 'o'], gru: ['r', 'z', 'h'], simpleRnn: ['h'] };

export interface OnnxInputs {
  x: HostTensor; // [T, B, I]
  w: HostTensor;
  r: HostTensor;
  b?: HostTensor;
  p?: HostTensor;
  sequenceLens?: Int32Array;
  initialH?: HostTensor; // [D, B, H]
  initialC?: HostTensor;
}

/** Whether the case's forced path takes its layer (the resident one: LSTM and GRU up to 64 units). */
export const pathTakes = (c: RnnCase): boolean => c.variant !== 'resident' || residentTakes(c.cell, c.H);

export function describe(c: RnnCase): string {
  const parts = [`${c.cell} ${c.variant} T${c.T} B${c.B} I${c.I} H${c.H}`];
  for (const key of ['direction', 'layout', 'mergeMode', 'format'] as const) if (c[key] !== undefined) parts.push(`${c[key]}`);
  if (c.clip !== undefined) parts.push(`clip ${c.clip}`);
  for (const key of ['ragged', 'initial', 'noBias', 'peepholes', 'inputForget', 'linearBeforeReset'] as const) if (c[key]) parts.push(key);
  if (typeof c.initial === 'string') parts.push(`${c.initial} only`);
  if (c.returnSequences === false) parts.push('states only');
  if (c.activations) parts.push(c.activations.map((a) => `${a.name}${a.alpha !== undefined ? `(${[a.alpha, a.beta].filter((v) => v !== undefined).join(',')})` : ''}`).join('/'));
  return parts.join(' ');
}

const tensorOf = (shape: number[], data: Float32Array): HostTensor => ({ shape, data });

export function randomInputs(rng: Random, c: RnnCase, D: number): OnnxInputs {
  const { T, B, I, H } = c;
  const G = GATE_COUNT[c.cell];
  const scale = 1.5 / Math.sqrt(Math.max(I, H)); // keeps the gates away from saturation
  const inputs: OnnxInputs = {
    x: tensorOf([T, B, I], rng.floats(T * B * I)),
    w: tensorOf([D, G * H, I], rng.floats(D * G * H * I, -scale, scale)),
    r: tensorOf([D, G * H, H], rng.floats(D * G * H * H, -scale, scale)),
    b: c.noBias ? undefined : tensorOf([D, 2 * G * H], rng.floats(D * 2 * G * H, -0.5, 0.5)),
  };
  if (c.peepholes) inputs.p = tensorOf([D, 3 * H], rng.floats(D * 3 * H, -0.5, 0.5));
  if (c.ragged) inputs.sequenceLens = Int32Array.from({ length: B }, (_, b) => (b === 0 ? T : rng.int(1, T)));
  if (c.initial && c.initial !== 'c') inputs.initialH = tensorOf([D, B, H], rng.floats(D * B * H));
  if (c.initial && c.initial !== 'h' && c.cell === 'lstm') inputs.initialC = tensorOf([D, B, H], rng.floats(D * B * H));
  return inputs;
}

/** Rows [G*H, K] of direction d in ONNX order, re-blocked into `order`. */
function reblock(t: HostTensor, d: number, cell: Cell, order: string[], H: number, K: number): Float32Array {
  const G = GATE_COUNT[cell];
  const out = new Float32Array(G * H * K);
  order.forEach((gate, to) => {
    const from = ONNX_ORDER[cell].indexOf(gate);
    out.set(t.data.subarray((d * G + from) * H * K, (d * G + from + 1) * H * K), to * H * K);
  });
  return out;
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

const arr = (shape: number[], data: Float32Array): WeightArray => ({ shape, data });

/** The ONNX weights in the convention `format`; Keras GRU bias per reset_after, Keras/one-bias forms sum W-bias and R-bias. */
export function weightsSpec(format: Format, c: RnnCase, o: OnnxInputs, D: number): LstmWeightsSpec & GruWeightsSpec {
  const { cell, I, H } = c;
  const G = GATE_COUNT[cell];
  const lbr = !!c.linearBeforeReset;
  if (format === 'onnx') return { format, w: o.w, r: o.r, b: o.b, p: o.p, hiddenSize: H, linearBeforeReset: lbr };
  const bias = (d: number, half: 0 | 1) => (o.b ? reblock({ shape: [], data: o.b.data.subarray(d * 2 * G * H + half * G * H, d * 2 * G * H + (half + 1) * G * H) }, 0, cell, format === 'keras' ? KERAS_ORDER[cell] : TORCH_ORDER[cell], H, 1) : new Float32Array(G * H));
  if (format === 'keras') {
    const kerasCell = (d: number) => {
      const [wb, rb] = [bias(d, 0), bias(d, 1)];
      const summed = wb.map((v, i) => v + rb[i]);
      return {
        kernel: arr([I, G * H], transpose2d(reblock(o.w, d, cell, KERAS_ORDER[cell], H, I), G * H, I)),
        recurrentKernel: arr([H, G * H], transpose2d(reblock(o.r, d, cell, KERAS_ORDER[cell], H, H), G * H, H)),
        bias: cell === 'gru' && lbr ? arr([2, G * H], Float32Array.from([...wb, ...rb])) : arr([G * H], summed),
      };
    };
    return { format, forward: kerasCell(0), backward: D === 2 ? kerasCell(1) : undefined, resetAfter: lbr };
  }
  const stateDict: Record<string, WeightArray> = {};
  for (let d = 0; d < D; d++) {
    const suffix = d === 1 ? '_reverse' : '';
    stateDict[`rnn.weight_ih_l0${suffix}`] = arr([G * H, I], reblock(o.w, d, cell, TORCH_ORDER[cell], H, I));
    stateDict[`rnn.weight_hh_l0${suffix}`] = arr([G * H, H], reblock(o.r, d, cell, TORCH_ORDER[cell], H, H));
    stateDict[`rnn.bias_ih_l0${suffix}`] = arr([G * H], bias(d, 0));
    stateDict[`rnn.bias_hh_l0${suffix}`] = arr([G * H], bias(d, 1));
  }
  return { format, stateDict, prefix: 'rnn.' };
}

export interface Expected {
  y: HostTensor; // [T, D, B, H]
  yH: HostTensor; // [D, B, H]
  yC?: HostTensor;
}

export function expected(c: RnnCase, o: OnnxInputs, direction: RecurrentDirection): Expected {
  const attrs = { hiddenSize: c.H, direction, activations: c.activations && expandActivations(c, direction), clip: c.clip };
  if (c.cell === 'lstm') return lstmReference(o, { ...attrs, inputForget: c.inputForget });
  if (c.cell === 'gru') return gruReference(o, { ...attrs, linearBeforeReset: c.linearBeforeReset });
  return simpleRnnReference(o, attrs);
}

function expandActivations(c: RnnCase, direction: RecurrentDirection): RecurrentActivation[] {
  const per = { lstm: 3, gru: 2, simpleRnn: 1 }[c.cell];
  const D = direction === 'bidirectional' ? 2 : 1;
  return c.activations!.length === per ? Array.from({ length: D }, () => c.activations!).flat() : c.activations!;
}

/** [T, D, B, H] laid out as the engine returns y for this layout and merge mode. */
export function layOut(y: HostTensor, layout: RecurrentLayout, mergeMode: MergeMode): HostTensor {
  const [T, D, B, H] = y.shape;
  const bm = layout === 'batch-major';
  const features = mergeMode === 'concat' ? D * H : H;
  const shape = mergeMode === 'stack' ? (bm ? [B, T, D, H] : [T, D, B, H]) : bm ? [B, T, features] : [T, B, features];
  const out = new Float32Array(product(shape));
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = bm ? b * T + t : t * B + b;
      for (let j = 0; j < H; j++) {
        const v = (d: number) => y.data[((t * D + d) * B + b) * H + j];
        for (let d = 0; d < D; d++) {
          if (mergeMode === 'stack') out[bm ? ((b * T + t) * D + d) * H + j : ((t * D + d) * B + b) * H + j] = v(d);
          if (mergeMode === 'concat') out[row * features + d * H + j] = v(d);
        }
        if (mergeMode === 'sum') out[row * H + j] = v(0) + v(1);
        if (mergeMode === 'mul') out[row * H + j] = v(0) * v(1);
        if (mergeMode === 'ave') out[row * H + j] = (v(0) + v(1)) / 2;
      }
    }
  }
  return { shape, data: out };
}

/** [A, B, ...] -> [B, A, ...]. */
export function swap01(t: HostTensor): HostTensor {
  const [A, B] = t.shape;
  const inner = t.data.length / (A * B);
  const data = new Float32Array(t.data.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) data.set(t.data.subarray((a * B + b) * inner, (a * B + b + 1) * inner), (b * A + a) * inner);
  return { shape: [B, A, ...t.shape.slice(2)], data };
}

/** Tolerance for a layer: each step reduces over I + H products; errors of a contracting recurrence stay bounded over T. */
export const layerTolerance = (c: { I: number; H: number }): Tolerance => reduction(c.I + c.H, { atol: 2e-5, rtol: 2e-4 });

/**
 * Over a long sequence-major output the error must not grow: the largest error in the last 32
 * steps may be at most 4x the largest in the first 32, plus 1e-6 (measured: ~1e-7 at both ends).
 */
export function expectNoDrift(label: string, actual: ArrayLike<number>, expected: HostTensor, seed: number): void {
  const T = expected.shape[0];
  const perStep = expected.data.length / T;
  const worst = (from: number, to: number) => {
    let m = 0;
    for (let i = from * perStep; i < to * perStep; i++) m = Math.max(m, Math.abs(actual[i] - expected.data[i]));
    return m;
  };
  const [early, late] = [worst(0, 32), worst(T - 32, T)];
  if (!(late <= 4 * early + 1e-6)) throw new Error(`${label} (seed ${seed}): error grew from ${early} (steps 0-31) to ${late} (steps ${T - 32}-${T - 1})`);
}

export async function compare(label: string, actual: Tensor | undefined, expectedTensor: HostTensor, tol: Tolerance, seed: number): Promise<void> {
  if (!actual) throw new Error(`${label}: missing`);
  if (actual.shape.join() !== expectedTensor.shape.join()) throw new Error(`${label}: shape [${actual.shape}], expected [${expectedTensor.shape}]`);
  expectClose(label, await actual.data(), expectedTensor.data, tol, { seed, shape: expectedTensor.shape });
}

export function layerOptions(engine: Engine, c: RnnCase, o: OnnxInputs, direction: RecurrentDirection) {
  const batchMajor = c.layout === 'batch-major';
  const state = (s: HostTensor | undefined) => s && engine.tensor(batchMajor ? [s.shape[1], s.shape[0], s.shape[2]] : s.shape, (batchMajor ? swap01(s) : s).data);
  return {
    direction,
    layout: c.layout,
    mergeMode: c.mergeMode,
    returnSequences: c.returnSequences,
    sequenceLens: o.sequenceLens,
    initialH: state(o.initialH),
    initialC: state(o.initialC),
    activations: c.activations,
    clip: c.clip,
    inputForget: c.inputForget,
  };
}

/** Runs one layer on the engine with the case's options. */
export function runLayer(engine: Engine, c: RnnCase, o: OnnxInputs, direction: RecurrentDirection, x: Tensor) {
  const D = direction === 'bidirectional' ? 2 : 1;
  const spec = weightsSpec(c.format ?? 'onnx', c, o, D);
  const options = layerOptions(engine, c, o, direction);
  if (c.cell === 'lstm') return engine.lstm(x, engine.prepareLstm(spec), options);
  if (c.cell === 'gru') return engine.gru(x, engine.prepareGru(spec), options);
  return engine.simpleRnn(x, engine.prepareSimpleRnn(spec), options);
}

export function rnnCase(c: RnnCase): GpuCase {
  const name = describe(c);
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ recurrent: c.variant });
      const rng = new Random(seedOf(name));
      const direction = c.direction ?? 'forward';
      const D = direction === 'bidirectional' ? 2 : 1;
      const o = randomInputs(rng, c, D);
      const want = expected(c, o, direction);
      const xHost = c.layout === 'batch-major' ? swap01(o.x) : o.x;
      const got = runLayer(engine, c, o, direction, engine.tensor(xHost.shape, xHost.data));
      const tol = layerTolerance(c);
      const states = (s: HostTensor) => (c.layout === 'batch-major' ? swap01(s) : s);
      const wantY = layOut(want.y, c.layout ?? 'sequence-major', c.mergeMode ?? 'concat');
      if (c.returnSequences !== false) await compare(`${name}: y`, got.y, wantY, tol, rng.seed);
      else if (got.y) throw new Error(`${name}: y returned without returnSequences`);
      if (c.T >= 256 && got.y && c.layout !== 'batch-major') expectNoDrift(`${name}: y`, await got.y.data(), wantY, rng.seed);
      await compare(`${name}: yH`, got.yH, states(want.yH), tol, rng.seed);
      if (c.cell === 'lstm') await compare(`${name}: yC`, 'yC' in got ? (got.yC as Tensor) : undefined, states(want.yC!), tol, rng.seed);
    },
  };
}
