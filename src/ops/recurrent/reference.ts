// The CPU twin of the recurrent op (the CPU backend runs it): brings the prepared weights back to
// ONNX layout (layout.ts), the input and states to sequence-major, runs the ONNX-layout reference
// of the cell (lstm/gru/simple-rnn reference.ts, written from the equations), and lays y and the
// final states out as the attributes ask.
import type { HostTensor } from '../host-tensor.ts';
import { gruReference } from '../gru/reference.ts';
import { lstmReference } from '../lstm/reference.ts';
import { simpleRnnReference } from '../simple-rnn/reference.ts';
import { onnxFromCanonical } from './layout.ts';
import { outputSlots, RECURRENT_INPUTS, type RecurrentAttrs } from './attrs.ts';

/** Swaps the first two axes of a rank-3 or rank-4 row-major tensor ([A, B, ...] -> [B, A, ...]). */
export function swapLeadingAxes(t: HostTensor): HostTensor {
  const [A, B] = t.shape;
  const inner = t.data.length / (A * B);
  const data = new Float32Array(t.data.length);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) data.set(t.data.subarray((a * B + b) * inner, (a * B + b + 1) * inner), (b * A + a) * inner);
  }
  return { shape: [B, A, ...t.shape.slice(2)], data };
}

/** ONNX's y [T, D, B, H] in the requested layout and merge mode. */
function layOutY(y: HostTensor, attrs: RecurrentAttrs): HostTensor {
  const [T, D, B, H] = y.shape;
  const seq = attrs.layout === 'sequence-major';
  if (attrs.mergeMode === 'stack') return seq ? y : toBatchStack(y);
  const features = attrs.mergeMode === 'concat' ? D * H : H;
  const out = new Float32Array(T * B * features);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const row = seq ? t * B + b : b * T + t;
      for (let j = 0; j < H; j++) {
        const v = (d: number) => y.data[((t * D + d) * B + b) * H + j];
        if (attrs.mergeMode === 'concat') {
          for (let d = 0; d < D; d++) out[row * features + d * H + j] = v(d);
        } else {
          out[row * features + j] = attrs.mergeMode === 'sum' ? v(0) + v(1) : attrs.mergeMode === 'mul' ? v(0) * v(1) : 0.5 * (v(0) + v(1));
        }
      }
    }
  }
  return { shape: seq ? [T, B, features] : [B, T, features], data: out };
}

/** [T, D, B, H] -> [B, T, D, H] (ONNX layout = 1). */
function toBatchStack(y: HostTensor): HostTensor {
  const [T, D, B, H] = y.shape;
  const data = new Float32Array(y.data.length);
  for (let t = 0; t < T; t++) {
    for (let d = 0; d < D; d++) {
      for (let b = 0; b < B; b++) data.set(y.data.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), ((b * T + t) * D + d) * H);
    }
  }
  return { shape: [B, T, D, H], data };
}

export function recurrentReference(inputs: (HostTensor | undefined)[], attrs: RecurrentAttrs): HostTensor[] {
  const { cell, numDirections: D, hiddenSize: H, inputSize: I } = attrs;
  const seq = attrs.layout === 'sequence-major';
  const get = (slot: number) => inputs[slot];
  const x = seq ? get(RECURRENT_INPUTS.x)! : swapLeadingAxes(get(RECURRENT_INPUTS.x)!);
  const toOnnxState = (s: HostTensor | undefined) => (s && !seq ? swapLeadingAxes(s) : s);
  const fromOnnxState = (s: HostTensor) => (seq ? s : swapLeadingAxes(s));
  const canonical = { input: get(RECURRENT_INPUTS.input)!.data, bias: get(RECURRENT_INPUTS.bias)!.data, recurrent: get(RECURRENT_INPUTS.recurrent)!.data };
  const onnx = onnxFromCanonical(canonical, cell, { numDirections: D, hiddenSize: H, inputSize: I }, attrs);
  const G = onnx.w.length / (D * H * I);
  const common = {
    x,
    w: { shape: [D, G * H, I], data: onnx.w },
    r: { shape: [D, G * H, H], data: onnx.r },
    b: { shape: [D, 2 * G * H], data: onnx.b },
    sequenceLens: get(RECURRENT_INPUTS.lengths)?.data as unknown as Int32Array | undefined,
    initialH: toOnnxState(get(RECURRENT_INPUTS.initialH)),
  };
  const opAttrs = { hiddenSize: H, direction: attrs.direction, activations: attrs.activations, clip: attrs.clip };
  let result: { y: HostTensor; yH: HostTensor; yC?: HostTensor };
  if (cell === 'lstm') {
    const p = onnx.p && { shape: [D, 3 * H], data: onnx.p };
    result = lstmReference({ ...common, p, initialC: toOnnxState(get(RECURRENT_INPUTS.initialC)) }, { ...opAttrs, inputForget: attrs.inputForget });
  } else if (cell === 'gru') {
    result = gruReference(common, { ...opAttrs, linearBeforeReset: attrs.linearBeforeReset });
  } else {
    result = simpleRnnReference(common, opAttrs);
  }
  const slots = outputSlots(attrs);
  const outputs: HostTensor[] = [];
  outputs[slots.h] = fromOnnxState(result.yH);
  if (slots.c !== undefined) outputs[slots.c] = fromOnnxState(result.yC!);
  if (slots.y !== undefined) outputs[slots.y] = layOutY(result.y, attrs);
  return outputs;
}
