// Bad input to the recurrent layers and the embedding: each is a WgnnError naming the op (or the
// layer) and the shapes or values at fault. Validation is shared by both backends.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, model as functional, sequential, WgnnError } from '../../src/index.ts';
import { Random } from '../harness/random.ts';
import type { OnnxRecurrentWeights } from '../../src/ops/recurrent/convert.ts';
import { selectRecurrentVariant } from '../../src/ops/recurrent/variant.ts';

const arr = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(0.1) });
const onnx = (G: number, D: number, H: number, I: number): OnnxRecurrentWeights => ({ format: 'onnx', w: arr([D, G * H, I]), r: arr([D, G * H, H]), b: arr([D, 2 * G * H]) });

describe('recurrent layers reject bad input clearly', async () => {
  const engine = await createEngine({ backend: 'cpu' });
  const lstm = engine.prepareLstm(onnx(4, 1, 3, 2));
  const x = engine.tensor([5, 2, 2]); // T 5, B 2, I 2

  it('weight shapes that do not match the hidden or input size', () => {
    expect(() => engine.prepareLstm({ ...onnx(4, 1, 3, 2), r: arr([1, 12, 4]) })).toThrow(/prepareLstm: R has shape \[1, 12, 4\], expected \[1, 12, 3\]/);
    expect(() => engine.prepareLstm({ ...onnx(4, 1, 3, 2), hiddenSize: 4 })).toThrow(/W \[1, 12, 2\] holds hidden size 3, but hiddenSize is 4/);
    expect(() => engine.prepareGru({ ...onnx(3, 1, 3, 2), w: arr([1, 10, 2]) })).toThrow(/prepareGru: W has shape \[1, 10, 2\], expected \[num_directions \(1 or 2\), 3\*hidden_size, input_size\]/);
    expect(() => engine.prepareLstm({ ...onnx(4, 2, 3, 2), b: arr([1, 24]) })).toThrow(/B has shape \[1, 24\], expected \[2, 24\]/);
    expect(() => engine.prepareLstm({ ...onnx(4, 1, 3, 2), p: arr([1, 8]) })).toThrow(/P has shape \[1, 8\], expected \[1, 9\]/);
    const kernel = { kernel: arr([2, 12]), recurrentKernel: arr([3, 12]) };
    expect(() => engine.prepareLstm({ format: 'keras', forward: kernel, backward: { ...kernel, recurrentKernel: arr([3, 8]) } })).toThrow(/backward recurrent_kernel has shape \[3, 8\], expected \[3, 12\]/);
    expect(() => engine.prepareGru({ format: 'keras', forward: { kernel: arr([2, 9]), recurrentKernel: arr([3, 9]), bias: arr([9]) }, resetAfter: true })).toThrow(/bias has shape \[9\], expected \[2, 9\].*reset_after=True/);
    expect(() => engine.prepareSimpleRnn({ format: 'pytorch', stateDict: { weight_ih_l0: arr([3, 2]) } })).toThrow(/weight_hh_l0 is missing/);
    expect(() => engine.prepareSimpleRnn({ format: 'pytorch', stateDict: {}, prefix: 'rnn.' })).toThrow(/no rnn.weight_ih_l0 in the state dict/);
    expect(() => engine.prepareLstm({ format: 'tflite' } as never)).toThrow(/unknown weights format 'tflite'/);
    expect(() => engine.lstm(engine.tensor([5, 2, 3]), lstm)).toThrow(/lstm: x \[5, 2, 3\] has input size 3, but the weights take input size 2/);
  });

  it('sequence lengths above T or below 1', () => {
    expect(() => engine.lstm(x, lstm, { sequenceLens: [5, 6] })).toThrow(/lstm: sequenceLens\[1\] = 6 is out of range; each length must be an integer in \[1, 5\]/);
    expect(() => engine.lstm(x, lstm, { sequenceLens: [0, 2] })).toThrow(/sequenceLens\[0\] = 0 is out of range/);
    expect(() => engine.lstm(x, lstm, { sequenceLens: [1, 2, 3] })).toThrow(/sequenceLens has 3 entries, expected one per batch entry \(2\)/);
    expect(() => engine.lstm(engine.tensor([2, 5, 2]), lstm, { sequenceLens: [5, 6], layout: 'batch-major' })).toThrow(/sequenceLens\[1\] = 6/);
  });

  it('an initial state of the wrong shape', () => {
    const state = engine.tensor([1, 2, 3]);
    expect(() => engine.lstm(x, lstm, { initialH: engine.tensor([2, 2, 3]) })).toThrow(/initialH is \[2, 2, 3\] float32, expected \[1, 2, 3\] float32/);
    expect(() => engine.lstm(x, lstm, { initialH: state, initialC: engine.tensor([2, 1, 3]) })).toThrow(/initialC is \[2, 1, 3\] float32, expected \[1, 2, 3\] float32/);
  });

  it('options that do not fit the weights', () => {
    const gru = engine.prepareGru(onnx(3, 1, 3, 2));
    expect(() => engine.lstm(x, gru as never)).toThrow(/lstm: these are gru weights; lstm needs its own/);
    expect(() => engine.gru(x, gru, { direction: 'bidirectional' })).toThrow(/direction 'bidirectional' does not match weights with 1 direction/);
    expect(() => engine.gru(x, gru, { mergeMode: 'sum' })).toThrow(/mergeMode 'sum' merges two directions; this layer has one/);
    expect(() => engine.gru(x, gru, { activations: [{ name: 'Sigmoid' }] })).toThrow(/activations has 1 entries; give 2/);
    expect(() => engine.gru(x, gru, { activations: [{ name: 'Sigmoid' }, { name: 'Swish' }] })).toThrow(/unknown activation 'Swish'/);
    expect(() => engine.gru(x, gru, { clip: -1, name: 'encoder' })).toThrow(/gru 'encoder': clip must be > 0/);
    expect(() => engine.gru(x, gru, { inputForget: true } as never)).toThrow(/inputForget and initialC are LSTM options/);
    gru.dispose();
    expect(() => engine.gru(x, gru)).toThrow(/the prepared weights were disposed/);
  });

  it('embedding ids out of range from host data', () => {
    const table = engine.tensor([4, 2]);
    expect(() => engine.embedding(table, [0, 4])).toThrow(WgnnError);
    expect(() => engine.embedding(table, [0, 4])).toThrow(/embedding: ids\[1\] = 4 is out of range for a table of 4 rows; valid ids are -4..3/);
    expect(() => engine.embedding(table, { shape: [1, 2], data: [-5, 0] })).toThrow(/ids\[0\] = -5/);
    expect(() => engine.embedding(table, engine.tensor([2], [0, 1]))).toThrow(/embedding: ids must be an int32 tensor, got float32/);
  });

  it("a bidirectional LSTM's returnState gives each direction's h and c apart, as Keras: [output, h_fw, c_fw, h_bw, c_bw]", async () => {
    const cpu = await createEngine({ backend: 'cpu' });
    const rng = new Random(11);
    const [T, I, U] = [4, 3, 2];
    const bi = sequential([layers.bidirectional(layers.lstm({ units: U, name: 'bi_states' }))], { inputShape: [T, I] });
    const shapes = bi.layer('bi_states').weightShapes();
    const weights = Object.fromEntries(Object.entries(shapes).map(([k, sh]) => [k, rng.floats(sh.reduce((p, d) => p * d, 1))]));
    bi.setWeights('bi_states', weights);
    const x = rng.floats(2 * T * I);
    const reversed = Float32Array.from({ length: x.length }, (_, i) => x[Math.floor(i / (T * I)) * T * I + (T - 1 - Math.floor((i % (T * I)) / I)) * I + (i % I)]);
    // Each direction alone: an LSTM returning its states, on x and on x reversed in time.
    const single = async (d: 'forward' | 'backward', input: Float32Array) => {
      const seq = layers.input({ shape: [T, I] });
      const [out, h, c] = layers.lstm({ units: U, returnState: true, name: `one_${d}` }).applyAll(seq);
      const m = functional({ inputs: seq, outputs: [out, h, c] });
      m.setWeights(`one_${d}`, { kernel: weights[`${d}/kernel`], recurrentKernel: weights[`${d}/recurrentKernel`], bias: weights[`${d}/bias`] });
      return Object.values(await cpu.compile(m).run([{ shape: [2, T, I], data: input }]));
    };
    const seq = layers.input({ shape: [T, I] });
    const both = layers.bidirectional(layers.lstm({ units: U, returnState: true, name: 'bi_apart' })).applyAll(seq);
    expect(both.map((t) => t.shape)).toEqual([[null, 2 * U], [null, U], [null, U], [null, U], [null, U]]);
    const m = functional({ inputs: seq, outputs: both });
    m.setWeights('bi_apart', weights);
    const [out, hF, cF, hB, cB] = Object.values(await cpu.compile(m).run([{ shape: [2, T, I], data: x }]));
    const [, hForward, cForward] = await single('forward', x);
    const [, hBackward, cBackward] = await single('backward', reversed);
    expect(Array.from(hF)).toEqual(Array.from(hForward));
    expect(Array.from(cF)).toEqual(Array.from(cForward));
    Array.from(hB).forEach((v, i) => expect(v).toBeCloseTo(hBackward[i], 6));
    Array.from(cB).forEach((v, i) => expect(v).toBeCloseTo(cBackward[i], 6));
    expect(Array.from(out)).toEqual([...hF.slice(0, U), ...hB.slice(0, U), ...hF.slice(U), ...hB.slice(U)]);
  });

  it("a merge other than concat without returnSequences merges the directions' last outputs, as Keras", async () => {
    const cpu = await createEngine({ backend: 'cpu' });
    const rng = new Random(3);
    const x = { shape: [2, 4, 3], data: rng.floats(24) };
    const build = (mergeMode: 'concat' | 'sum' | 'ave' | 'mul') => {
      const m = sequential([layers.bidirectional(layers.gru({ units: 2, name: `bi_${mergeMode}` }), { mergeMode })], { inputShape: [4, 3] });
      const w = new Random(4);
      const shapes = m.layer(`bi_${mergeMode}`).weightShapes();
      m.setWeights(`bi_${mergeMode}`, Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, w.floats(s.reduce((p, d) => p * d, 1))])));
      return m;
    };
    const run = async (mode: 'concat' | 'sum' | 'ave' | 'mul') => Object.values(await cpu.compile(build(mode)).run([x]))[0];
    const both = await run('concat'); // [batch, forward units | backward units]
    const pairs = (f: (a: number, b: number) => number) => Array.from({ length: 4 }, (_, i) => f(both[Math.floor(i / 2) * 4 + (i % 2)], both[Math.floor(i / 2) * 4 + 2 + (i % 2)]));
    expect(Array.from(await run('sum'))).toEqual(pairs((a, b) => Math.fround(a + b)));
    expect(Array.from(await run('mul'))).toEqual(pairs((a, b) => Math.fround(a * b)));
    Array.from(await run('ave')).forEach((v, i) => expect(v).toBeCloseTo(pairs((a, b) => (a + b) / 2)[i], 6));
  });
});

describe('selectRecurrentVariant', () => {
  const limits = { maxStorageBufferBindingSize: 2 ** 30, maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 };
  const problem = { cell: 'lstm' as const, steps: 100, batch: 1, hiddenSize: 64, numDirections: 1, linearBeforeReset: false };
  const select = (p: Partial<typeof problem>, forced?: string) => selectRecurrentVariant({ ...problem, ...p } as never, { limits, forcedVariants: forced ? { recurrent: forced } : {} });

  it('honours a forced variant and rejects an unknown or impossible one', () => {
    expect(select({}, 'per-step').variant).toBe('per-step');
    expect(() => select({}, 'fast')).toThrow(/unknown recurrent variant 'fast'/);
    // The LSTM keeps no workgroup memory: only its invocation per 4 units limits the sequence path.
    expect(() => select({ hiddenSize: 2000 }, 'sequence')).toThrow(/lstm: hidden size 2000 does not fit: the 'sequence' path needs an invocation per 4 units \(at most 256 here\)$/);
    expect(() => select({ cell: 'gru', hiddenSize: 2000, linearBeforeReset: true } as never, 'sequence')).toThrow(/gru: hidden size 2000 does not fit: the 'sequence' path keeps the state in workgroup memory \(16384 bytes on this device\), and the 'sequence' path needs an invocation per 4 units/);
    expect(() => select({ cell: 'gru', hiddenSize: 2000 } as never)).toThrow(/a GRU without linearBeforeReset keeps r . h of all units/);
    expect(select({}, 'resident').variant).toBe('resident');
    expect(() => select({ hiddenSize: 65 }, 'resident')).toThrow(/^lstm: the 'resident' path does not take hidden size 65: it is for LSTM and GRU layers of up to 64 units/);
    expect(() => select({ cell: 'simpleRnn', hiddenSize: 8 } as never, 'resident')).toThrow(/^simpleRnn: the 'resident' path does not take a simple RNN layer/);
  });

  it('keeps per-quad state in registers only where each unit quad gets its own invocation', () => {
    const small = { ...limits, maxComputeInvocationsPerWorkgroup: 64 };
    const run = (hiddenSize: number) => selectRecurrentVariant({ ...problem, hiddenSize }, { limits: small, forcedVariants: {} });
    expect(run(256).variant).toBe('sequence'); // 64 quads
    expect(run(260).variant).toBe('per-step'); // 65 quads
    // A GRU without linear_before_reset keeps z per quad in both paths: no path at 65 quads.
    expect(() => selectRecurrentVariant({ ...problem, cell: 'gru', hiddenSize: 260 }, { limits: small, forcedVariants: {} })).toThrow(/needs an invocation per 4 units \(at most 64 here\)/);
    expect(selectRecurrentVariant({ ...problem, cell: 'gru', hiddenSize: 260, linearBeforeReset: true }, { limits: small, forcedVariants: {} }).variant).toBe('per-step');
  });

  it('runs the resident path up to 64 units (LSTM, GRU), the sequence path wherever the state fits, else per-step', () => {
    expect(select({}).variant).toBe('resident');
    expect(select({ hiddenSize: 61 }).variant).toBe('resident');
    expect(select({ cell: 'gru', hiddenSize: 64 } as never).variant).toBe('resident');
    expect(select({ hiddenSize: 65 }).variant).toBe('sequence');
    expect(select({ cell: 'simpleRnn', hiddenSize: 8 } as never).variant).toBe('sequence');
    expect(select({ hiddenSize: 1024 }).variant).toBe('sequence');
    expect(select({ hiddenSize: 2000 }).variant).toBe('per-step');
  });

  it('tiles the batch by 16 (LSTM from 256 units), 8 (LSTM, GRU; 4 for the simple RNN), 4, 2 or 1, keeping two workgroups per direction and the GRU within workgroup memory', () => {
    expect([1, 3, 4, 7, 8, 15, 16, 32].map((batch) => select({ batch }).batchTile)).toEqual([1, 1, 2, 2, 4, 4, 8, 8]);
    expect(select({ cell: 'gru', batch: 32 } as never).batchTile).toBe(8);
    expect(select({ cell: 'simpleRnn', batch: 32 } as never).batchTile).toBe(4);
    // GRU H 1024: 8 KiB of h and r.h per entry, so 2 entries in 16 KiB; H 256: 8 entries.
    expect(select({ cell: 'gru', batch: 32, hiddenSize: 1024 } as never).batchTile).toBe(2);
    expect(select({ cell: 'gru', batch: 32, hiddenSize: 256 } as never).batchTile).toBe(8);
    // The LSTM exchanges h through storage: no workgroup memory, whatever H; tile 16 from 256 units.
    expect(select({ batch: 32, hiddenSize: 1024 }).batchTile).toBe(16);
    expect(select({ batch: 32, hiddenSize: 253 }).batchTile).toBe(16);
    expect(select({ batch: 31, hiddenSize: 256 }).batchTile).toBe(8);
    expect(select({ batch: 32, hiddenSize: 252 }).batchTile).toBe(8);
    expect(select({ cell: 'gru', batch: 64, hiddenSize: 256 } as never).batchTile).toBe(8);
    expect(select({ batch: 32, hiddenSize: 1024 }).capacity).toBe(0);
    expect(select({ cell: 'gru', batch: 32, hiddenSize: 256 } as never).capacity).toBe(256);
    expect(select({ cell: 'gru', batch: 32, hiddenSize: 256, linearBeforeReset: true } as never, 'per-step').capacity).toBe(4);
  });
});
