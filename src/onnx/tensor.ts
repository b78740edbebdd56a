// TensorProto -> OnnxTensor: validates dims, data source and length against each other before
// allocating, then widens the data to the storage types listed in model.ts.
import { WgnnError } from '../errors.ts';
import { onnx } from './generated/onnx-pb.js';
import { int64ToBigInt, int64ToNumber, type Int64 } from './int64.ts';
import { checkedElementCount } from './limits.ts';
import type { OnnxElemType, OnnxTensor } from './model.ts';

type TypedField = 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData';
const TYPED_FIELDS: TypedField[] = ['floatData', 'int32Data', 'int64Data', 'doubleData', 'uint64Data', 'stringData'];

/** Per data_type: its name, bytes per element in raw_data, and the typed field that may hold it. */
interface ElemSpec {
  name: OnnxElemType;
  bytes: number;
  field: TypedField;
  /** Why the type cannot be decoded; undefined when it can. */
  unsupported?: string;
}

const NOT_FOR_GPU = 'not a type wgnn computes in';
const ELEM: Record<number, ElemSpec> = {
  1: { name: 'float32', bytes: 4, field: 'floatData' },
  2: { name: 'uint8', bytes: 1, field: 'int32Data' },
  3: { name: 'int8', bytes: 1, field: 'int32Data' },
  4: { name: 'uint16', bytes: 2, field: 'int32Data' },
  5: { name: 'int16', bytes: 2, field: 'int32Data' },
  6: { name: 'int32', bytes: 4, field: 'int32Data' },
  7: { name: 'int64', bytes: 8, field: 'int64Data' },
  8: { name: 'string', bytes: 0, field: 'stringData' },
  9: { name: 'bool', bytes: 1, field: 'int32Data' },
  10: { name: 'float16', bytes: 2, field: 'int32Data' },
  11: { name: 'float64', bytes: 8, field: 'doubleData' },
  12: { name: 'uint32', bytes: 4, field: 'uint64Data' },
  13: { name: 'uint64', bytes: 8, field: 'uint64Data' },
  14: { name: 'complex64', bytes: 8, field: 'floatData', unsupported: NOT_FOR_GPU },
  15: { name: 'complex128', bytes: 16, field: 'doubleData', unsupported: NOT_FOR_GPU },
  16: { name: 'bfloat16', bytes: 2, field: 'int32Data' },
  17: { name: 'float8e4m3fn', bytes: 1, field: 'int32Data', unsupported: NOT_FOR_GPU },
  18: { name: 'float8e4m3fnuz', bytes: 1, field: 'int32Data', unsupported: NOT_FOR_GPU },
  19: { name: 'float8e5m2', bytes: 1, field: 'int32Data', unsupported: NOT_FOR_GPU },
  20: { name: 'float8e5m2fnuz', bytes: 1, field: 'int32Data', unsupported: NOT_FOR_GPU },
  21: { name: 'uint4', bytes: 0, field: 'int32Data', unsupported: NOT_FOR_GPU },
  22: { name: 'int4', bytes: 0, field: 'int32Data', unsupported: NOT_FOR_GPU },
  23: { name: 'float4e2m1', bytes: 0, field: 'int32Data', unsupported: NOT_FOR_GPU },
  24: { name: 'float8e8m0', bytes: 1, field: 'int32Data', unsupported: NOT_FOR_GPU },
  25: { name: 'uint2', bytes: 0, field: 'int32Data', unsupported: NOT_FOR_GPU },
  26: { name: 'int2', bytes: 0, field: 'int32Data', unsupported: NOT_FOR_GPU },
};

/** The TensorProto.DataType code of an element type (the builder writes it). */
export function elemTypeCode(name: OnnxElemType): number {
  return Number(Object.keys(ELEM).find((code) => ELEM[Number(code)].name === name));
}

/** The name of an ONNX element type code, or a WgnnError for codes ONNX does not define. */
export function elemTypeName(code: number, where: string): OnnxElemType {
  const spec = ELEM[code];
  if (!spec) throw new WgnnError(where, `unknown element type code ${code} (ONNX defines 1 to 26)`);
  return spec.name;
}

/** Validates and converts one TensorProto; `where` names it in errors (initializer, attribute, file). */
export function convertTensor(t: onnx.TensorProto, where: string): OnnxTensor {
  const spec = ELEM[t.dataType];
  if (!spec) throw new WgnnError(where, `unknown or missing data_type ${t.dataType} (ONNX defines 1 to 26)`);
  if (spec.unsupported) throw new WgnnError(where, `element type ${spec.name} is ${spec.unsupported}`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || t.externalData.length > 0) {
    const location = t.externalData.find((e) => e.key === 'location')?.value ?? '?';
    throw new WgnnError(
      where,
      `data is stored outside the model (external data, location "${location}"), which wgnn does not ` +
        'load; save the model with all tensors inside it (onnx.save_model(..., save_as_external_data=False))',
    );
  }
  if (t.segment) throw new WgnnError(where, 'segmented tensors (TensorProto.segment) are not supported');

  const dims = t.dims.map((d: Int64, i: number) => {
    const n = int64ToNumber(d, where, `dims[${i}]`);
    if (n < 0) throw new WgnnError(where, `dims[${i}] is ${n}; tensor dims must be >= 0`);
    return n;
  });
  const count = checkedElementCount(dims, where);
  const shape = `[${dims.join(', ')}]`;

  const raw = t.rawData;
  const present = TYPED_FIELDS.filter((f) => t[f].length > 0);
  if (present.some((f) => f !== spec.field) || (raw.length > 0 && present.length > 0)) {
    const found = [...present, ...(raw.length > 0 ? ['rawData'] : [])].map(protoName).join(', ');
    throw new WgnnError(where, `${spec.name} data must be in raw_data or ${protoName(spec.field)} alone; found ${found}`);
  }
  if (raw.length > 0 || (present.length === 0 && spec.name !== 'string')) {
    const need = count * spec.bytes;
    if (spec.name === 'string') throw new WgnnError(where, 'string tensors cannot use raw_data');
    if (raw.length === 0 && need > 0) {
      throw new WgnnError(where, `shape ${shape} needs ${count} values but neither raw_data nor ${protoName(spec.field)} holds any`);
    }
    if (raw.length !== need) {
      throw new WgnnError(
        where,
        `raw_data has ${raw.length} bytes but shape ${shape} of ${spec.name} needs ${need} (${count} x ${spec.bytes})`,
      );
    }
    return { name: t.name, dims, elemType: spec.name, ...fromRaw(spec, copyLittleEndian(raw, spec.bytes)) } as OnnxTensor;
  }
  const values = t[spec.field];
  if (values.length !== count) {
    throw new WgnnError(where, `${protoName(spec.field)} has ${values.length} values but shape ${shape} needs ${count}`);
  }
  return { name: t.name, dims, elemType: spec.name, ...fromTyped(spec, values) } as OnnxTensor;
}

/** The field's name in onnx.proto, for messages: int32Data -> int32_data. */
const protoName = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Data = Pick<OnnxTensor, 'dtype' | 'data'>;

/** A copy of raw_data in host byte order, in its own aligned buffer (raw_data sits at any offset). */
function copyLittleEndian(raw: Uint8Array, width: number): ArrayBuffer {
  const copy = new Uint8Array(raw);
  if (!HOST_LITTLE_ENDIAN && width > 1) {
    for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  }
  return copy.buffer;
}
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fromRaw(spec: ElemSpec, buf: ArrayBuffer): Data {
  switch (spec.name) {
    case 'float32': return { dtype: 'float32', data: new Float32Array(buf) };
    case 'float64': return { dtype: 'float32', data: Float32Array.from(new Float64Array(buf)) };
    case 'float16': return { dtype: 'float32', data: Float32Array.from(new Uint16Array(buf), halfToFloat) };
    case 'bfloat16': return { dtype: 'float32', data: Float32Array.from(new Uint16Array(buf), bfloatToFloat) };
    case 'int8': return { dtype: 'int32', data: Int32Array.from(new Int8Array(buf)) };
    case 'uint8': return { dtype: 'int32', data: Int32Array.from(new Uint8Array(buf)) };
    case 'int16': return { dtype: 'int32', data: Int32Array.from(new Int16Array(buf)) };
    case 'uint16': return { dtype: 'int32', data: Int32Array.from(new Uint16Array(buf)) };
    case 'int32': return { dtype: 'int32', data: new Int32Array(buf) };
    case 'uint32': return { dtype: 'int64', data: BigInt64Array.from(new Uint32Array(buf), BigInt) };
    case 'int64': return { dtype: 'int64', data: new BigInt64Array(buf) };
    case 'uint64': return { dtype: 'uint64', data: new BigUint64Array(buf) };
    case 'bool': return { dtype: 'bool', data: Uint8Array.from(new Uint8Array(buf), (v) => (v ? 1 : 0)) };
    default: throw new Error(`unreachable: raw ${spec.name}`);
  }
}

function fromTyped(spec: ElemSpec, values: unknown[]): Data {
  const nums = values as number[];
  const longs = values as Int64[];
  switch (spec.name) {
    case 'float32':
    case 'float64': return { dtype: 'float32', data: Float32Array.from(nums) };
    // int32_data holds the 16-bit patterns of float16 and bfloat16, and narrow ints sign-/zero-extended.
    case 'float16': return { dtype: 'float32', data: Float32Array.from(new Uint16Array(nums), halfToFloat) };
    case 'bfloat16': return { dtype: 'float32', data: Float32Array.from(new Uint16Array(nums), bfloatToFloat) };
    case 'int8': return { dtype: 'int32', data: Int32Array.from(new Int8Array(nums)) };
    case 'uint8': return { dtype: 'int32', data: Int32Array.from(new Uint8Array(nums)) };
    case 'int16': return { dtype: 'int32', data: Int32Array.from(new Int16Array(nums)) };
    case 'uint16': return { dtype: 'int32', data: Int32Array.from(new Uint16Array(nums)) };
    case 'int32': return { dtype: 'int32', data: Int32Array.from(nums) };
    case 'bool': return { dtype: 'bool', data: Uint8Array.from(nums, (v) => (v ? 1 : 0)) };
    case 'int64': return { dtype: 'int64', data: BigInt64Array.from(longs, int64ToBigInt) };
    case 'uint32': return { dtype: 'int64', data: BigInt64Array.from(longs, (v) => BigInt.asUintN(32, int64ToBigInt(v))) };
    case 'uint64': return { dtype: 'uint64', data: BigUint64Array.from(longs, (v) => BigInt.asUintN(64, int64ToBigInt(v))) };
    case 'string': return { dtype: 'string', data: (values as Uint8Array[]).map(utf8) };
    default: throw new Error(`unreachable: typed ${spec.name}`);
  }
}

const decoder = new TextDecoder();
export const utf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

/** An IEEE half-precision bit pattern as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bfloatBits = new Uint32Array(1);
const bfloatValue = new Float32Array(bfloatBits.buffer);
function bfloatToFloat(b: number): number {
  bfloatBits[0] = b << 16;
  return bfloatValue[0];
}
