// Shape inference over a whole graph for one input signature: each node's op checks its inputs
// and gives its outputs' specs; errors name the node, its op and the shapes involved.
import { WgnnError } from '../errors.ts';
import type { Graph, GraphNode, ValueId } from '../graph/ir.ts';
import { KERNEL_OPS, reshapeShape, VIEW_OPS, type ReshapeAttrs } from '../graph/ops.ts';
import type { TensorSpec } from '../ops/op.ts';
import { checkShape, formatShape } from '../shape.ts';

export type Specs = Map<ValueId, TensorSpec>;

/** `inputShapes` gives every graph input's concrete shape (its null dims filled in). */
export function inferShapes(graph: Graph, inputShapes: Map<ValueId, number[]>, order: GraphNode[] = graph.nodes): Specs {
  const specs: Specs = new Map();
  for (const id of graph.inputs) {
    const value = graph.values[id];
    const shape = inputShapes.get(id);
    if (!shape) throw new WgnnError(`input ${value.name}`, 'no shape given for this run');
    const declared = value.shape!;
    if (shape.length !== declared.length || shape.some((d, i) => declared[i] !== null && declared[i] !== d)) {
      throw new WgnnError(`input ${value.name}`, `shape ${formatShape(shape)} does not match the declared [${declared.map((d) => d ?? '?').join(', ')}]`);
    }
    specs.set(id, { shape, dtype: value.dtype });
  }
  for (const value of graph.values) {
    if (value.data || (value.external && value.producer === undefined)) specs.set(value.id, { shape: value.shape as number[], dtype: value.dtype });
  }
  for (const node of order) inferNode(graph, node, specs);
  return specs;
}

/** Infers one node's outputs from the specs of its inputs and records them in `specs`. */
export function inferNode(graph: Graph, node: GraphNode, specs: Specs): TensorSpec[] {
  const where = `${node.name} (${node.op})`;
  const inputs = node.inputs.map((id) => {
    if (id === undefined) return undefined;
    const spec = specs.get(id);
    if (!spec) throw new WgnnError(where, `input ${graph.values[id].name} is not computed before this node`);
    return spec;
  });
  let outputs: TensorSpec[];
  if (VIEW_OPS.has(node.op)) {
    outputs = [{ shape: reshapeShape(where, inputs[0]!, node.attrs as ReshapeAttrs), dtype: inputs[0]!.dtype }];
  } else {
    const def = KERNEL_OPS[node.op];
    if (!def) throw new WgnnError(where, `unknown op '${node.op}'`);
    outputs = def.infer(where, inputs, node.attrs);
  }
  if (outputs.length !== node.outputs.length) {
    throw new WgnnError(where, `gives ${outputs.length} outputs, the node declares ${node.outputs.length}`);
  }
  node.outputs.forEach((id, i) => {
    checkShape(where, outputs[i].shape); // an absurd size fails here, before anything is allocated for it
    specs.set(id, outputs[i]);
    graph.values[id].dtype = outputs[i].dtype;
  });
  return outputs;
}
