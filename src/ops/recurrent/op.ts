// LSTM, GRU and simple-RNN layers (shaders/lstm.wgsl, gru.wgsl, rnn.wgsl). The plan:
//   1. one GEMM (gemm.ts) projects the input of every step and both directions at once,
//      x [T*B, I] · W [I, D*G*Hp] + folded biases -> projection [T*B, D*G*Hp] (scratch);
//   2. the recurrence: per-step, one fused dispatch per step (both directions) with the state in
//      ping-pong scratch buffers and the last step writing the final states; or sequence, one
//      dispatch for all steps, with R read from storage or (resident) from a private copy made
//      at the start (variant.ts chooses);
//   3. for a merged bidirectional output (sum, mul, ave) one elementwise pass.
// The step index travels in each dispatch's Params: the executor gives every dispatch its own
// uniform buffer, so the T step dispatches differ only in Params.step and their state bindings.
import mergeWgsl from '../../../shaders/merge_directions.wgsl?raw';
import gruWgsl from '../../../shaders/gru.wgsl?raw';
import lstmWgsl from '../../../shaders/lstm.wgsl?raw';
import rnnWgsl from '../../../shaders/rnn.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { LINEAR } from '../activation/kinds.ts';
import { gemmDispatch } from '../matmul/gemm.ts';
import { spreadWorkgroups, type BindingRef, type Dispatch, type OpDefinition, type PlanContext, type TensorSpec } from '../op.ts';
import { ACTIVATIONS_PER_DIRECTION, type MergeMode, outputSlots, RECURRENT_INPUTS, type RecurrentAttrs, type RecurrentLayout } from './attrs.ts';
import { canonicalShapes, type CellKind, GATES, paddedUnits } from './layout.ts';
import { recurrentReference } from './reference.ts';
import { selectRecurrentVariant } from './variant.ts';

function stepsAndBatch(x: TensorSpec, layout: RecurrentLayout): [T: number, B: number] {
  return layout === 'sequence-major' ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
}

export function stateShape(attrs: RecurrentAttrs, B: number): number[] {
  const { numDirections: D, hiddenSize: H } = attrs;
  return attrs.layout === 'sequence-major' ? [D, B, H] : [B, D, H];
}

function yShape(attrs: RecurrentAttrs, T: number, B: number): number[] {
  const { numDirections: D, hiddenSize: H, mergeMode } = attrs;
  const seq = attrs.layout === 'sequence-major';
  if (mergeMode === 'stack') return seq ? [T, D, B, H] : [B, T, D, H];
  const features = mergeMode === 'concat' ? D * H : H;
  return seq ? [T, B, features] : [B, T, features];
}

function expectSpec(where: string, name: string, t: TensorSpec | undefined, shape: number[], dtype: string, meaning: string): void {
  if (!t) throw new WgnnError(where, `${name} is missing`);
  if (t.dtype !== dtype || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new WgnnError(where, `${name} is ${formatShape(t.shape)} ${t.dtype}, expected ${formatShape(shape)} ${dtype} (${meaning})`);
  }
}

/** Element strides of y per t, direction and batch entry, for the step kernel writing it in `mode`. */
function yStrides(mode: MergeMode, seq: boolean, T: number, B: number, D: number, H: number) {
  if (mode === 'stack' && seq) return { yStrideT: D * B * H, yStrideD: B * H, yStrideB: H };
  // Features concatenated ([T, B, D*H] or [B, T, D*H]); also the batch-major stack [B, T, D, H].
  return seq ? { yStrideT: B * D * H, yStrideD: H, yStrideB: D * H } : { yStrideT: D * H, yStrideD: H, yStrideB: T * D * H };
}

const MERGE_CODES: Partial<Record<MergeMode, number>> = { sum: 0, mul: 1, ave: 2 };

/** The `recurrentActivate` codes of the shaders, by ONNX name. */
export const RECURRENT_ACTIVATION_CODES: Record<string, number> = {
  Relu: 0, Tanh: 1, Sigmoid: 2, Affine: 3, LeakyRelu: 4, ThresholdedRelu: 5,
  ScaledTanh: 6, HardSigmoid: 7, Elu: 8, Softsign: 9, Softplus: 10,
};

const SHADERS: Record<CellKind, { name: string; code: string }> = {
  lstm: { name: 'lstm.wgsl', code: lstmWgsl },
  gru: { name: 'gru.wgsl', code: gruWgsl },
  simpleRnn: { name: 'rnn.wgsl', code: rnnWgsl },
};
/** Bytes of a buffer that stands in for an absent binding (never read: the shader is told). */
const STAND_IN = 16;
const MERGE_SHADER = { name: 'merge_directions.wgsl', code: mergeWgsl };
const ACTIVATION_OVERRIDES: Record<CellKind, string[]> = { lstm: ['F', 'G', 'H'], gru: ['F', 'G'], simpleRnn: ['F'] };

export const recurrentOp: OpDefinition<RecurrentAttrs> = {
  name: 'recurrent',

  infer(where, inputs, attrs) {
    const { cell, inputSize: I, hiddenSize: H, numDirections: D } = attrs;
    const x = inputs[RECURRENT_INPUTS.x];
    if (!x || x.dtype !== 'float32' || x.shape.length !== 3) {
      const layout = attrs.layout === 'sequence-major' ? '[T, B, I]' : '[B, T, I]';
      throw new WgnnError(where, `x must be a float32 tensor ${layout} (${attrs.layout}), got ${x ? `${formatShape(x.shape)} ${x.dtype}` : 'nothing'}`);
    }
    const [T, B] = stepsAndBatch(x, attrs.layout);
    if (x.shape[2] !== I) throw new WgnnError(where, `x ${formatShape(x.shape)} has input size ${x.shape[2]}, but the weights take input size ${I}`);
    if (T < 1 || B < 1) throw new WgnnError(where, `x ${formatShape(x.shape)} needs at least one step and one batch entry`);
    const shapes = canonicalShapes(cell, D, H, I);
    const prepared = `prepared ${cell} weights (input ${I}, hidden ${H}, ${D} direction(s))`;
    expectSpec(where, 'input weights', inputs[RECURRENT_INPUTS.input], shapes.input, 'float32', prepared);
    expectSpec(where, 'bias', inputs[RECURRENT_INPUTS.bias], shapes.bias, 'float32', prepared);
    expectSpec(where, 'recurrent weights', inputs[RECURRENT_INPUTS.recurrent], shapes.recurrent, 'float32', prepared);
    const lengths = inputs[RECURRENT_INPUTS.lengths];
    if (lengths) expectSpec(where, 'sequenceLens', lengths, [B], 'int32', 'one length per batch entry');
    const state = stateShape(attrs, B);
    const stateMeaning = attrs.layout === 'sequence-major' ? '[directions, batch, hidden]' : '[batch, directions, hidden] (batch-major)';
    const [h0, c0] = [inputs[RECURRENT_INPUTS.initialH], inputs[RECURRENT_INPUTS.initialC]];
    if (h0) expectSpec(where, 'initialH', h0, state, 'float32', stateMeaning);
    if (c0) expectSpec(where, 'initialC', c0, state, 'float32', stateMeaning);
    if (cell !== 'lstm' && c0) throw new WgnnError(where, 'initialC is an LSTM state; this layer has none');
    const outputs: TensorSpec[] = [{ shape: state, dtype: 'float32' }];
    if (cell === 'lstm') outputs.push({ shape: state, dtype: 'float32' });
    if (attrs.returnSequences) outputs.push({ shape: yShape(attrs, T, B), dtype: 'float32' });
    return outputs;
  },

  plan(inputs, outputs, attrs, ctx) {
    const { cell, inputSize: I, hiddenSize: H, numDirections: D, mergeMode } = attrs;
    const [T, B] = stepsAndBatch(inputs[RECURRENT_INPUTS.x]!, attrs.layout);
    const seq = attrs.layout === 'sequence-major';
    const G = GATES[cell];
    const Hq = paddedUnits(H) / 4;
    const N = D * G * Hq * 4;
    const problem = { cell, steps: T, batch: B, hiddenSize: H, numDirections: D, linearBeforeReset: attrs.linearBeforeReset };
    const { variant, batchTile, capacity, workgroupSize } = selectRecurrentVariant(problem, ctx);
    const slots = outputSlots(attrs);
    const merged = attrs.returnSequences && mergeMode in MERGE_CODES;
    const perStep = variant === 'per-step'; // else one dispatch runs the whole sequence
    const pingPong = perStep && T > 1 ? D * B * H * 4 : 0;
    const cellPingPong = cell === 'lstm' ? pingPong : 0;
    // The LSTM's sequence path exchanges h(t) through vec4s after the projection rows.
    const exchange = cell === 'lstm' && !perStep ? D * B * Hq * 16 : 0;
    // Scratch: 0 projection (and exchange), 1-2 h ping-pong, 3-4 c ping-pong, 5 the unmerged y,
    // 6-8 stand-ins for absent lengths and initial states. Storage bindings are read_write
    // (program-runner.ts), so no buffer may be bound twice in a dispatch: each absent binding gets
    // its own small buffer.
    const scratchBytes = [T * B * N * 4 + exchange, pingPong, pingPong, cellPingPong, cellPingPong, merged ? T * B * D * H * 4 : STAND_IN, STAND_IN, STAND_IN, STAND_IN];

    const projection = gemmDispatch(
      `${cell} input projection`,
      {
        M: T * B, N, K: I, transposeA: false, transposeB: false, lda: I, ldb: N, ldc: N,
        batchShape: [], aBatchStrides: [], bBatchStrides: [], outBatchStride: 0, outOffset: 0,
        bias: { strideZ: 0, strideM: 0, strideN: 1 },
        activation: LINEAR,
      },
      { a: { input: RECURRENT_INPUTS.x }, b: { input: RECURRENT_INPUTS.input }, bias: { input: RECURRENT_INPUTS.bias }, out: { scratch: 0 } },
      ctx,
    );

    const lengths = inputs[RECURRENT_INPUTS.lengths];
    // Each initial state is optional on its own (ONNX): a missing one is zeros, which the kernel
    // is told instead of reading a buffer.
    const hasInitialH = inputs[RECURRENT_INPUTS.initialH] !== undefined;
    const hasInitialC = inputs[RECURRENT_INPUTS.initialC] !== undefined;
    const overrides: Record<string, number> = {
      SEQUENCE: Number(!perStep),
      HAS_LENGTHS: Number(lengths !== undefined),
      WG_SIZE: workgroupSize,
      BATCH_TILE: batchTile,
    };
    if (variant === 'resident') overrides.RESIDENT_KQ = Hq;
    if (capacity > 0) overrides.CAPACITY = capacity; // 0: the shader keeps nothing in workgroup memory
    if (cell === 'lstm') Object.assign(overrides, { HAS_PEEPHOLES: Number(attrs.hasPeepholes), INPUT_FORGET: Number(attrs.inputForget) });
    if (cell === 'gru') overrides.LINEAR_BEFORE_RESET = Number(attrs.linearBeforeReset);
    const perDirection = ACTIVATIONS_PER_DIRECTION[cell];
    const alphaBeta: Record<string, number[]> = {};
    for (let slot = 0; slot < 2; slot++) {
      const acts = attrs.activations.slice(Math.min(slot, D - 1) * perDirection).slice(0, perDirection);
      ACTIVATION_OVERRIDES[cell].forEach((name, i) => (overrides[`${name}${slot}`] = RECURRENT_ACTIVATION_CODES[acts[i].name]));
      alphaBeta[`alpha${slot}`] = [0, 1, 2, 3].map((i) => acts[i]?.alpha ?? 0);
      alphaBeta[`beta${slot}`] = [0, 1, 2, 3].map((i) => acts[i]?.beta ?? 0);
    }
    const baseParams = {
      T, B, H, Hq, D,
      reverse: Number(attrs.direction === 'reverse'),
      projRowQuads: D * G * Hq,
      xStrideT: seq ? B : 1,
      xStrideB: seq ? 1 : T,
      ...yStrides(merged ? 'concat' : mergeMode, seq, T, B, D, H),
      sStrideD: seq ? B * H : H,
      sStrideB: seq ? H : D * H,
      clip: attrs.clip ?? 3.4028234663852886e38,
      writeY: Number(attrs.returnSequences),
      ...alphaBeta,
    };
    const y: BindingRef = slots.y === undefined || merged ? { scratch: 5 } : { output: slots.y };
    const lengthsRef: BindingRef = lengths ? { input: RECURRENT_INPUTS.lengths } : { scratch: 6 };
    const step = (s: number, hIn: BindingRef, hOut: BindingRef, cIn: BindingRef, cOut: BindingRef, loadH: boolean, loadC: boolean): Dispatch => ({
      shader: SHADERS[cell],
      overrides,
      params: { ...baseParams, step: s, ...(cell === 'lstm' ? { loadH: Number(loadH), loadC: Number(loadC) } : { loadState: Number(loadH) }) },
      bindings: cell === 'lstm' ? [{ scratch: 0 }, { input: RECURRENT_INPUTS.recurrent }, lengthsRef, hIn, cIn, hOut, cOut, y] : [{ scratch: 0 }, { input: RECURRENT_INPUTS.recurrent }, lengthsRef, hIn, hOut, y],
      workgroups: [Math.ceil(B / batchTile), D, 1],
    });
    if (Math.ceil(B / batchTile) > ctx.limits.maxComputeWorkgroupsPerDimension) {
      throw new WgnnError(cell, `batch ${B} exceeds the device's ${ctx.limits.maxComputeWorkgroupsPerDimension} workgroups per dimension`);
    }

    const initialH: BindingRef = hasInitialH ? { input: RECURRENT_INPUTS.initialH } : { scratch: 7 };
    const initialC: BindingRef = hasInitialC ? { input: RECURRENT_INPUTS.initialC } : { scratch: 8 };
    const finalH: BindingRef = { output: slots.h };
    const finalC: BindingRef = slots.c === undefined ? { scratch: 8 } : { output: slots.c };
    const dispatches: Dispatch[] = [projection];
    if (!perStep) {
      dispatches.push(step(0, initialH, finalH, initialC, finalC, hasInitialH, hasInitialC));
    } else {
      const pingH: BindingRef[] = [{ scratch: 1 }, { scratch: 2 }];
      const pingC: BindingRef[] = [{ scratch: 3 }, { scratch: 4 }]; // bound by the LSTM only
      for (let s = 0; s < T; s++) {
        const last = s === T - 1;
        dispatches.push(step(
          s,
          s === 0 ? initialH : pingH[s % 2],
          last ? finalH : pingH[(s + 1) % 2],
          s === 0 ? initialC : pingC[s % 2],
          last ? finalC : pingC[(s + 1) % 2],
          s > 0 || hasInitialH,
          s > 0 || hasInitialC,
        ));
      }
    }
    if (merged) dispatches.push(mergeDispatch(MERGE_CODES[mergeMode]!, T * B, H, slots.y!, ctx));
    return { scratchBytes, dispatches };
  },

  reference: recurrentReference,
};

function mergeDispatch(code: number, rows: number, H: number, output: number, ctx: PlanContext): Dispatch {
  const count = rows * H;
  return {
    shader: MERGE_SHADER,
    overrides: { MERGE: code, WG_SIZE: 256 },
    params: { count, H },
    bindings: [{ scratch: 5 }, { output }],
    workgroups: spreadWorkgroups('merge directions', Math.ceil(count / 256), ctx.limits),
  };
}
