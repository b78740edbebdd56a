// BatchNormalization (Keras weights gamma, beta, movingMean, movingVariance; gamma and beta
// trainable, the moving statistics updated by training itself). The layer emits a batchNorm
// node; the compiler lowers it for inference to a per-channel scale and shift folded once (and
// into a preceding convolution or dense layer when there is one), and training to batch
// statistics with the moving ones updated by Keras's momentum.
import { WgnnError } from '../../errors.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { Layer, type KerasLayerConfig } from './layer.ts';

export interface BatchNormalizationOptions {
  /** Keras default 1e-3. */
  epsilon?: number;
  /** Of the moving statistics' update in training (Keras default 0.99). */
  momentum?: number;
  /** Only the channels-last axis (-1) is supported: wgnn activations are NHWC. */
  axis?: number;
  name?: string;
}

export class BatchNormalization extends Layer {
  constructor(private readonly options: BatchNormalizationOptions = {}) {
    super(options.name, 'batch_normalization');
  }

  override kerasConfig(): KerasLayerConfig {
    const { epsilon = 1e-3, momentum = 0.99 } = this.options;
    return { class_name: 'BatchNormalization', config: { name: this.name, axis: -1, momentum, epsilon, center: true, scale: true } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const axis = this.options.axis ?? -1;
    if (axis !== -1 && axis !== x.shape.length - 1) throw new WgnnError(name, `axis ${axis}: only the last (channels) axis is supported`);
    const { epsilon = 1e-3, momentum = 0.99 } = this.options;
    if (!(epsilon > 0)) throw new WgnnError(name, `epsilon ${epsilon} must be > 0`);
    if (!(momentum >= 0 && momentum <= 1)) throw new WgnnError(name, `momentum ${momentum} must be in [0, 1]`);
    const c = this.knownLastDim(x.shape, 'channel count');
    this.defineWeight('gamma', [c], new Float32Array(c).fill(1));
    this.defineWeight('beta', [c], new Float32Array(c));
    this.defineWeight('movingMean', [c], new Float32Array(c), false);
    this.defineWeight('movingVariance', [c], new Float32Array(c).fill(1), false);
    const ids = this.makeConstants(builder);
    return builder.node('batchNorm', name, [x, ids.gamma, ids.beta, ids.movingMean, ids.movingVariance], { epsilon, momentum });
  }
}
