// Small helpers for the CPU reference tests: a seeded generator, tensor builders, an NCHW/NHWC
// transpose, and a closeness check whose failure message names the first bad index.
import { expect } from 'vitest';
import type { HostTensor } from '../../src/ops/host-tensor.ts';

/** mulberry32: a tiny seeded generator; returns uniform numbers in [-1, 1). */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

export function randomTensor(random: () => number, shape: number[]): HostTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random();
  return { shape, data };
}

export function tensor(shape: number[], values: number[]): HostTensor {
  return { shape, data: Float32Array.from(values) };
}

/** Inner product in float64. */
export function dot(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** out[i_perm[0], i_perm[1], ...] = x[i_0, i_1, ...]: numpy.transpose(x, perm). */
export function transpose(x: HostTensor, perm: number[]): HostTensor {
  const rank = x.shape.length;
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * x.shape[i + 1];
  const data = new Float32Array(x.data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * inStrides[perm[d]];
    data[o] = x.data[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return { shape: outShape, data };
}

export const nchwToNhwc = (x: HostTensor): HostTensor => transpose(x, [0, 2, 3, 1]);
export const nhwcToNchw = (x: HostTensor): HostTensor => transpose(x, [0, 3, 1, 2]);

/** Same shape and |actual - expected| <= atol + rtol*|expected| everywhere (NaN matches NaN). */
export function expectClose(actual: HostTensor, expected: HostTensor, atol = 1e-6, rtol = 1e-6): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.data.length).toBe(expected.data.length);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    const ok = (Number.isNaN(a) && Number.isNaN(e)) || a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    expect.fail(
      `${bad} of ${expected.data.length} elements differ; first at flat index ${first}: ` +
        `got ${actual.data[first]}, expected ${expected.data[first]} (atol ${atol}, rtol ${rtol}, shape [${expected.shape.join(', ')}])`,
    );
  }
}
