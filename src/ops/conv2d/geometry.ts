// Window geometry shared by convolution, transposed convolution and pooling: the user's
// 1-D or 2-D spec (kernel, strides, dilations, padding mode or explicit pads) resolved to
// 2-D numbers. 1-D is 2-D with a height of 1, never a separate code path.
import { WgnnError } from '../../errors.ts';

/**
 * 'valid' = no padding; 'same' = 'same-upper' (ONNX SAME_UPPER, Keras/TF 'same'): the output is
 * ceil(input / stride) and an odd total pad puts the extra at the end; 'same-lower' puts it at the
 * start. Explicit pads are [top, left, bottom, right] in 2-D, [begin, end] in 1-D.
 */
export type Padding = 'valid' | 'same' | 'same-upper' | 'same-lower' | readonly number[];

export type Pair = [number, number];
export type Pads = [top: number, left: number, bottom: number, right: number];

/** A 1-D value ([x] or x) becomes [1, x] (height 1); 2-D values are checked and passed through. */
export function pairOf(where: string, name: string, value: number | readonly number[] | undefined, fallback: number, rank: 1 | 2): Pair {
  const values = value === undefined ? new Array<number>(rank).fill(fallback) : typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (values.length !== rank || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new WgnnError(where, `${name} [${values.join(', ')}] must be ${rank} integer(s) >= 1`);
  }
  return rank === 1 ? [1, values[0]] : [values[0], values[1]];
}

function samePads(size: number, kernel: number, stride: number, dilation: number, lower: boolean): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size);
  const small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}

export function resolvePads(where: string, padding: Padding | undefined, spatial: Pair, kernel: Pair, strides: Pair, dilations: Pair, rank: 1 | 2): Pads {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same' || padding === 'same-upper' || padding === 'same-lower') {
    const lower = padding === 'same-lower';
    const [top, bottom] = samePads(spatial[0], kernel[0], strides[0], dilations[0], lower);
    const [left, right] = samePads(spatial[1], kernel[1], strides[1], dilations[1], lower);
    return [top, left, bottom, right];
  }
  if (typeof padding === 'string') {
    throw new WgnnError(where, `padding '${padding}' is not one of 'valid', 'same', 'same-upper', 'same-lower' or explicit pads`);
  }
  const want = rank === 1 ? 2 : 4;
  if (padding.length !== want || padding.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new WgnnError(where, `pads [${padding.join(', ')}] must be ${want} integers >= 0 (${rank === 1 ? 'begin, end' : 'top, left, bottom, right'})`);
  }
  return rank === 1 ? [0, padding[0], 0, padding[1]] : [padding[0], padding[1], padding[2], padding[3]];
}

/** floor((size + pads - dilation*(kernel-1) - 1) / stride) + 1 along one axis; may be <= 0. */
export function convOutputSize(size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number): number {
  return Math.floor((size + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}
