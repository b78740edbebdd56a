// The graph IR every front-end produces (the model API, the ONNX importer) and the one compiler
// consumes: values (graph inputs, constants, node results) and nodes (an op name from the
// registry in ops.ts, its inputs, outputs and attributes). Shapes of graph inputs may leave
// dimensions open (null: batch size, sequence length); the compiler fixes them per input
// signature and infers every other shape from there.
import { WgnnError } from '../errors.ts';
import { checkShape, formatShape, sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';
import type { DType } from '../tensor-spec.ts';

export type ValueId = number;
export type NodeId = number;

/**
 * A value that lives in a buffer the graph does not own, at an element offset: training's
 * parameters, their gradients and optimizer state, which persist from one run to the next.
 */
export interface ExternalRef {
  buffer: string;
  /** In elements (4 bytes each); a multiple of 64 (256 bytes), so the value can be bound alone. */
  offset: number;
}

export interface GraphValue {
  id: ValueId;
  name: string;
  dtype: DType;
  /** Known only for graph inputs (null = set per run), constants and externals; inferred for the rest. */
  shape?: (number | null)[];
  /** The values of a constant (weights, folded statistics). */
  data?: TensorData;
  /** Where the value lives when the graph does not own its memory; a node may write it. */
  external?: ExternalRef;
  /**
   * A layer weight (a constant) that training updates: 'trainable' ones by the optimizer (the
   * parameters), 'nonTrainable' ones by their own op (batch norm's moving statistics).
   */
  weight?: 'trainable' | 'nonTrainable';
  producer?: NodeId;
}

export interface GraphNode {
  id: NodeId;
  /** The layer or ONNX node name; every error about this node names it. */
  name: string;
  op: string;
  /** undefined marks an optional input left out (a bias, an initial state). */
  inputs: (ValueId | undefined)[];
  outputs: ValueId[];
  attrs: unknown;
}

export class Graph {
  readonly values: GraphValue[] = [];
  readonly nodes: GraphNode[] = [];
  readonly inputs: ValueId[] = [];
  outputs: ValueId[] = [];
  /**
   * Set by a front-end whose nodes depend on the input shapes (the ONNX importer folds shape
   * computations on the host, so it builds one graph per input signature): the concrete graph
   * for these shapes, with the same inputs (ids, names, dtypes) and output names as this one.
   * The compiler calls it before anything else; a graph without it is its own specialization.
   */
  specialize?: (inputShapes: Map<ValueId, number[]>) => Graph;
  private readonly names = new Set<string>();

  /** A graph input; null dims are given per run (batch size, sequence length). */
  input(name: string, shape: (number | null)[], dtype: DType = 'float32'): ValueId {
    checkShape(`input ${name}`, shape.map((d) => d ?? 1));
    const id = this.value(name, dtype, { shape: [...shape] });
    this.inputs.push(id);
    return id;
  }

  constant(name: string, shape: number[], data: TensorData): ValueId {
    checkShape(`constant ${name}`, shape);
    if (data.length !== sizeOf(shape)) {
      throw new WgnnError(`constant ${name}`, `has ${data.length} values but its shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
    }
    return this.value(name, data instanceof Int32Array ? 'int32' : 'float32', { shape: [...shape], data });
  }

  /** A value in an external buffer (training's parameters), read by nodes; its data lives elsewhere. */
  external(name: string, shape: number[], ref: ExternalRef, dtype: DType = 'float32'): ValueId {
    checkShape(`external ${name}`, shape);
    return this.value(this.uniqueName(name), dtype, { shape: [...shape], external: { ...ref } });
  }

  /** Adds a node with `outputCount` results; their shapes come from shape inference. */
  node(op: string, name: string, inputs: (ValueId | undefined)[], attrs: unknown, outputCount = 1): ValueId[] {
    const id = this.nodes.length;
    const unique = this.uniqueName(name);
    const outputs = Array.from({ length: outputCount }, (_, i) =>
      this.value(outputCount === 1 ? unique : `${unique}:${i}`, 'float32', { producer: id }),
    );
    this.nodes.push({ id, name: unique, op, inputs: [...inputs], outputs, attrs });
    return outputs;
  }

  /** An output of a graph that `specialize` computes: named here exactly, produced by no node of this graph. */
  declareOutput(name: string, dtype: DType): ValueId {
    return this.value(name, dtype, {});
  }

  /** A copy of the values and nodes (not of constants' data): passes may then change it freely. */
  clone(): Graph {
    const copy = new Graph();
    copy.values.push(...this.values.map((v) => ({ ...v, ...(v.external ? { external: { ...v.external } } : {}) })));
    copy.nodes.push(...this.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] })));
    copy.inputs.push(...this.inputs);
    copy.setOutputs(this.outputs);
    for (const name of this.names) copy.names.add(name);
    return copy;
  }

  setOutputs(ids: ValueId[]): void {
    this.outputs = [...ids];
  }

  private value(name: string, dtype: DType, extra: Partial<GraphValue>): ValueId {
    const id = this.values.length;
    this.values.push({ id, name, dtype, ...extra });
    return id;
  }

  private uniqueName(name: string): string {
    let unique = name;
    for (let i = 1; this.names.has(unique); i++) unique = `${name}_${i}`;
    this.names.add(unique);
    return unique;
  }
}
