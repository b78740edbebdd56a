// Host-side data for the benchmark: seeded arrays (every engine gets the same values), the
// layout conversions that give ONNX Runtime its NCHW / OIHW / seq-major forms of those same
// arrays, and the agreement check that must pass before a time is reported.

/** mulberry32: the same seed gives the same workload on every engine and every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** `count` values uniform in [lo, hi). */
  floats(count: number, lo = -1, hi = 1): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }
  /** Glorot-uniform, as Keras initializes kernels: keeps activations out of saturation. */
  glorot(shape: number[], fanIn: number, fanOut: number): Float32Array {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.floats(size(shape), -limit, limit);
  }
}

export const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Moves axes: out[perm-ordered index] = x[index]; `perm[i]` is the input axis that becomes output axis i. */
export function transpose(x: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) inStrides[i] = s;
  const stride = perm.map((p) => inStrides[p]);
  const out = new Float32Array(x.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * stride[d];
    out[o] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export const nhwcToNchw = (x: Float32Array, [n, h, w, c]: number[]) => transpose(x, [n, h, w, c], [0, 3, 1, 2]);
export const nchwToNhwc = (x: Float32Array, [n, c, h, w]: number[]) => transpose(x, [n, c, h, w], [0, 2, 3, 1]);
/** Keras conv kernel [KH, KW, Cin, Cout] to ONNX Conv weights [Cout, Cin, KH, KW]. */
export const hwioToOihw = (k: Float32Array, [kh, kw, ci, co]: number[]) => transpose(k, [kh, kw, ci, co], [3, 2, 0, 1]);
/** Keras depthwise kernel [KH, KW, C, 1] to ONNX grouped Conv weights [C, 1, KH, KW]. */
export const depthwiseToOihw = (k: Float32Array, [kh, kw, c]: number[]) => transpose(k, [kh, kw, c], [2, 0, 1]);

/**
 * Agreement with the reference: every element within atol + rtol * |ref|. float32 engines sum in
 * different orders, so the error of a length-k reduction grows like sqrt(k): atol is scaled by it
 * (shared/ENGINEERING.md). rtol 1e-3 and atol 1e-4 * sqrt(k) are looser than the unit tests'
 * 1e-4 / 1e-5 because peers use their own transcendental functions (tanh, exp) and their own
 * summation order, and recurrent workloads carry errors across 100 steps.
 */
export const RTOL = 1e-3;
export const ATOL_PER_SQRT_K = 1e-4;

export interface Agreement {
  agrees: boolean;
  maxAbsError: number;
  badCount: number;
  /** First element out of tolerance, for the report. */
  firstBad?: { index: number; actual: number; expected: number };
}

export function agreement(actual: Float32Array, expected: Float32Array, k: number): Agreement {
  if (actual.length !== expected.length) {
    return { agrees: false, maxAbsError: Infinity, badCount: Math.max(actual.length, expected.length), firstBad: { index: -1, actual: actual.length, expected: expected.length } };
  }
  const atol = ATOL_PER_SQRT_K * Math.sqrt(k);
  let maxAbsError = 0;
  let badCount = 0;
  let firstBad: Agreement['firstBad'];
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + RTOL * Math.abs(expected[i]))) {
      badCount++;
      firstBad ??= { index: i, actual: actual[i], expected: expected[i] };
    }
    if (!(err <= maxAbsError)) maxAbsError = err; // NaN propagates into the report
  }
  return { agrees: badCount === 0, maxAbsError, badCount, firstBad };
}
