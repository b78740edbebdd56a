// AttributeProto -> AttributeValue, typed by the attribute's declared type.
import { WgnnError } from '../errors.ts';
import { onnx } from './generated/onnx-pb.js';
import { INT64_MAX, INT64_MIN, int64ToBigInt, int64ToNumber, type Int64 } from './int64.ts';
import type { AttributeValue, OnnxGraph } from './model.ts';
import { convertTensor, utf8 } from './tensor.ts';

const T = onnx.AttributeProto.AttributeType;
type GraphConverter = (g: onnx.GraphProto, where: string) => OnnxGraph;

/** A node's attributes by name (a prototype-free record, so a name like "__proto__" is just a key). */
export function convertAttributes(
  attrs: onnx.AttributeProto[],
  where: string,
  graph: GraphConverter,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = Object.create(null);
  for (const a of attrs) {
    const at = `${where} attribute "${a.name}"`;
    if (!a.name) throw new WgnnError(where, 'an attribute has no name');
    if (a.name in out) throw new WgnnError(at, 'is given twice');
    out[a.name] = convertAttribute(a, at, graph);
  }
  return out;
}

function convertAttribute(a: onnx.AttributeProto, where: string, graph: GraphConverter): AttributeValue {
  switch (a.type) {
    case T.FLOAT: return { type: 'float', value: a.f };
    case T.INT: return { type: 'int', value: intValue(a.i, where) };
    case T.STRING: return { type: 'string', value: utf8(a.s) };
    case T.TENSOR: return { type: 'tensor', value: convertTensor(required(a.t, 't', where), where) };
    case T.GRAPH: return { type: 'graph', value: graph(required(a.g, 'g', where), where) };
    case T.FLOATS: return { type: 'floats', value: [...a.floats] };
    case T.INTS: return { type: 'ints', value: a.ints.map((v: Int64) => intValue(v, where)) };
    case T.STRINGS: return { type: 'strings', value: a.strings.map(utf8) };
    case T.TENSORS: return { type: 'tensors', value: a.tensors.map((t: onnx.TensorProto) => convertTensor(t, where)) };
    case T.GRAPHS: return { type: 'graphs', value: a.graphs.map((g: onnx.GraphProto) => graph(g, where)) };
    case T.SPARSE_TENSOR: return { type: 'sparse_tensor' };
    case T.SPARSE_TENSORS: return { type: 'sparse_tensors' };
    case T.TYPE_PROTO: return { type: 'type_proto' };
    case T.TYPE_PROTOS: return { type: 'type_protos' };
    default:
      throw new WgnnError(where, `has type code ${a.type}; ONNX attribute types are 1 to 14`);
  }
}

/**
 * int64 -> number. INT64_MAX and INT64_MIN are the "to the end" sentinels exporters write (Slice-1
 * ends, for example) and become +-Infinity, which clamps the same way; any other value beyond
 * +-(2^53 - 1) is an error rather than a silently rounded number.
 */
function intValue(v: Int64, where: string): number {
  const b = int64ToBigInt(v);
  if (b === INT64_MAX) return Infinity;
  if (b === INT64_MIN) return -Infinity;
  return int64ToNumber(v, where, 'the value');
}

function required<M>(m: M | null | undefined, field: string, where: string): M {
  if (!m) throw new WgnnError(where, `declares its type but field ${field} is missing`);
  return m;
}
