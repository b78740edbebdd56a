// CPU twins of Slice, Expand and Tile, written from their definitions (not from the kernel's
// begin/step/mod form). Generic over the element array, so the ONNX importer's host folder
// computes shapes with them in float64 and the CPU backend moves int32 tensors unchanged.
import { broadcastShapes } from '../../shape.ts';

export type NumericArray = Float32Array | Float64Array | Int32Array;

export interface ArrayTensor<T extends NumericArray = NumericArray> {
  shape: number[];
  data: T;
}

/** One axis of a slice: `size` elements from `begin`, `step` apart (negative: backwards). */
export interface SliceAxis {
  begin: number;
  step: number;
  size: number;
}

/** A new array of the same kind as `like`. */
export function arrayLike<T extends NumericArray>(like: T, length: number): T {
  return new (like.constructor as new (n: number) => T)(length);
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/** Calls `visit(outIndex, coords)` for every element of `shape` in row-major order. */
function eachCoordinate(shape: readonly number[], visit: (index: number, coords: number[]) => void): void {
  const count = shape.reduce((a, b) => a * b, 1);
  const coords = new Array<number>(shape.length).fill(0);
  for (let index = 0; index < count; index++) {
    visit(index, coords);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
}

/** out[c] = x[begin + c * step], axis by axis. */
export function sliceReference<T extends NumericArray>(x: ArrayTensor<T>, axes: readonly SliceAxis[]): ArrayTensor<T> {
  const shape = axes.map((a) => a.size);
  const strides = stridesOf(x.shape);
  const data = arrayLike(x.data, shape.reduce((a, b) => a * b, 1));
  eachCoordinate(shape, (i, c) => {
    let offset = 0;
    for (let d = 0; d < c.length; d++) offset += (axes[d].begin + c[d] * axes[d].step) * strides[d];
    data[i] = x.data[offset];
  });
  return { shape, data };
}

/** NumPy broadcasting of x to `target` (ONNX Expand: the result has the broadcast of both shapes). */
export function expandReference<T extends NumericArray>(where: string, x: ArrayTensor<T>, target: readonly number[]): ArrayTensor<T> {
  const shape = broadcastShapes(where, x.shape, target);
  const lead = shape.length - x.shape.length;
  const strides = stridesOf(x.shape);
  const data = arrayLike(x.data, shape.reduce((a, b) => a * b, 1));
  eachCoordinate(shape, (i, c) => {
    let offset = 0;
    for (let d = 0; d < x.shape.length; d++) if (x.shape[d] !== 1) offset += c[lead + d] * strides[d];
    data[i] = x.data[offset];
  });
  return { shape, data };
}

/** x repeated `repeats[d]` times along each axis d. */
export function tileReference<T extends NumericArray>(x: ArrayTensor<T>, repeats: readonly number[]): ArrayTensor<T> {
  const shape = x.shape.map((d, i) => d * repeats[i]);
  const strides = stridesOf(x.shape);
  const data = arrayLike(x.data, shape.reduce((a, b) => a * b, 1));
  eachCoordinate(shape, (i, c) => {
    let offset = 0;
    for (let d = 0; d < c.length; d++) offset += (c[d] % x.shape[d]) * strides[d];
    data[i] = x.data[offset];
  });
  return { shape, data };
}
