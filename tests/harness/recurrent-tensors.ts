// Slicing helpers for the recurrent reference tests: pieces of [T, B, I] inputs, [D, B, H]
// states and [T, D, B, H] outputs.
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { expectClose } from './compare.ts';
import { Random } from './random.ts';

/** Rows [from, to) of dim 0, as a tensor of its own. */
export function sliceDim0(t: HostTensor, from: number, to: number): HostTensor {
  const inner = t.data.length / t.shape[0];
  return { shape: [to - from, ...t.shape.slice(1)], data: t.data.slice(from * inner, to * inner) };
}
/** [T, B, ...] with time reversed. */
export function reverseTime(x: HostTensor): HostTensor {
  const T = x.shape[0];
  const step = x.data.length / T;
  const data = new Float32Array(x.data.length);
  for (let t = 0; t < T; t++) data.set(x.data.subarray(t * step, (t + 1) * step), (T - 1 - t) * step);
  return { shape: [...x.shape], data };
}
/** Batch entry b of a [T, B, I] tensor (its first `length` steps) as [length, 1, I]. */
export function batchEntry(x: HostTensor, b: number, length: number): HostTensor {
  const [, B, I] = x.shape;
  const data = new Float32Array(length * I);
  for (let t = 0; t < length; t++) data.set(x.data.subarray((t * B + b) * I, (t * B + b + 1) * I), t * I);
  return { shape: [length, 1, I], data };
}
/** Entry b of a [D, B, H] state as [D, 1, H]. */
export function stateEntry(s: HostTensor, b: number): HostTensor {
  const [D, B, H] = s.shape;
  const data = new Float32Array(D * H);
  for (let d = 0; d < D; d++) data.set(s.data.subarray((d * B + b) * H, (d * B + b + 1) * H), d * H);
  return { shape: [D, 1, H], data };
}
/** Y[t, d, b, :] for all t of a [T, D, B, H] output. */
export function yAt(y: HostTensor, d: number, b: number): number[] {
  const [T, D, B, H] = y.shape;
  const out: number[] = [];
  for (let t = 0; t < T; t++) out.push(...y.data.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H));
  return out;
}

/** The seeded helpers each recurrent reference test file uses: inputs, and the comparison with its seed. */
export function referenceKit(seed: number) {
  const rng = new Random(seed);
  return {
    rng,
    tensor: (shape: number[], values: number[]): HostTensor => ({ shape, data: Float32Array.from(values) }),
    random: (shape: number[], scale = 0.6): HostTensor => ({ shape, data: rng.floats(shape.reduce((p, d) => p * d, 1), -scale, scale) }),
    /** References agree to float32 rounding, hence the tight default. */
    expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, atol = 1e-6): void {
      expectClose(label, actual, expected, { atol, rtol: atol === 0 ? 0 : 1e-5 }, { seed, shape: [actual.length] });
    },
  };
}
