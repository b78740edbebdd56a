// Values the importer computes on the host while it builds the graph for one input signature:
// shape computations (Shape -> Gather -> Unsqueeze -> Concat -> Reshape ...) and anything else
// whose inputs are all known then. Integers are kept exactly as doubles (shapes, indices and
// their products stay far below 2^53); floats are float32 values, rounded after every operation
// as ONNX's float32 arithmetic would round them.
import { WgnnError } from '../../errors.ts';
import type { OnnxElemType, OnnxTensor } from '../model.ts';

export type HostKind = 'float' | 'int' | 'bool';

export interface HostValue {
  dims: number[];
  kind: HostKind;
  /** Row-major. int: exact integers, INT64's extremes (ONNX's "to the end") as +-Infinity; bool: 0 or 1. */
  data: Float64Array;
  /** The ONNX type the value goes back as: an int32 result stays int32. */
  elemType: OnnxElemType;
}

/**
 * Elements a host-computed value may have. Shape computations make small tensors; one this large
 * can only come from a corrupt or hostile file (a ConstantOfShape of [1e9]), and is refused before
 * anything is allocated for it.
 */
export const MAX_FOLDED_ELEMENTS = 2 ** 24;

/**
 * Elements all the values folded for one signature may have together: a small file of many
 * large folds (ConstantOfShape then Adds) would otherwise take minutes and gigabytes.
 */
export const FOLD_BUDGET_ELEMENTS = 2 ** 25;

const KIND_OF: Partial<Record<OnnxElemType, HostKind>> = {
  float32: 'float', float16: 'float', bfloat16: 'float', float64: 'float',
  int8: 'int', uint8: 'int', int16: 'int', uint16: 'int', int32: 'int', int64: 'int', uint32: 'int', uint64: 'int',
  bool: 'bool',
};

export function kindOf(where: string, elemType: OnnxElemType): HostKind {
  const kind = KIND_OF[elemType];
  if (!kind) throw new WgnnError(where, `cannot compute with ${elemType} values`);
  return kind;
}

/** The default ONNX type of a kind's results. */
export const ELEM_TYPE_OF: Record<HostKind, OnnxElemType> = { float: 'float32', int: 'int64', bool: 'bool' };

const INT64_EDGE = 2n ** 62n;

export function fromOnnx(where: string, t: OnnxTensor): HostValue {
  const kind = kindOf(where, t.elemType);
  let data: Float64Array;
  if (t.dtype === 'int64' || t.dtype === 'uint64') {
    data = Float64Array.from(t.data as ArrayLike<bigint>, (v) => (v >= INT64_EDGE ? Infinity : v <= -INT64_EDGE ? -Infinity : Number(v)));
  } else if (t.dtype === 'string') {
    throw new WgnnError(where, 'cannot compute with string values');
  } else {
    data = Float64Array.from(t.data);
  }
  return { dims: [...t.dims], kind, data, elemType: t.elemType };
}

const INT64_MAX = 2n ** 63n - 1n;

export function toOnnx(name: string, v: HostValue): OnnxTensor {
  const dims = [...v.dims];
  if (v.kind === 'float') return { name, dims, dtype: 'float32', elemType: 'float32', data: Float32Array.from(v.data) };
  if (v.kind === 'bool') return { name, dims, dtype: 'bool', elemType: 'bool', data: Uint8Array.from(v.data, (x) => (x ? 1 : 0)) };
  if (v.elemType !== 'int64' && v.elemType !== 'uint64' && v.elemType !== 'uint32') {
    return { name, dims, dtype: 'int32', elemType: v.elemType, data: Int32Array.from(v.data) };
  }
  if (v.data.some((x) => Number.isNaN(x))) throw new WgnnError(name, 'computes an integer from NaN');
  const data = BigInt64Array.from(v.data, (x) => (x === Infinity ? INT64_MAX : x === -Infinity ? -INT64_MAX - 1n : BigInt(Math.trunc(x))));
  return { name, dims, dtype: 'int64', elemType: 'int64', data };
}

export function elementCount(where: string, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new WgnnError(where, `computes a shape [${dims.join(', ')}] with an invalid dimension ${d}; dimensions are integers >= 0`);
    n *= d;
  }
  if (n > MAX_FOLDED_ELEMENTS) {
    throw new WgnnError(where, `computes a [${dims.join(', ')}] tensor (${n} elements) from shapes and constants; more than ${MAX_FOLDED_ELEMENTS} is refused as corrupt or hostile`);
  }
  return n;
}

/** A new value of `dims`, its size checked before it is allocated. */
export function allocate(where: string, dims: number[], kind: HostKind, elemType: OnnxElemType = ELEM_TYPE_OF[kind]): HostValue {
  return { dims, kind, data: new Float64Array(elementCount(where, dims)), elemType };
}

export function scalar(v: HostValue, where: string, what: string): number {
  if (v.data.length !== 1) throw new WgnnError(where, `${what} must hold one value, got shape [${v.dims.join(', ')}]`);
  return v.data[0];
}

export function rowMajorStrides(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let d = dims.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * dims[d + 1];
  return strides;
}

/** Integer values (axes, shapes, indices) of a value that must be integers. */
export function integers(v: HostValue, where: string, what: string): number[] {
  if (v.kind === 'float' && v.data.some((x) => !Number.isInteger(x))) throw new WgnnError(where, `${what} must be integers, got [${[...v.data].join(', ')}]`);
  return Array.from(v.data);
}
