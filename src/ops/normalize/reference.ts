// CPU references of layer and instance normalization, written from their definitions and
// computed in float64:
//   layer norm (ONNX LayerNormalization): for each index p of the axes before `axis`, over all
//     positions q of the normalized axes axis..r-1:
//       mean[p] = sum_q x[p, q] / Q,  variance[p] = sum_q (x[p, q] - mean[p])^2 / Q
//       invStdDev[p] = 1 / sqrt(variance[p] + epsilon)
//       y[p, q] = (x[p, q] - mean[p]) * invStdDev[p] * scale[q] + bias[q]
//   instance norm (ONNX InstanceNormalization): for each batch entry n and channel c, the same
//     over the spatial positions s, with scale[c] and bias[c].
import { WgnnError } from '../../errors.ts';
import { formatShape, normalizeAxis, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength } from '../reference-checks.ts';

export interface LayerNormResult {
  y: HostTensor;
  /** [dims before axis, then 1 per normalized axis] */
  mean: HostTensor;
  invStdDev: HostTensor;
}

const dropLeadingOnes = (shape: readonly number[]) => shape.slice(Math.max(shape.findIndex((d) => d !== 1), 0)).join();

/** scale (and bias) have the normalized shape x.shape[axis..]; leading 1s on either side aside. */
export function checkNormalizedShape(where: string, name: string, t: readonly number[], normalized: readonly number[]): void {
  if (sizeOf(t) !== sizeOf(normalized) || dropLeadingOnes(t) !== dropLeadingOnes(normalized)) {
    throw new WgnnError(where, `${name} ${formatShape(t)} must have the normalized shape ${formatShape(normalized)}`);
  }
}

export function layerNormReference(x: HostTensor, scale: HostTensor, bias: HostTensor | undefined, axis: number, epsilon: number): LayerNormResult {
  const where = 'layerNormReference';
  checkDataLength(where, 'x', x);
  const r = x.shape.length;
  const a = normalizeAxis(where, axis, r);
  const normalized = x.shape.slice(a);
  for (const [name, t] of [['scale', scale], ['bias', bias]] as const) {
    if (!t) continue;
    checkDataLength(where, name, t);
    checkNormalizedShape(where, name, t.shape, normalized);
  }
  const Q = sizeOf(normalized);
  const P = sizeOf(x.shape.slice(0, a));
  const y = new Float32Array(x.data.length);
  const mean = new Float32Array(P);
  const invStdDev = new Float32Array(P);
  for (let p = 0; p < P; p++) {
    const at = (q: number) => p * Q + q;
    let sum = 0;
    for (let q = 0; q < Q; q++) sum += x.data[at(q)];
    const m = sum / Q;
    let squares = 0;
    for (let q = 0; q < Q; q++) squares += (x.data[at(q)] - m) ** 2;
    const inv = 1 / Math.sqrt(squares / Q + epsilon);
    for (let q = 0; q < Q; q++) y[at(q)] = (x.data[at(q)] - m) * inv * scale.data[q] + (bias ? bias.data[q] : 0);
    mean[p] = m;
    invStdDev[p] = inv;
  }
  const statsShape = [...x.shape.slice(0, a), ...normalized.map(() => 1)];
  return { y: { shape: [...x.shape], data: y }, mean: { shape: statsShape, data: mean }, invStdDev: { shape: [...statsShape], data: invStdDev } };
}

export type ChannelLayout = 'channelsFirst' | 'channelsLast';

/** x: [N, C, spatial...] (channelsFirst) or [N, spatial..., C] (channelsLast); scale, bias: [C]. */
export function instanceNormReference(x: HostTensor, scale: HostTensor, bias: HostTensor | undefined, epsilon: number, layout: ChannelLayout): HostTensor {
  const where = 'instanceNormReference';
  checkDataLength(where, 'x', x);
  const r = x.shape.length;
  if (r < 3) throw new WgnnError(where, `x ${formatShape(x.shape)} needs rank >= 3: batch, channels and at least one spatial axis`);
  const N = x.shape[0];
  const C = layout === 'channelsFirst' ? x.shape[1] : x.shape[r - 1];
  const S = sizeOf(layout === 'channelsFirst' ? x.shape.slice(2) : x.shape.slice(1, r - 1));
  for (const [name, t] of [['scale', scale], ['bias', bias]] as const) {
    if (t && (t.shape.join() !== `${C}` || t.data.length !== C)) throw new WgnnError(where, `${name} ${formatShape(t.shape)} must be [${C}], one value per channel of x ${formatShape(x.shape)} (${layout})`);
  }
  const index = layout === 'channelsFirst' ? (n: number, c: number, s: number) => (n * C + c) * S + s : (n: number, c: number, s: number) => (n * S + s) * C + c;
  const y = new Float32Array(x.data.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let s = 0; s < S; s++) sum += x.data[index(n, c, s)];
      const m = sum / S;
      let squares = 0;
      for (let s = 0; s < S; s++) squares += (x.data[index(n, c, s)] - m) ** 2;
      const inv = 1 / Math.sqrt(squares / S + epsilon);
      for (let s = 0; s < S; s++) y[index(n, c, s)] = (x.data[index(n, c, s)] - m) * inv * scale.data[c] + (bias ? bias.data[c] : 0);
    }
  }
  return { shape: [...x.shape], data: y };
}
