// Builds a graph while layers are applied, and keeps the shapes of what was built so far so
// that each layer knows its input shape (to size its weights) and a bad layer fails at once,
// naming itself. Open dims (batch, often time) are found by inferring every node twice, with
// two different placeholder sizes for the open input dims: a dim that differs is open.
import { WgnnError } from '../errors.ts';
import { inferNode, type Specs } from '../compile/infer.ts';
import { Graph, type ValueId } from '../graph/ir.ts';
import type { TensorData } from '../tensor.ts';
import type { DType } from '../tensor-spec.ts';
import type { Layer } from './layers/layer.ts';

const PLACEHOLDERS = [5, 7] as const;

export type SymbolicShape = (number | null)[];

/** A value in a model being built: what layers take and return. */
export class SymbolicTensor {
  /** @internal */
  constructor(
    readonly builder: GraphBuilder,
    readonly id: ValueId,
    readonly shape: SymbolicShape,
  ) {}

  get name(): string {
    return this.builder.graph.values[this.id].name;
  }

  get dtype(): DType {
    return this.builder.graph.values[this.id].dtype;
  }
}

export class GraphBuilder {
  readonly graph = new Graph();
  /** Layers in the order they were applied. */
  readonly layers: Layer[] = [];
  private readonly probes: [Specs, Specs] = [new Map(), new Map()];
  /** Whether an input leaves dims open (placeholders then stand in for them in shape errors). */
  private openDims = false;

  input(name: string, shape: SymbolicShape, dtype: DType = 'float32'): SymbolicTensor {
    const id = this.graph.input(name, shape, dtype);
    if (shape.includes(null)) this.openDims = true;
    PLACEHOLDERS.forEach((p, i) => this.probes[i].set(id, { shape: shape.map((d) => d ?? p), dtype }));
    return new SymbolicTensor(this, id, [...shape]);
  }

  constant(name: string, shape: number[], data: TensorData): ValueId {
    const id = this.graph.constant(name, shape, data);
    for (const probe of this.probes) probe.set(id, { shape, dtype: this.graph.values[id].dtype });
    return id;
  }

  /** Adds a node and returns its outputs with their (symbolic) shapes. */
  node(op: string, name: string, inputs: (SymbolicTensor | ValueId | undefined)[], attrs: unknown, outputCount = 1): SymbolicTensor[] {
    const ids = inputs.map((t) => (t instanceof SymbolicTensor ? this.own(t).id : t));
    const outputs = this.graph.node(op, name, ids, attrs, outputCount);
    const node = this.graph.nodes[this.graph.nodes.length - 1];
    let a, b;
    try {
      [a, b] = this.probes.map((probe) => inferNode(this.graph, node, probe));
    } catch (error) {
      if (!(error instanceof WgnnError)) throw error;
      if (this.openDims) error.message += ` (while building the model, open dims such as the batch are shown as ${PLACEHOLDERS[0]})`;
      throw error;
    }
    return outputs.map((id, i) => new SymbolicTensor(this, id, a[i].shape.map((d, k) => (d === b[i].shape[k] ? d : null))));
  }

  /** The symbolic tensor must come from this builder: layers cannot join separate models. */
  own(t: SymbolicTensor): SymbolicTensor {
    if (t.builder !== this) throw new WgnnError(t.name, 'belongs to another model (its inputs come from a different input())');
    return t;
  }

  /** A name not used by any value yet, for layers left unnamed. */
  uniqueLayerName(base: string): string {
    const taken = new Set(this.graph.values.map((v) => v.name.split(':')[0]));
    for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
  }
}
