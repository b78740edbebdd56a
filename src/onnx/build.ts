// Builds ONNX ModelProto / TensorProto bytes with the same generated protobuf code the decoder
// uses. For tests (valid and deliberately broken models) and the benchmark (identical models for
// wgnn and ONNX Runtime Web). It validates nothing, so a test can write any shape or byte count;
// tweak the message from modelProto()/tensorProto() before encoding for corruptions it cannot express.
import protobuf from 'protobufjs/minimal.js';
import { onnx } from './generated/onnx-pb.js';
import type { AttributeValue, Dim, OnnxElemType, OpsetImport } from './model.ts';
import { elemTypeCode } from './tensor.ts';

type Int64 = onnx.TensorProto['int64Data'][number];

export interface TensorSpec {
  name: string;
  dims: number[];
  /** float32 by default; values go in as given, so use Float32Array for exact float32 data. */
  elemType?: 'float32' | 'float64' | 'int32' | 'int64' | 'int8' | 'uint8' | 'bool';
  data: ArrayLike<number> | BigInt64Array;
  /** 'raw' (the default, as exporters write) puts little-endian bytes in raw_data. */
  encoding?: 'raw' | 'typed';
}

export interface ValueSpec {
  name: string;
  elemType?: OnnxElemType;
  /** Omitted: rank unknown. Strings are symbolic dims, null unknown ones. */
  shape?: Dim[];
}

/** Attribute values as the decoder returns them, except tensors, which are TensorSpecs. */
export type AttributeSpec =
  | Extract<AttributeValue, { type: 'float' | 'int' | 'string' | 'floats' | 'ints' | 'strings' }>
  | { type: 'tensor'; value: TensorSpec };

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, AttributeSpec>;
}

export interface ModelSpec {
  nodes: NodeSpec[];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  initializers?: TensorSpec[];
  /** ai.onnx opset, 17 by default; or the full list in opsetImports. */
  opset?: number;
  opsetImports?: OpsetImport[];
  graphName?: string;
  /** 8 by default (ONNX 1.10+, opsets up to 17 and beyond). */
  irVersion?: number;
}

/** Shorthands for typed attributes: attr.ints([2, 2]), attr.float(0.2). */
export const attr = {
  float: (value: number): AttributeSpec => ({ type: 'float', value }),
  int: (value: number): AttributeSpec => ({ type: 'int', value }),
  string: (value: string): AttributeSpec => ({ type: 'string', value }),
  floats: (value: number[]): AttributeSpec => ({ type: 'floats', value }),
  ints: (value: number[]): AttributeSpec => ({ type: 'ints', value }),
  strings: (value: string[]): AttributeSpec => ({ type: 'strings', value }),
  tensor: (value: TensorSpec): AttributeSpec => ({ type: 'tensor', value }),
};

export const buildModel = (spec: ModelSpec): Uint8Array => encodeModel(modelProto(spec));
export const buildTensor = (spec: TensorSpec): Uint8Array => encodeTensor(tensorProto(spec));
// A plain Writer: the default one in Node returns a Buffer that may share a pooled ArrayBuffer.
export const encodeModel = (m: onnx.ModelProto): Uint8Array => onnx.ModelProto.encode(m, new protobuf.Writer()).finish();
export const encodeTensor = (t: onnx.TensorProto): Uint8Array => onnx.TensorProto.encode(t, new protobuf.Writer()).finish();

export function modelProto(spec: ModelSpec): onnx.ModelProto {
  const opsets = spec.opsetImports ?? [{ domain: '', version: spec.opset ?? 17 }];
  return new onnx.ModelProto({
    irVersion: spec.irVersion ?? 8,
    producerName: 'wgnn',
    opsetImport: opsets.map((o) => new onnx.OperatorSetIdProto({ domain: o.domain, version: o.version })),
    graph: new onnx.GraphProto({
      name: spec.graphName ?? 'main',
      node: spec.nodes.map(nodeProto),
      initializer: (spec.initializers ?? []).map(tensorProto),
      input: spec.inputs.map(valueInfoProto),
      output: spec.outputs.map(valueInfoProto),
    }),
  });
}

const ARRAY: Record<NonNullable<TensorSpec['elemType']>, { from(d: ArrayLike<number>): ArrayBufferView }> = {
  float32: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array, bool: Uint8Array, float64: Float64Array,
  int64: { from: (d) => BigInt64Array.from(d as ArrayLike<number>, (v) => BigInt(v)) },
};

export function tensorProto(spec: TensorSpec): onnx.TensorProto {
  const elemType = spec.elemType ?? 'float32';
  const t = new onnx.TensorProto({ name: spec.name, dims: spec.dims, dataType: elemTypeCode(elemType) });
  if ((spec.encoding ?? 'raw') === 'raw') {
    // The host is little-endian on every platform wgnn targets, so the typed array's bytes are raw_data.
    const typed = spec.data instanceof BigInt64Array ? spec.data : ARRAY[elemType].from(spec.data as ArrayLike<number>);
    t.rawData = new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
  } else if (elemType === 'int64') {
    t.int64Data = Array.from(spec.data as ArrayLike<number | bigint>, (v) => int64(v));
  } else {
    const values = Array.from(spec.data as ArrayLike<number>);
    if (elemType === 'float32') t.floatData = values;
    else if (elemType === 'float64') t.doubleData = values;
    else t.int32Data = values;
  }
  return t;
}

function nodeProto(n: NodeSpec): onnx.NodeProto {
  return new onnx.NodeProto({
    opType: n.opType,
    name: n.name ?? '',
    domain: n.domain ?? '',
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attributeProto(name, a)),
  });
}

function attributeProto(name: string, a: AttributeSpec): onnx.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  const utf8 = (s: string) => new TextEncoder().encode(s);
  switch (a.type) {
    case 'float': return new onnx.AttributeProto({ name, type: T.FLOAT, f: a.value });
    case 'int': return new onnx.AttributeProto({ name, type: T.INT, i: int64(a.value) });
    case 'string': return new onnx.AttributeProto({ name, type: T.STRING, s: utf8(a.value) });
    case 'floats': return new onnx.AttributeProto({ name, type: T.FLOATS, floats: a.value });
    case 'ints': return new onnx.AttributeProto({ name, type: T.INTS, ints: a.value.map(int64) });
    case 'strings': return new onnx.AttributeProto({ name, type: T.STRINGS, strings: a.value.map(utf8) });
    case 'tensor': return new onnx.AttributeProto({ name, type: T.TENSOR, t: tensorProto(a.value) });
  }
}

function valueInfoProto(v: ValueSpec): onnx.ValueInfoProto {
  const dim = (d: Dim) =>
    new onnx.TensorShapeProto.Dimension(
      typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {},
    );
  const shape = v.shape ? new onnx.TensorShapeProto({ dim: v.shape.map(dim) }) : null;
  return new onnx.ValueInfoProto({
    name: v.name,
    type: new onnx.TypeProto({
      tensorType: new onnx.TypeProto.Tensor({ elemType: elemTypeCode(v.elemType ?? 'float32'), shape }),
    }),
  });
}

/** protobufjs writes any {low, high} object as 64 bits; +-Infinity stands for INT64_MAX/MIN. */
function int64(v: number | bigint): Int64 {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'number' && Math.abs(v) !== Infinity) throw new Error(`buildModel: ${v} is not an int64`);
  const b = typeof v === 'bigint' ? v : v > 0 ? 2n ** 63n - 1n : -(2n ** 63n);
  const low = Number(BigInt.asIntN(32, b));
  const high = Number(BigInt.asIntN(32, b >> 32n));
  return { low, high, unsigned: false } as unknown as Int64;
}
