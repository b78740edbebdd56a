// The base of every model layer: a name, weights in the layout its framework documents (Keras),
// and `call`, which lowers the layer into graph nodes. Weights live in the graph as constants in
// the layout the kernels read; setWeights converts once, at load.
import { WgnnError } from '../../errors.ts';
import type { ValueId } from '../../graph/ir.ts';
import { resolveActivation, type Activation, type ActivationKind, type ResolvedActivation } from '../../ops/activation/kinds.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { GraphBuilder, SymbolicShape, SymbolicTensor } from '../builder.ts';

export interface Weight {
  shape: number[];
  data: Float32Array;
}

/**
 * Keras activation names (snake_case or camelCase) to wgnn's, with Keras's parameters where they
 * differ from wgnn's defaults: leaky_relu's slope is 0.2 in Keras (0.01 in ONNX); Keras 3's
 * hard_sigmoid is relu6(x + 3) / 6, a slope of 1/6 where Keras 2's is 0.2 (the Keras loaders
 * ask for 'hard_sigmoid_keras3' when a Keras 3 config says hard_sigmoid). 'softmax' is its own node.
 */
const KERAS_ACTIVATIONS: Record<string, Activation | 'softmax'> = {
  linear: { kind: 'linear' }, relu: { kind: 'relu' }, relu6: { kind: 'relu6' }, elu: { kind: 'elu' }, selu: { kind: 'selu' }, sigmoid: { kind: 'sigmoid' },
  hard_sigmoid: { kind: 'hardSigmoid' }, hardSigmoid: { kind: 'hardSigmoid' }, hard_sigmoid_keras3: { kind: 'hardSigmoid', alpha: 1 / 6, beta: 0.5 },
  tanh: { kind: 'tanh' }, softplus: { kind: 'softplus' }, softsign: { kind: 'softsign' }, gelu: { kind: 'gelu' },
  leaky_relu: { kind: 'leakyRelu', alpha: 0.2 }, leakyRelu: { kind: 'leakyRelu', alpha: 0.2 }, mish: { kind: 'mish' },
  hard_silu: { kind: 'hardSwish' }, hard_swish: { kind: 'hardSwish' }, hardSwish: { kind: 'hardSwish' }, softmax: 'softmax',
};

export type ActivationName = keyof typeof KERAS_ACTIVATIONS | ActivationKind;

/** A fused activation, or 'softmax' (which needs a node of its own). */
export function kerasActivation(where: string, name: string | undefined): ResolvedActivation | 'softmax' {
  const spec = Object.hasOwn(KERAS_ACTIVATIONS, name ?? 'linear') ? KERAS_ACTIVATIONS[name ?? 'linear'] : undefined;
  if (!spec) throw new WgnnError(where, `unknown activation '${name}'; known: ${Object.keys(KERAS_ACTIVATIONS).join(', ')}`);
  return spec === 'softmax' ? 'softmax' : resolveActivation(where, spec);
}

export interface KerasLayerConfig {
  class_name: string;
  config: Record<string, unknown>;
}

/** A layer's activation by the name Keras and TF.js configs use; one they cannot name throws. */
export function kerasActivationName(where: string, name: ActivationName | undefined): string {
  const kerasNames: Record<string, string> = { hardSigmoid: 'hard_sigmoid', leakyRelu: 'leaky_relu', hardSwish: 'hard_silu' };
  const n = name ?? 'linear';
  if (n === 'hard_sigmoid_keras3') throw new WgnnError(where, "Keras 3's hard_sigmoid (slope 1/6) has no name in Keras 2 / TF.js configs, whose hard_sigmoid has slope 0.2");
  const keras = kerasNames[n] ?? n;
  if (!Object.hasOwn(KERAS_ACTIVATIONS, keras)) throw new WgnnError(where, `activation '${n}' has no Keras name`);
  return keras;
}

export abstract class Layer {
  name: string | undefined;

  /** The layer's kind, as Keras names it (conv2d, dense, lstm, ...). */
  get className(): string {
    return this.layerKind;
  }
  /** Weights in the framework's documented layout, by name (kernel, bias, ...). */
  protected readonly weights = new Map<string, Weight>();
  /** Graph constants this layer made, by key, filled from `weights` by kernelConstants(). */
  private readonly constantIds = new Map<string, ValueId>();
  /** Weights training does not update through gradients (batch norm's moving statistics). */
  private readonly nonTrainable = new Set<string>();
  private builder: GraphBuilder | undefined;

  constructor(name: string | undefined, private readonly layerKind: string) {
    this.name = name;
  }

  /** Applies the layer to its input(s), adding its nodes to the model being built. */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const outputs = this.applyAll(inputs);
    return outputs[0];
  }

  /** Like apply, for layers with several outputs (recurrent layers with returnState). */
  applyAll(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 0) throw new WgnnError(this.name ?? this.layerKind, 'needs an input');
    const builder = list[0].builder;
    if (this.builder) throw new WgnnError(this.name!, 'is already applied; create a new layer for each use');
    this.builder = builder;
    this.name ??= builder.uniqueLayerName(this.layerKind);
    if (builder.layers.some((l) => l.name === this.name)) throw new WgnnError(this.name, 'another layer of this model has the same name');
    builder.layers.push(this);
    const outputs = this.call(builder, list.map((t) => builder.own(t)));
    this.inboundIds = list.map((t) => t.id);
    this.outboundIds = outputs.map((t) => t.id);
    return outputs;
  }

  /** @internal The values the layer was applied to and returned: the model's topology, for saving it. */
  inboundIds: ValueId[] = [];
  outboundIds: ValueId[] = [];
  /** @internal The wrapper (TimeDistributed) that applied this layer: it is saved inside it. */
  wrapper: Layer | undefined;

  /**
   * The layer as Keras configs write it: {class_name, config} with snake_case fields (what
   * saveLayersModel writes). Layers with no Keras counterpart throw, naming themselves.
   */
  kerasConfig(): KerasLayerConfig {
    throw new WgnnError(this.name ?? this.layerKind, `a ${this.layerKind} layer has no Keras counterpart, so the model cannot be saved in a Keras format (exportOnnx can write it)`);
  }

  /** A weight key's path as Keras writes it under this layer (a recurrent layer's directions add a level). */
  kerasWeightPath(key: string): string {
    return key;
  }

  /** The weight names and shapes, known once the layer has been applied. */
  weightShapes(): Record<string, number[]> {
    return Object.fromEntries([...this.weights].map(([k, w]) => [k, [...w.shape]]));
  }

  getWeights(): Record<string, Float32Array> {
    return Object.fromEntries([...this.weights].map(([k, w]) => [k, w.data.slice()]));
  }

  /** Sets weights by name, in the framework's layout; shapes are checked, conversion happens here, once. */
  setWeights(values: Record<string, ArrayLike<number>>): void {
    const where = this.name ?? this.layerKind;
    for (const [key, data] of Object.entries(values)) {
      const weight = this.weights.get(key);
      if (!weight) throw new WgnnError(where, `has no weight '${key}'; its weights are ${[...this.weights.keys()].join(', ') || 'none (apply the layer first)'}`);
      if (data.length !== sizeOf(weight.shape)) {
        throw new WgnnError(where, `weight '${key}' needs ${sizeOf(weight.shape)} values for shape ${formatShape(weight.shape)}, got ${data.length}`);
      }
      weight.data = Float32Array.from(data);
    }
    this.refreshConstants();
  }

  protected abstract call(builder: GraphBuilder, inputs: SymbolicTensor[]): SymbolicTensor[];

  /** The graph constants derived from `weights`, by key, in the layout the kernels read. */
  protected kernelConstants(): Record<string, Weight> {
    return Object.fromEntries(this.weights);
  }

  protected defineWeight(key: string, shape: number[], initial: Float32Array, trainable = true): void {
    this.weights.set(key, { shape, data: initial });
    if (!trainable) this.nonTrainable.add(key);
  }

  /** Creates the graph constants for every key kernelConstants() gives; returns their ids. */
  protected makeConstants(builder: GraphBuilder): Record<string, ValueId> {
    const ids: Record<string, ValueId> = {};
    for (const [key, w] of Object.entries(this.kernelConstants())) {
      ids[key] = builder.constant(`${this.name}/${key}`, w.shape, w.data);
      builder.graph.values[ids[key]].weight = this.nonTrainable.has(key) ? 'nonTrainable' : 'trainable';
      this.constantIds.set(key, ids[key]);
    }
    return ids;
  }

  /** @internal The graph constants of this layer's weights, by key (training reads and updates them). */
  weightConstants(): Map<string, ValueId> {
    return new Map(this.constantIds);
  }

  /**
   * @internal Sets weights from the kernels' layout (what training updates). Where a kernel
   * constant holds its weight's data as it is (the same array, maybe another shape), the values
   * go back unchanged; layers that reorder their weights for the kernels override this.
   */
  setTrainedWeights(values: Record<string, Float32Array>): void {
    const asIs = Object.entries(this.kernelConstants()).every(([key, w]) => this.weights.get(key)?.data === w.data);
    if (!asIs) throw new WgnnError(this.name ?? this.layerKind, 'training a layer whose kernels reorder its weights is not supported yet');
    this.setWeights(values);
  }

  private refreshConstants(): void {
    if (!this.builder) return;
    for (const [key, w] of Object.entries(this.kernelConstants())) {
      const id = this.constantIds.get(key);
      if (id !== undefined) this.builder.graph.values[id].data = w.data;
    }
  }

  /** The last dim of an input, which must be known (it sizes the weights). */
  protected knownLastDim(input: SymbolicShape, what: string): number {
    const d = input[input.length - 1];
    if (d === null || d === undefined) throw new WgnnError(this.name!, `needs a known ${what} (last dim of input [${input.map((x) => x ?? '?').join(', ')}])`);
    return d;
  }
}
