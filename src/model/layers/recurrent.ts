// Recurrent layers (Keras semantics and weight layouts, batch-major [batch, steps, features]):
// LSTM, GRU, SimpleRNN, the Bidirectional wrapper, and Embedding. Each lowers to one fused
// recurrent node (plus the input projection GEMM inside it); weights convert once, at load.
import { WgnnError } from '../../errors.ts';
import type { RecurrentActivation } from '../../ops/recurrent/activations.ts';
import type { MergeMode } from '../../ops/recurrent/attrs.ts';
import type { KerasCellWeights, RecurrentWeightsSpec } from '../../ops/recurrent/convert.ts';
import { GATES, type CellKind } from '../../ops/recurrent/layout.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { canonicalRecurrent, recurrentNode } from '../recurrent-lowering.ts';
import { glorot, Layer, type Weight } from './layer.ts';

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
  name?: string;
}

const KERAS_TO_ONNX: Record<string, RecurrentActivation> = {
  tanh: { name: 'Tanh' }, sigmoid: { name: 'Sigmoid' }, relu: { name: 'Relu' }, linear: { name: 'Affine', alpha: 1, beta: 0 },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 }, hardSigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  softsign: { name: 'Softsign' }, softplus: { name: 'Softplus' }, elu: { name: 'Elu', alpha: 1 },
};

function onnxActivation(where: string, name: string): RecurrentActivation {
  const a = KERAS_TO_ONNX[name];
  if (!a) throw new WgnnError(where, `activation '${name}' is not supported in a recurrent layer; use ${Object.keys(KERAS_TO_ONNX).join(', ')}`);
  return a;
}

export class RecurrentLayer extends Layer {
  /** Set by a Bidirectional wrapper: weights for both directions, outputs merged. */
  mergeMode: MergeMode | undefined;

  constructor(readonly cell: CellKind, readonly options: RecurrentLayerOptions) {
    super(options.name, cell === 'simpleRnn' ? 'simple_rnn' : cell);
  }

  private cellWeights(prefix: string, inputs: number): void {
    const U = this.options.units;
    const G = GATES[this.cell];
    this.defineWeight(`${prefix}kernel`, [inputs, G * U], glorot(`${this.name}/${prefix}kernel`, [inputs, G * U], inputs, G * U));
    this.defineWeight(`${prefix}recurrentKernel`, [U, G * U], glorot(`${this.name}/${prefix}recurrentKernel`, [U, G * U], U, G * U));
    if (this.options.useBias ?? true) {
      const twoBiases = this.cell === 'gru' && (this.options.resetAfter ?? true);
      this.defineWeight(`${prefix}bias`, twoBiases ? [2, G * U] : [G * U], new Float32Array((twoBiases ? 2 : 1) * G * U));
    }
  }

  private kerasCell(prefix: string): KerasCellWeights {
    const w = (k: string) => this.weights.get(`${prefix}${k}`);
    const bias = w('bias');
    return { kernel: w('kernel')!, recurrentKernel: w('recurrentKernel')!, bias };
  }

  private spec(): RecurrentWeightsSpec {
    const bidirectional = this.mergeMode !== undefined;
    return {
      format: 'keras',
      forward: this.kerasCell(bidirectional ? 'forward/' : ''),
      backward: bidirectional ? this.kerasCell('backward/') : undefined,
      ...(this.cell === 'gru' ? { resetAfter: this.options.resetAfter ?? true } : {}),
    };
  }

  /** The canonical constants, converted from the Keras weights here: at apply and at every setWeights. */
  protected override kernelConstants(): Record<string, Weight> {
    return canonicalRecurrent(this.name!, this.cell, this.spec()).constants;
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const U = this.options.units;
    if (!Number.isInteger(U) || U < 1) throw new WgnnError(name, `units ${U} must be an integer >= 1`);
    if (x.shape.length !== 3) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, steps, features]`);
    const inputs = this.knownLastDim(x.shape, 'feature count');
    const bidirectional = this.mergeMode !== undefined;
    this.cellWeights(bidirectional ? 'forward/' : '', inputs);
    if (bidirectional) this.cellWeights('backward/', inputs);
    const activation = onnxActivation(name, this.options.activation ?? 'tanh');
    const gate = onnxActivation(name, this.options.recurrentActivation ?? 'sigmoid');
    const activations = this.cell === 'lstm' ? [gate, activation, activation] : this.cell === 'gru' ? [gate, activation] : [activation];
    const { info } = canonicalRecurrent(name, this.cell, this.spec());
    const ids = this.makeConstants(builder) as { input: number; bias: number; recurrent: number };
    const lowered = recurrentNode(builder, name, info, ids, x, {
      name,
      layout: 'batch-major',
      direction: bidirectional ? 'bidirectional' : 'forward',
      mergeMode: this.mergeMode ?? 'concat',
      returnSequences: this.options.returnSequences ?? false,
      activations,
    });
    // Final states come as [batch, directions, units]; Keras gives [batch, units] per direction.
    const state = (t: SymbolicTensor, what: string) => builder.node('reshape', `${name}/${what}`, [t], { shape: [0, -1] })[0];
    const output = lowered.y ?? (bidirectional && this.mergeMode !== 'concat' ? undefined : state(lowered.yH, 'last'));
    if (!output) throw new WgnnError(name, `mergeMode '${this.mergeMode}' needs returnSequences`);
    if (!this.options.returnState) return [output];
    const states = [state(lowered.yH, 'h'), ...(lowered.yC ? [state(lowered.yC, 'c')] : [])];
    return [output, ...states];
  }
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

  protected call(builder: GraphBuilder, [ids]: SymbolicTensor[]): SymbolicTensor[] {
    const { inputDim, outputDim } = this.options;
    this.defineWeight('embeddings', [inputDim, outputDim], glorot(`${this.name}/embeddings`, [inputDim, outputDim], inputDim, outputDim));
    const table = this.makeConstants(builder).embeddings;
    return builder.node('embedding', this.name!, [table, ids], {});
  }
}
