// CPU references of the reductions and of arg max / arg min, written from their definitions:
// every input element is sent to the output element that its kept coordinates name, and each
// output applies the kind's formula to the list of values it received (in float64, then
// rounded to float32). NumPy's conventions throughout: an empty list gives the identity of the
// kind (sum 0, prod 1, max -inf, min +inf, mean NaN, log of an empty sum -inf), a NaN among the
// values makes max and min NaN, and arg max / arg min pick the first NaN (the last with selectLast).
import { WgnnError } from '../../errors.ts';
import type { HostTensor } from '../host-tensor.ts';

export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'l1' | 'l2' | 'sumSquare' | 'logSum' | 'logSumExp';

export const REDUCE_KINDS: ReduceKind[] = ['sum', 'mean', 'max', 'min', 'prod', 'l1', 'l2', 'sumSquare', 'logSum', 'logSumExp'];

const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
// Loops, not Math.max(...v): a spread of a long list overflows the call stack.
const largest = (v: number[]) => v.reduce((a, b) => (b > a ? b : a), -Infinity);
const smallest = (v: number[]) => v.reduce((a, b) => (b < a ? b : a), Infinity);

function logSumExp(v: number[]): number {
  const m = v.some(Number.isNaN) ? NaN : largest(v);
  // An infinite (or NaN) maximum is the answer: exp(x - m) would be NaN for x = m = +-inf.
  if (!Number.isFinite(m)) return m;
  return m + Math.log(total(v.map((x) => Math.exp(x - m))));
}

/** The kind's formula over the values one output receives. */
export function reduceValues(kind: ReduceKind, v: number[]): number {
  switch (kind) {
    case 'sum': return total(v);
    case 'mean': return total(v) / v.length;
    case 'max': return v.some(Number.isNaN) ? NaN : largest(v);
    case 'min': return v.some(Number.isNaN) ? NaN : smallest(v);
    case 'prod': return v.reduce((a, b) => a * b, 1);
    case 'l1': return total(v.map(Math.abs));
    case 'l2': return Math.sqrt(total(v.map((x) => x * x)));
    case 'sumSquare': return total(v.map((x) => x * x));
    case 'logSum': return Math.log(total(v));
    case 'logSumExp': return logSumExp(v);
  }
}

/** The output shape of reducing `axes` (normalized) of `shape`; reduced axes stay as 1 with keepDims. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  return shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
}

/** For every input element (row-major), the row-major index of the output element it belongs to. */
function outputIndexOf(shape: readonly number[], axes: readonly number[]): Int32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const owner = new Int32Array(count);
  const coords = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) if (!axes.includes(d)) o = o * shape[d] + coords[d];
    owner[i] = o;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  return owner;
}

/** Reduces `axes` (normalized; empty: nothing is reduced, each output is the kind over one value). */
export function reduceReference(x: HostTensor, kind: ReduceKind, axes: readonly number[], keepDims: boolean): HostTensor {
  const shape = reducedShape(x.shape, axes, keepDims);
  const lists: number[][] = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => []);
  const owner = outputIndexOf(x.shape, axes);
  for (let i = 0; i < x.data.length; i++) lists[owner[i]].push(x.data[i]);
  return { shape, data: Float32Array.from(lists, (v) => reduceValues(kind, v)) };
}

/** The position of the largest (max) or smallest (min) value; ties and NaNs as the header says. */
export function argOf(kind: 'max' | 'min', v: ArrayLike<number>, selectLast: boolean): number {
  const order = Array.from(v, (_, k) => k);
  if (selectLast) order.reverse();
  let best = order[0];
  for (const k of order) {
    if (Number.isNaN(v[best])) break;
    if (Number.isNaN(v[k]) || (kind === 'max' ? v[k] > v[best] : v[k] < v[best])) best = k;
  }
  return best;
}

/**
 * Arg max / arg min along `axis` (normalized): int32 positions (carried in HostTensor's data
 * array as an Int32Array, as the CPU backend moves int32 tensors).
 */
export function argReduceReference(x: HostTensor, kind: 'max' | 'min', axis: number, keepDims: boolean, selectLast: boolean): HostTensor {
  const len = x.shape[axis];
  if (len === 0) throw new WgnnError(`arg${kind}`, `axis ${axis} of [${x.shape.join(', ')}] is empty; arg ${kind} needs at least one value`);
  const shape = reducedShape(x.shape, [axis], keepDims);
  const lists: number[][] = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => []);
  const owner = outputIndexOf(x.shape, [axis]);
  for (let i = 0; i < x.data.length; i++) lists[owner[i]].push(x.data[i]);
  const data = Int32Array.from(lists, (v) => argOf(kind, v, selectLast));
  return { shape, data: data as unknown as Float32Array };
}
