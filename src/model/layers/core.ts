// Core layers: input, dense, activation, softmax, dropout, flatten, reshape, depthToSpace, add, concatenate.
import { WgnnError } from '../../errors.ts';
import type { ResolvedActivation } from '../../ops/activation/kinds.ts';
import { GraphBuilder, type SymbolicShape, type SymbolicTensor } from '../builder.ts';
import { kerasActivation, kerasActivationName, Layer, type ActivationName, type KerasLayerConfig } from './layer.ts';
import { glorot } from './initializers.ts';

let openBuilder: GraphBuilder | undefined;

/**
 * A model input; `shape` excludes the batch dim (null entries: sizes given per run). Inputs made
 * before the next model() call belong to the same model, as with Keras' functional API.
 */
export function input(options: { shape: (number | null)[]; name?: string; dtype?: 'float32' | 'int32' }): SymbolicTensor {
  openBuilder ??= new GraphBuilder();
  const taken = new Set(openBuilder.graph.inputs.map((id) => openBuilder!.graph.values[id].name));
  let name = options.name ?? 'input';
  for (let i = 1; taken.has(name); i++) name = `${options.name ?? 'input'}_${i}`;
  return openBuilder.input(name, [null, ...options.shape], options.dtype ?? 'float32');
}

/** Ends the functional model being built with `builder`: the next input() starts a new one. */
export function closeBuilder(builder: GraphBuilder): void {
  if (openBuilder === builder) openBuilder = undefined;
}

/**
 * The layer's activation as a node of its own after `x` (the graph says what the model computes;
 * the compiler fuses the activation into the producer's epilogue), or `x` for a linear layer.
 */
export function finishActivation(builder: GraphBuilder, name: string, x: SymbolicTensor, activation: ResolvedActivation | 'softmax'): SymbolicTensor {
  if (activation === 'softmax') return builder.node('softmax', `${name}/softmax`, [x], { axis: -1, log: false })[0];
  if (activation.kind === 'linear') return x;
  return builder.node('activation', `${name}/${activation.kind}`, [x], activation)[0];
}

export interface DenseOptions {
  units: number;
  activation?: ActivationName;
  useBias?: boolean;
  name?: string;
}

/** Dense: x [..., in] · kernel [in, units] + bias [units], activation fused. */
export class Dense extends Layer {
  constructor(private readonly options: DenseOptions) {
    super(options.name, 'dense');
  }

  override kerasConfig(): KerasLayerConfig {
    const o = this.options;
    return { class_name: 'Dense', config: { name: this.name, units: o.units, activation: kerasActivationName(this.name!, o.activation), use_bias: o.useBias ?? true } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const inputs = this.knownLastDim(x.shape, 'input size');
    const { units } = this.options;
    if (!Number.isInteger(units) || units < 1) throw new WgnnError(name, `units ${units} must be an integer >= 1`);
    if (x.shape.length < 2) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must have rank >= 2 ([batch, ..., features])`);
    this.defineWeight('kernel', [inputs, units], glorot(`${name}/kernel`, [inputs, units], inputs, units));
    if (this.options.useBias ?? true) this.defineWeight('bias', [units], new Float32Array(units));
    const ids = this.makeConstants(builder);
    const activation = kerasActivation(name, this.options.activation);
    const attrs = { transposeA: false, transposeB: false, activation: kerasActivation(name, 'linear') };
    const y = builder.node('matmul', name, [x, ids.kernel, ids.bias], attrs)[0];
    return [finishActivation(builder, name, y, activation)];
  }
}

export class Activation extends Layer {
  constructor(private readonly activation: ActivationName, name?: string) {
    super(name, 'activation');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Activation', config: { name: this.name, activation: kerasActivationName(this.name!, this.activation) } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const activation = kerasActivation(this.name!, this.activation);
    if (activation === 'softmax') return [finishActivation(builder, this.name!, x, activation)];
    return builder.node('activation', this.name!, [x], activation);
  }
}

export class Softmax extends Layer {
  constructor(private readonly axis = -1, name?: string) {
    super(name, 'softmax');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Softmax', config: { name: this.name, axis: this.axis } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    return builder.node('softmax', this.name!, [x], { axis: this.axis, log: false });
  }
}

/**
 * Dropout: the identity at inference; in training, each element is kept with probability
 * 1 - rate and scaled by 1 / (1 - rate), from a seeded mask that changes every step.
 */
export class Dropout extends Layer {
  constructor(readonly rate: number, name?: string, private readonly seed?: number) {
    super(name, 'dropout');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Dropout', config: { name: this.name, rate: this.rate, ...(this.seed === undefined ? {} : { seed: this.seed }) } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    if (!(this.rate >= 0 && this.rate < 1)) throw new WgnnError(this.name!, `rate ${this.rate} must be in [0, 1)`);
    // Without a seed, one derived from the layer's name: the same model trains the same way.
    let seed = this.seed ?? 0x9e3779b9;
    if (this.seed === undefined) for (const ch of this.name!) seed = (Math.imul(seed ^ ch.charCodeAt(0), 0x01000193) >>> 0);
    return builder.node('dropout', this.name!, [x], { rate: this.rate, seed: seed >>> 0 });
  }
}

/** A view with another shape (no copy); `targetShape` excludes the batch dim and may hold one -1. */
export class Reshape extends Layer {
  constructor(private readonly targetShape: number[], name?: string) {
    super(name, 'reshape');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Reshape', config: { name: this.name, target_shape: [...this.targetShape] } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    return builder.node('reshape', this.name!, [x], { shape: [0, ...this.targetShape] });
  }
}

/** Flatten: [batch, ...] -> [batch, product], a view. */
export class Flatten extends Layer {
  constructor(name?: string) {
    super(name, 'flatten');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Flatten', config: { name: this.name } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const rest: SymbolicShape = x.shape.slice(1);
    if (rest.some((d) => d === null)) throw new WgnnError(this.name!, `needs known dims after the batch, got [${x.shape.map((d) => d ?? '?')}]`);
    return builder.node('reshape', this.name!, [x], { shape: [0, -1] });
  }
}

/**
 * Depth to space (tf.nn.depth_to_space, NHWC, DCR): [batch, H, W, C] -> [batch, H*b, W*b, C/(b*b)],
 * output pixel (h*b + by, w*b + bx) channel c taken from input channel (by*b + bx)*C/(b*b) + c.
 * The sub-pixel upsampling that ends ESPCN-style super-resolution networks.
 */
export class DepthToSpace extends Layer {
  constructor(private readonly blockSize: number, name?: string) {
    super(name, 'depthToSpace');
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const b = this.blockSize;
    if (x.shape.length !== 4) throw new WgnnError(this.name!, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, H, W, C]`);
    if (!Number.isInteger(b) || b < 1) throw new WgnnError(this.name!, `blockSize ${b} must be an integer >= 1`);
    const c = this.knownLastDim(x.shape, 'channel count');
    if (c % (b * b) !== 0) throw new WgnnError(this.name!, `channels ${c} must be a multiple of blockSize^2 = ${b * b}`);
    return builder.node('depthToSpace', this.name!, [x], { blockSize: b, mode: 'DCR' });
  }
}

/** Elementwise sum of two or more inputs with the same (or broadcastable) shape: residual connections. */
export class Add extends Layer {
  constructor(name?: string) {
    super(name, 'add');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Add', config: { name: this.name } };
  }

  protected call(builder: GraphBuilder, inputs: SymbolicTensor[]): SymbolicTensor[] {
    if (inputs.length < 2) throw new WgnnError(this.name!, `needs at least two inputs, got ${inputs.length}`);
    let sum = inputs[0];
    inputs.slice(1).forEach((t, i) => {
      sum = builder.node('binary', inputs.length === 2 ? this.name! : `${this.name}/${i}`, [sum, t], { op: 'add' })[0];
    });
    return [sum];
  }
}

export class Concatenate extends Layer {
  constructor(private readonly axis = -1, name?: string) {
    super(name, 'concatenate');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Concatenate', config: { name: this.name, axis: this.axis } };
  }

  protected call(builder: GraphBuilder, inputs: SymbolicTensor[]): SymbolicTensor[] {
    return builder.node('concat', this.name!, inputs, { axis: this.axis });
  }
}
