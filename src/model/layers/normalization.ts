// BatchNormalization (inference, Keras weights gamma, beta, movingMean, movingVariance). The
// statistics become a per-channel scale and shift once, at load; the compiler then folds them
// into a preceding convolution or dense layer when there is one.
import { WgnnError } from '../../errors.ts';
import { foldBatchNorm } from '../../ops/batch-norm/fold.ts';
import { kerasActivation } from './layer.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { Layer, type Weight } from './layer.ts';

export interface BatchNormalizationOptions {
  /** Keras default 1e-3. */
  epsilon?: number;
  /** Only the channels-last axis (-1) is supported: wgnn activations are NHWC. */
  axis?: number;
  name?: string;
}

export class BatchNormalization extends Layer {
  constructor(private readonly options: BatchNormalizationOptions = {}) {
    super(options.name, 'batch_normalization');
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const axis = this.options.axis ?? -1;
    if (axis !== -1 && axis !== x.shape.length - 1) throw new WgnnError(name, `axis ${axis}: only the last (channels) axis is supported`);
    const c = this.knownLastDim(x.shape, 'channel count');
    this.defineWeight('gamma', [c], new Float32Array(c).fill(1));
    this.defineWeight('beta', [c], new Float32Array(c));
    this.defineWeight('movingMean', [c], new Float32Array(c));
    this.defineWeight('movingVariance', [c], new Float32Array(c).fill(1));
    const ids = this.makeConstants(builder);
    return builder.node('channelAffine', name, [x, ids.scale, ids.shift], { activation: kerasActivation(name, 'linear') });
  }

  protected override kernelConstants(): Record<string, Weight> {
    const w = (k: string) => this.weights.get(k)!.data;
    const { scale, shift } = foldBatchNorm(this.name!, { scale: w('gamma'), bias: w('beta'), mean: w('movingMean'), variance: w('movingVariance'), epsilon: this.options.epsilon ?? 1e-3 });
    return { scale: { shape: [scale.length], data: scale }, shift: { shape: [shift.length], data: shift } };
  }
}
