// Reverse-mode differentiation as a compiler pass: walk the forward graph backwards from the
// seeds (the loss's gradient with respect to the model's output), ask each node's op for its
// gradient rule (kept beside the op: src/ops/<op>/grad.ts), and emit the backward nodes into the
// same graph. Contributions to one value are summed with add nodes. The executor then runs the
// result like any graph: it never knows a backward pass is running.
import { inferNode, type Specs } from '../compile/infer.ts';
import { WgnnError } from '../errors.ts';
import type { Graph, GraphNode, ValueId } from '../graph/ir.ts';
import { formatShape } from '../shape.ts';
import type { DType } from '../tensor-spec.ts';
import { GRAD_RULES } from './rules.ts';

/** What a gradient rule may do: add nodes and constants, and ask for shapes. */
export class GradBuilder {
  constructor(
    readonly graph: Graph,
    readonly specs: Specs,
  ) {}

  /** Adds a node; its outputs' shapes are inferred at once (a bad rule fails here, naming itself). */
  node(op: string, name: string, inputs: (ValueId | undefined)[], attrs: unknown, outputCount = 1): ValueId[] {
    const outputs = this.graph.node(op, name, inputs, attrs, outputCount);
    inferNode(this.graph, this.graph.nodes[this.graph.nodes.length - 1], this.specs);
    return outputs;
  }

  constant(name: string, shape: number[], data: Float32Array): ValueId {
    const id = this.graph.constant(name, shape, data);
    this.specs.set(id, { shape, dtype: 'float32' });
    return id;
  }

  shape(id: ValueId): number[] {
    return this.specs.get(id)!.shape;
  }

  dtype(id: ValueId): DType {
    return this.specs.get(id)!.dtype;
  }

  /** A view of `id` with another shape of the same size. */
  reshape(name: string, id: ValueId, shape: number[]): ValueId {
    if (this.shape(id).join() === shape.join()) return id;
    return this.node('reshape', name, [id], { shape, allowZero: true })[0];
  }

  /**
   * `d`, a gradient of the broadcast of a value of `shape`, summed back to that shape: over the
   * leading dims the value lacks and the dims where it has 1 (the rule of NumPy broadcasting).
   */
  sumTo(name: string, d: ValueId, shape: number[]): ValueId {
    const from = this.shape(d);
    if (from.join() === shape.join()) return d;
    const lead = from.length - shape.length;
    const axes = from.flatMap((size, i) => (i < lead || (shape[i - lead] === 1 && size !== 1) ? [i] : []));
    const summed = axes.length ? this.node('reduce', name, [d], { kind: 'sum', axes, keepDims: true })[0] : d;
    return this.reshape(`${name}/shape`, summed, shape);
  }

  binary(name: string, op: string, a: ValueId, b: ValueId): ValueId {
    return this.node('binary', name, [a, b], { op })[0];
  }
}

/**
 * A node's backward: given the gradients of its outputs (undefined where an output does not
 * reach the loss) and which inputs need one, the gradients of its inputs.
 */
export type GradRule = (b: GradBuilder, node: GraphNode, dOutputs: (ValueId | undefined)[], needs: boolean[]) => (ValueId | undefined)[];

/**
 * Emits the backward of `graph`'s nodes (those present when called) from `seeds` (value ->
 * gradient of the loss with respect to it) and returns the gradient of each of `wanted`
 * (undefined for one the loss does not depend on).
 */
export function backward(b: GradBuilder, seeds: Map<ValueId, ValueId>, wanted: ValueId[]): Map<ValueId, ValueId | undefined> {
  const forward = [...b.graph.nodes];
  // Which values lead to a wanted one: only their gradients are worth computing.
  const leads = new Set<ValueId>(wanted);
  for (const node of forward) {
    if (node.inputs.some((id) => id !== undefined && leads.has(id))) for (const id of node.outputs) leads.add(id);
  }
  const contributions = new Map<ValueId, ValueId[]>();
  const add = (id: ValueId, d: ValueId) => contributions.set(id, [...(contributions.get(id) ?? []), d]);
  for (const [id, d] of seeds) add(id, d);
  const total = (id: ValueId): ValueId | undefined => {
    const list = contributions.get(id);
    if (!list?.length) return undefined;
    let sum = list[0];
    for (let i = 1; i < list.length; i++) sum = b.binary(`${b.graph.values[id].name}/grad_sum${i}`, 'add', sum, list[i]);
    contributions.set(id, [sum]);
    return sum;
  };

  for (const node of [...forward].reverse()) {
    if (!node.outputs.some((id) => leads.has(id) && contributions.has(id))) continue;
    const needs = node.inputs.map((id) => id !== undefined && leads.has(id) && !isIndex(b, id));
    if (!needs.some(Boolean)) continue;
    const rule = Object.hasOwn(GRAD_RULES, node.op) ? GRAD_RULES[node.op] : undefined;
    if (!rule) throw new WgnnError(`${node.name} (${node.op})`, 'training through this op is not supported yet');
    const dOutputs = node.outputs.map(total);
    const dInputs = rule(b, node, dOutputs, needs);
    node.inputs.forEach((id, i) => {
      const d = dInputs[i];
      if (id === undefined || !needs[i] || d === undefined) return;
      const [want, got] = [b.shape(id), b.shape(d)];
      if (want.join() !== got.join()) throw new Error(`gradient rule of ${node.op} gave input ${i} of ${node.name} a gradient ${formatShape(got)} for a value ${formatShape(want)}`);
      add(id, d);
    });
  }
  return new Map(wanted.map((id) => [id, total(id)]));
}

/** Integer values (ids, lengths) have no gradient. */
function isIndex(b: GradBuilder, id: ValueId): boolean {
  return b.dtype(id) === 'int32';
}
