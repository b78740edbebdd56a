// Models: a graph built by applying layers (sequential or functional), with weights settable
// by layer name. engine.compile(model) turns one into a CompiledModel that runs on the GPU.
import { WgnnError } from '../errors.ts';
import { Graph } from '../graph/ir.ts';
import { sizeOf } from '../shape.ts';
import { GraphBuilder, SymbolicTensor, type SymbolicShape } from './builder.ts';
import { closeBuilder } from './layers/core.ts';
import type { Layer } from './layers/layer.ts';
import { loadWeights, saveWeights } from './weights-file.ts';

export class Model {
  /** @internal */
  constructor(
    readonly name: string,
    private readonly builder: GraphBuilder,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
  ) {
    builder.graph.setOutputs(outputs.map((t) => t.id));
  }

  get layers(): Layer[] {
    return [...this.builder.layers];
  }

  layer(name: string): Layer {
    const found = this.builder.layers.find((l) => l.name === name);
    if (!found) throw new WgnnError(this.name, `has no layer '${name}'; its layers are ${this.builder.layers.map((l) => l.name).join(', ')}`);
    return found;
  }

  /** Sets a layer's weights by name, in its framework's (Keras) layout; shapes are checked. */
  setWeights(layerName: string, values: Record<string, ArrayLike<number>>): void {
    this.layer(layerName).setWeights(values);
  }

  getWeights(layerName: string): Record<string, Float32Array> {
    return this.layer(layerName).getWeights();
  }

  /** Every layer's weights as one safetensors file (src/model/weights-file.ts): save what training made. */
  saveWeights(): Uint8Array {
    return saveWeights(this);
  }

  /** Loads a file from saveWeights (names "<layer>/<weight>", shapes checked). */
  loadWeights(file: Uint8Array | ArrayBuffer): void {
    loadWeights(this, file);
  }

  /** A snapshot of the graph: later setWeights calls do not change what was compiled from it. */
  snapshot(): Graph {
    return this.builder.graph.clone();
  }

  /** One line per layer: name, kind, output shape, number of weights. */
  summary(): string {
    const fmt = (s: SymbolicShape) => `[${s.map((d) => d ?? '?').join(', ')}]`;
    // A wrapped layer (inside TimeDistributed) is counted by its wrapper.
    const rows = this.builder.layers.filter((l) => !l.wrapper).map((l) => {
      const params = Object.values(l.weightShapes()).reduce((n, s) => n + sizeOf(s), 0);
      const out = this.builder.graph.values.filter((v) => v.name === l.name);
      return [l.name!, l.className, out.length ? out[0].name : '', String(params)];
    });
    const total = rows.reduce((n, r) => n + Number(r[3]), 0);
    return [...rows.map((r) => `${r[0].padEnd(24)} ${r[1].padEnd(22)} ${r[3].padStart(10)}`), `total weights: ${total}`, `inputs: ${this.inputs.map((t) => `${t.name} ${fmt(t.shape)}`).join(', ')}`, `outputs: ${this.outputs.map((t) => `${t.name} ${fmt(t.shape)}`).join(', ')}`].join('\n');
  }
}

export interface SequentialOptions {
  /** The input shape without the batch dim (null entries: sizes given per run). */
  inputShape?: (number | null)[];
  inputName?: string;
  inputDtype?: 'float32' | 'int32';
  name?: string;
}

/** A stack of layers, each applied to the previous one's output. */
export function sequential(layers: Layer[], options: SequentialOptions = {}): Model {
  if (!options.inputShape) throw new WgnnError(options.name ?? 'sequential', 'needs inputShape (the input shape without the batch dim)');
  // A builder of its own: a functional model begun with input() elsewhere stays as it was.
  const x = new GraphBuilder().input(options.inputName ?? 'input', [null, ...options.inputShape], options.inputDtype ?? 'float32');
  let y = x;
  for (const layer of layers) y = layer.apply(y);
  return new Model(options.name ?? 'sequential', x.builder, [x], [y]);
}

/** A functional model: inputs from input(), outputs from applying layers to them. */
export function model(options: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): Model {
  const inputs = Array.isArray(options.inputs) ? options.inputs : [options.inputs];
  const outputs = Array.isArray(options.outputs) ? options.outputs : [options.outputs];
  if (inputs.length === 0 || outputs.length === 0) throw new WgnnError(options.name ?? 'model', 'needs at least one input and one output');
  const builder = inputs[0].builder;
  for (const t of [...inputs, ...outputs]) builder.own(t);
  const declared = new Set(inputs.map((t) => t.id));
  const missing = builder.graph.inputs.filter((id) => !declared.has(id));
  if (missing.length) throw new WgnnError(options.name ?? 'model', `input(s) ${missing.map((id) => builder.graph.values[id].name).join(', ')} are used but not listed in inputs`);
  closeBuilder(builder);
  // Positional inputs follow the order the model lists them in.
  builder.graph.inputs.splice(0, builder.graph.inputs.length, ...inputs.map((t) => t.id));
  return new Model(options.name ?? 'model', builder, inputs, outputs);
}
