// Recurrent layers (Keras semantics and weight layouts, batch-major [batch, steps, features]):
// LSTM, GRU, SimpleRNN, the Bidirectional wrapper, and Embedding. Each emits one recurrentLayer
// node over its weights in Keras's layout: inference lowers it to the fused recurrent kernels
// over weights converted once, training to kernels that update Keras's own parameters.
import { WgnnError } from '../../errors.ts';
import { normalizeRecurrentActivation, type RecurrentActivation } from '../../ops/recurrent/activations.ts';
import { GATES, type CellKind } from '../../ops/recurrent/layout.ts';
import { layerOutputSlots, type LayerMergeMode, type RecurrentLayerAttrs } from '../../ops/recurrent-layer/attrs.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { LINEAR } from '../../ops/activation/kinds.ts';
import { glorot, orthogonal, uniform } from './initializers.ts';
import { kerasActivationName, Layer, type KerasLayerConfig } from './layer.ts';

export interface RecurrentLayerOptions {
  units: number;
  /** Keras names: 'tanh' (default), 'relu', 'sigmoid', 'hard_sigmoid', 'linear', ... */
  activation?: string;
  /** The gates' function: 'sigmoid' (default, Keras 2.3+ and tf.keras) or 'hard_sigmoid' (Keras <= 2.2). */
  recurrentActivation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  /** Also return the final state(s): [output, h] (GRU, SimpleRNN) or [output, h, c] (LSTM), via applyAll. */
  returnState?: boolean;
  /** GRU only: true (default, tf.keras) applies the reset gate after the recurrent product. */
  resetAfter?: boolean;
  /** LSTM only: the forget gate's bias starts at 1 (default true, as Keras). */
  unitForgetBias?: boolean;
  name?: string;
}

const KERAS_TO_ONNX: Record<string, RecurrentActivation> = {
  tanh: { name: 'Tanh' }, sigmoid: { name: 'Sigmoid' }, relu: { name: 'Relu' }, linear: { name: 'Affine', alpha: 1, beta: 0 },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  // Keras 3's hard_sigmoid: relu6(x + 3) / 6 (see kerasActivation).
  hard_sigmoid_keras3: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  softsign: { name: 'Softsign' }, softplus: { name: 'Softplus' }, elu: { name: 'Elu', alpha: 1 },
};

function onnxActivation(where: string, name: string): RecurrentActivation {
  const a = KERAS_TO_ONNX[name];
  if (!a) throw new WgnnError(where, `activation '${name}' is not supported in a recurrent layer; use ${Object.keys(KERAS_TO_ONNX).join(', ')}`);
  return a;
}

export class RecurrentLayer extends Layer {
  /** Set by a Bidirectional wrapper: weights for both directions, outputs merged. */
  mergeMode: LayerMergeMode | undefined;

  constructor(readonly cell: CellKind, readonly options: RecurrentLayerOptions) {
    super(options.name, cell === 'simpleRnn' ? 'simple_rnn' : cell);
  }

  private cellWeights(prefix: string, inputs: number): void {
    const U = this.options.units;
    const G = GATES[this.cell];
    this.defineWeight(`${prefix}kernel`, [inputs, G * U], glorot(`${this.name}/${prefix}kernel`, [inputs, G * U], inputs, G * U));
    this.defineWeight(`${prefix}recurrentKernel`, [U, G * U], orthogonal(`${this.name}/${prefix}recurrentKernel`, [U, G * U]));
    if (this.options.useBias ?? true) {
      const twoBiases = this.cell === 'gru' && (this.options.resetAfter ?? true);
      const bias = new Float32Array((twoBiases ? 2 : 1) * G * U);
      // Keras's unit_forget_bias: the LSTM's forget gate (block 1 of i, f, c, o) starts at 1.
      if (this.cell === 'lstm' && (this.options.unitForgetBias ?? true)) bias.fill(1, U, 2 * U);
      this.defineWeight(`${prefix}bias`, twoBiases ? [2, G * U] : [G * U], bias);
    }
  }

  override kerasConfig(): KerasLayerConfig {
    const o = this.options;
    const className = { lstm: 'LSTM', gru: 'GRU', simpleRnn: 'SimpleRNN' }[this.cell];
    const config: Record<string, unknown> = {
      name: this.mergeMode === undefined ? this.name : className.toLowerCase(),
      units: o.units,
      activation: kerasActivationName(this.name!, (o.activation ?? 'tanh') as never),
      use_bias: o.useBias ?? true,
      return_sequences: o.returnSequences ?? false,
      return_state: o.returnState ?? false,
      go_backwards: false,
      stateful: false,
    };
    if (this.cell !== 'simpleRnn') config.recurrent_activation = kerasActivationName(this.name!, (o.recurrentActivation ?? 'sigmoid') as never);
    if (this.cell === 'gru') config.reset_after = o.resetAfter ?? true;
    if (this.cell === 'lstm') config.unit_forget_bias = o.unitForgetBias ?? true;
    const layer = { class_name: className, config };
    return this.mergeMode === undefined ? layer : { class_name: 'Bidirectional', config: { name: this.name, merge_mode: this.mergeMode, layer } };
  }

  /** The weight's name as Keras writes it under this layer: a direction's under forward_<cell> / backward_<cell>. */
  override kerasWeightPath(key: string): string {
    const [direction, weight] = key.includes('/') ? key.split('/') : [undefined, key];
    const cell = { lstm: 'lstm', gru: 'gru', simpleRnn: 'simplernn' }[this.cell];
    return direction ? `${direction}_${cell}/${weight}` : weight;
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const U = this.options.units;
    if (!Number.isInteger(U) || U < 1) throw new WgnnError(name, `units ${U} must be an integer >= 1`);
    if (x.shape.length !== 3) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, steps, features]`);
    const inputs = this.knownLastDim(x.shape, 'feature count');
    const bidirectional = this.mergeMode !== undefined;
    const prefixes = bidirectional ? ['forward/', 'backward/'] : [''];
    for (const prefix of prefixes) this.cellWeights(prefix, inputs);
    const activation = normalizeRecurrentActivation(onnxActivation(name, this.options.activation ?? 'tanh'), name);
    const gate = normalizeRecurrentActivation(onnxActivation(name, this.options.recurrentActivation ?? 'sigmoid'), name);
    const returnSequences = this.options.returnSequences ?? false;
    const mergeMode = this.mergeMode ?? 'concat';
    // The weights stay in Keras's layout (what training updates); the compiler converts them for
    // the inference kernels (src/ops/recurrent-layer/lower.ts).
    const ids = this.makeConstants(builder);
    const attrs: RecurrentLayerAttrs = {
      cell: this.cell,
      units: U,
      inputSize: inputs,
      activations: this.cell === 'lstm' ? [gate, activation, activation] : this.cell === 'gru' ? [gate, activation] : [activation],
      resetAfter: this.cell === 'gru' && (this.options.resetAfter ?? true),
      direction: bidirectional ? 'bidirectional' : 'forward',
      mergeMode,
      returnSequences,
    };
    const weights = prefixes.flatMap((p) => [ids[`${p}kernel`], ids[`${p}recurrentKernel`], ids[`${p}bias`]]);
    const slots = layerOutputSlots(attrs);
    const outputs = builder.node('recurrentLayer', name, [x, ...weights], attrs, 1 + Number(slots.c !== undefined) + Number(slots.y !== undefined));
    // Final states come as [batch, directions, units]; Keras gives [batch, units] per direction.
    const state = (t: SymbolicTensor, what: string) => builder.node('reshape', `${name}/${what}`, [t], { shape: [0, -1] })[0];
    const output = slots.y !== undefined ? outputs[slots.y] : bidirectional && mergeMode !== 'concat' ? mergeLast(builder, name, outputs[slots.h], mergeMode) : state(outputs[slots.h], 'last');
    if (!this.options.returnState) return [output];
    if (!bidirectional) return [output, state(outputs[slots.h], 'h'), ...(slots.c !== undefined ? [state(outputs[slots.c], 'c')] : [])];
    // Keras's Bidirectional returns each direction's states apart: [output, h_fw, (c_fw,) h_bw, (c_bw)].
    const direction = (t: SymbolicTensor, what: string, d: number) => pickDirection(builder, `${name}/${what}_${d === 0 ? 'forward' : 'backward'}`, t, d);
    return [output, ...[0, 1].flatMap((d) => [direction(outputs[slots.h], 'h', d), ...(slots.c !== undefined ? [direction(outputs[slots.c], 'c', d)] : [])])];
  }
}

/**
 * rows[0] * forward + rows[1] * backward of a final state [batch, 2, units], as [batch, units]: a
 * product with a constant [1, 2] row (as the sequence merge in src/ops/recurrent-layer/expand.ts),
 * so it trains. [1, 0] and [0, 1] pick a direction; [1, 1] and [.5, .5] sum and average them.
 */
function combineDirections(builder: GraphBuilder, name: string, state: SymbolicTensor, rows: [number, number]): SymbolicTensor {
  const weights = builder.constant(`${name}_rows`, [1, 2], Float32Array.from(rows));
  const combined = builder.node('matmul', name, [weights, state], { transposeA: false, transposeB: false, activation: LINEAR })[0];
  return builder.node('reshape', `${name}/flat`, [combined], { shape: [0, -1] })[0];
}

/** Direction d's [batch, units] of a final state [batch, 2, units]. */
const pickDirection = (builder: GraphBuilder, name: string, state: SymbolicTensor, d: number) => combineDirections(builder, name, state, d === 0 ? [1, 0] : [0, 1]);

/** The last outputs of both directions, h [batch, 2, units], merged as Keras merges them (sum, ave, mul) into [batch, units]. */
function mergeLast(builder: GraphBuilder, name: string, h: SymbolicTensor, mode: LayerMergeMode): SymbolicTensor {
  if (mode !== 'mul') return combineDirections(builder, `${name}/${mode}`, h, mode === 'sum' ? [1, 1] : [0.5, 0.5]);
  return builder.node('binary', `${name}/mul`, [pickDirection(builder, `${name}/forward`, h, 0), pickDirection(builder, `${name}/backward`, h, 1)], { op: 'mul' })[0];
}

/** Bidirectional(layer, mergeMode): the layer's cell run forward and backward in one fused node. */
export function bidirectional(layer: RecurrentLayer, mergeMode: 'concat' | 'sum' | 'mul' | 'ave' = 'concat'): RecurrentLayer {
  layer.mergeMode = mergeMode;
  return layer;
}

export interface EmbeddingOptions {
  inputDim: number;
  outputDim: number;
  name?: string;
}

/** Embedding: int32 ids [batch, ...] -> [batch, ..., outputDim], weights `embeddings` [inputDim, outputDim]. */
export class Embedding extends Layer {
  constructor(private readonly options: EmbeddingOptions) {
    super(options.name, 'embedding');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'Embedding', config: { name: this.name, input_dim: this.options.inputDim, output_dim: this.options.outputDim } };
  }

  protected call(builder: GraphBuilder, [ids]: SymbolicTensor[]): SymbolicTensor[] {
    const { inputDim, outputDim } = this.options;
    this.defineWeight('embeddings', [inputDim, outputDim], uniform(`${this.name}/embeddings`, [inputDim, outputDim], 0.05));
    const table = this.makeConstants(builder).embeddings;
    return builder.node('embedding', this.name!, [table, ids], {});
  }
}
