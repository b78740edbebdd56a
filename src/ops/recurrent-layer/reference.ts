// The CPU twin of recurrentLayer, from Keras's definitions: per direction the input projection
// x·kernel + input bias (keras/src/layers/rnn/{lstm,gru,simple_rnn}.py), the cell's recurrence
// (the equations in src/ops/recurrent-train/reference.ts, float64), and Keras's Bidirectional
// (keras/src/layers/rnn/bidirectional.py): the backward layer reads the sequence reversed, its
// outputs are flipped back, then concat / sum / ave ((a + b) / 2) / mul; without
// return_sequences each direction's final h is the output.
import type { HostTensor } from '../host-tensor.ts';
import { GATES } from '../recurrent/layout.ts';
import { recurrentTrainForwardMath, trainDims } from '../recurrent-train/reference.ts';
import { directionsOf, layerOutputSlots, weightSlot, type RecurrentLayerAttrs } from './attrs.ts';

export function recurrentLayerReference(inputs: (HostTensor | undefined)[], attrs: RecurrentLayerAttrs): HostTensor[] {
  const x = inputs[0]!;
  const [B, T, I] = x.shape;
  const D = directionsOf(attrs);
  const H = attrs.units;
  const G = GATES[attrs.cell];
  const cols = D * G * H;
  const twoBiases = attrs.cell === 'gru' && attrs.resetAfter;
  // P[b, t, (d, g, j)] = x[b, t]·kernel_d[:, g*H + j] + the input bias; R side by side.
  const projection = new Float64Array(B * T * cols);
  const recurrent = new Float64Array(H * cols);
  const bias = twoBiases ? new Float64Array(D * 2 * G * H) : undefined;
  for (let d = 0; d < D; d++) {
    const kernel = inputs[weightSlot(d, 'kernel')]!.data;
    const rk = inputs[weightSlot(d, 'recurrentKernel')]!.data;
    const b = inputs[weightSlot(d, 'bias')]?.data;
    for (let row = 0; row < B * T; row++) {
      for (let c = 0; c < G * H; c++) {
        let sum = b && !twoBiases ? b[c] : 0;
        for (let i = 0; i < I; i++) sum += x.data[row * I + i] * kernel[i * G * H + c];
        projection[row * cols + d * G * H + c] = sum;
      }
    }
    for (let k = 0; k < H; k++) for (let c = 0; c < G * H; c++) recurrent[k * cols + d * G * H + c] = rk[k * G * H + c];
    if (bias && b) bias.set(b, d * 2 * G * H);
  }
  const trainAttrs = { cell: attrs.cell, hiddenSize: H, numDirections: D, activations: attrs.activations, resetAfter: attrs.resetAfter };
  const { y, hN, cN } = recurrentTrainForwardMath({ projection, recurrent, bias }, trainAttrs, trainDims(trainAttrs, B, T));
  const slots = layerOutputSlots(attrs);
  const out: HostTensor[] = [];
  out[slots.h] = { shape: [B, D, H], data: Float32Array.from(hN) };
  if (slots.c !== undefined) out[slots.c] = { shape: [B, D, H], data: Float32Array.from(cN!) };
  if (slots.y !== undefined) out[slots.y] = merged(y, attrs, B, T, D, H);
  return out;
}

/** y [B, T, D, H] (each direction at its time index) as Keras gives it. */
function merged(y: Float64Array, attrs: RecurrentLayerAttrs, B: number, T: number, D: number, H: number): HostTensor {
  if (D === 1 || attrs.mergeMode === 'concat') return { shape: [B, T, D * H], data: Float32Array.from(y) };
  const data = new Float32Array(B * T * H);
  for (let row = 0; row < B * T; row++) {
    for (let j = 0; j < H; j++) {
      const [a, b] = [y[(row * 2) * H + j], y[(row * 2 + 1) * H + j]];
      data[row * H + j] = attrs.mergeMode === 'sum' ? a + b : attrs.mergeMode === 'ave' ? (a + b) / 2 : a * b;
    }
  }
  return { shape: [B, T, H], data };
}
