// The decoded ONNX model: plain, typed, validated data with no protobuf objects left in it.
// The importer reads this; it never sees the wire format.

/** ONNX element types by their TensorProto.DataType name, lower-cased (FLOAT -> 'float32'). */
export type OnnxElemType =
  | 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'float64' | 'uint32' | 'uint64' | 'complex64' | 'complex128' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4'
  | 'float4e2m1' | 'float8e8m0' | 'uint2' | 'int2';

/**
 * Tensor data is widened to a few storage types, exactly except float64:
 * float16, bfloat16, float32 and float64 -> Float32Array (float64 rounds to nearest float32);
 * int8, uint8, int16, uint16, int32 -> Int32Array; uint32, int64 -> BigInt64Array;
 * uint64 -> BigUint64Array; bool -> Uint8Array of 0/1; string -> UTF-8 decoded strings.
 * Complex, float8, 4-bit and 2-bit types are rejected. `elemType` keeps the type the file declared.
 */
export type OnnxTensor =
  | TensorOf<'float32', Float32Array>
  | TensorOf<'int32', Int32Array>
  | TensorOf<'int64', BigInt64Array>
  | TensorOf<'uint64', BigUint64Array>
  | TensorOf<'bool', Uint8Array>
  | TensorOf<'string', string[]>;

export type OnnxDtype = OnnxTensor['dtype'];

interface TensorOf<D extends string, A> {
  name: string;
  /** Non-negative; [] is a scalar. */
  dims: number[];
  dtype: D;
  elemType: OnnxElemType;
  /** Row-major, product(dims) elements. */
  data: A;
}

/** A known size, a symbolic one (dim_param) or an unknown one (null). */
export type Dim = number | string | null;

export type ValueType =
  /** `shape` is null when the rank itself is unknown. */
  | { kind: 'tensor'; elemType: OnnxElemType; shape: Dim[] | null }
  | { kind: 'sequence' | 'map' | 'optional' | 'sparse_tensor' | 'opaque' | 'unknown' };

export interface ValueInfo {
  name: string;
  type: ValueType;
}

export type AttributeValue =
  | { type: 'float'; value: number }
  /** int64 on the wire: INT64_MAX/INT64_MIN become +-Infinity, other values past 2^53 are rejected. */
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'graph'; value: OnnxGraph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: OnnxTensor[] }
  | { type: 'graphs'; value: OnnxGraph[] }
  /** Kept by name only, so the importer can say which node needs it. */
  | { type: 'sparse_tensor' | 'sparse_tensors' | 'type_proto' | 'type_protos' };

export interface OnnxNode {
  name: string;
  opType: string;
  /** '' is the default ai.onnx domain. */
  domain: string;
  /** '' marks an omitted optional input or output. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface OnnxGraph {
  name: string;
  /** Graph inputs, initializer names included when the file lists them (IR < 4 does). */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  /** Intermediate values the file annotates with a type. */
  valueInfo: ValueInfo[];
  initializers: OnnxTensor[];
  nodes: OnnxNode[];
}

export interface OpsetImport {
  /** '' is ai.onnx. */
  domain: string;
  version: number;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsetImports: OpsetImport[];
  graph: OnnxGraph;
  /** Number of model-local functions; their bodies are not decoded. */
  functionCount: number;
}
