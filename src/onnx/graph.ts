// GraphProto -> OnnxGraph: nodes, initializers and the declared types of graph values.
import { WgnnError } from '../errors.ts';
import { convertAttributes } from './attributes.ts';
import { onnx } from './generated/onnx-pb.js';
import { int64ToNumber } from './int64.ts';
import { checkedElementCount } from './limits.ts';
import type { Dim, OnnxGraph, OnnxNode, ValueInfo, ValueType } from './model.ts';
import { convertTensor, elemTypeName } from './tensor.ts';

/** `where` names the graph: 'onnx graph "main"', or the attribute that holds a subgraph. */
export function convertGraph(g: onnx.GraphProto, where: string): OnnxGraph {
  if (g.sparseInitializer.length > 0) {
    const name = g.sparseInitializer[0].values?.name ?? '?';
    throw new WgnnError(where, `sparse initializers (first: "${name}") are not supported`);
  }
  const initializers = g.initializer.map((t: onnx.TensorProto, i: number) =>
    convertTensor(t, `${where} initializer "${t.name || `#${i}`}"`),
  );
  const seen = new Set<string>();
  for (const t of initializers) {
    if (seen.has(t.name)) throw new WgnnError(`${where} initializer "${t.name}"`, 'is defined twice');
    seen.add(t.name);
  }
  const values = (list: onnx.ValueInfoProto[], kind: string) =>
    list.map((v) => convertValueInfo(v, `${where} ${kind} "${v.name}"`));
  return {
    name: g.name,
    inputs: values(g.input, 'input'),
    outputs: values(g.output, 'output'),
    valueInfo: values(g.valueInfo, 'value_info'),
    initializers,
    nodes: g.node.map((n: onnx.NodeProto, i: number) => convertNode(n, i, where)),
  };
}

function convertNode(n: onnx.NodeProto, index: number, graphWhere: string): OnnxNode {
  const where = `${graphWhere} node ${n.name ? `"${n.name}"` : `#${index}`} (${n.opType || 'no op_type'})`;
  if (!n.opType) throw new WgnnError(where, 'has no op_type');
  return {
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    inputs: [...n.input],
    outputs: [...n.output],
    attributes: convertAttributes(n.attribute, where, (g, at) => convertGraph(g, `${at} graph`)),
  };
}

function convertValueInfo(v: onnx.ValueInfoProto, where: string): ValueInfo {
  if (!v.name) throw new WgnnError(where, 'a graph value has no name');
  return { name: v.name, type: convertType(v.type, where) };
}

function convertType(t: onnx.TypeProto | null | undefined, where: string): ValueType {
  switch (t?.value) {
    case 'tensorType': {
      const tensor = t.tensorType!;
      const elemType = elemTypeName(tensor.elemType ?? 0, where);
      return { kind: 'tensor', elemType, shape: tensor.shape ? convertShape(tensor.shape, where) : null };
    }
    case 'sequenceType': return { kind: 'sequence' };
    case 'mapType': return { kind: 'map' };
    case 'optionalType': return { kind: 'optional' };
    case 'sparseTensorType': return { kind: 'sparse_tensor' };
    case 'opaqueType': return { kind: 'opaque' };
    default: return { kind: 'unknown' };
  }
}

function convertShape(shape: onnx.TensorShapeProto.$Properties, where: string): Dim[] {
  const dims = (shape.dim ?? []).map((d, i): Dim => {
    if (d.value === 'dimParam') return d.dimParam!;
    if (d.value !== 'dimValue') return null;
    const n = int64ToNumber(d.dimValue!, where, `shape dim ${i}`);
    if (n < 0) throw new WgnnError(where, `shape dim ${i} is ${n}; dims must be >= 0 (or symbolic)`);
    return n;
  });
  checkedElementCount(dims.filter((d): d is number => typeof d === 'number'), where);
  return dims;
}
