// Batch normalization (inference) folded at load time, never per run:
//   y = (x - mean) / sqrt(variance + epsilon) * gamma + beta  =  x * scale + shift
// Standalone it becomes a per-channel affine map; directly after a convolution or dense layer
// it disappears into that layer's weights and bias.
import { WgnnError } from '../../errors.ts';

export interface BatchNormParams {
  /** gamma; default 1 */
  scale?: Float32Array;
  /** beta; default 0 */
  bias?: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  /** default 1e-5 (ONNX, PyTorch); Keras uses 1e-3 */
  epsilon?: number;
}

export function foldBatchNorm(where: string, p: BatchNormParams): { scale: Float32Array; shift: Float32Array } {
  const C = p.mean.length;
  for (const [name, v] of [['variance', p.variance], ['scale', p.scale], ['bias', p.bias]] as const) {
    if (v && v.length !== C) throw new WgnnError(where, `batch-norm ${name} has ${v.length} values, mean has ${C}`);
  }
  const epsilon = p.epsilon ?? 1e-5;
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    if (!(p.variance[c] + epsilon > 0)) throw new WgnnError(where, `batch-norm variance[${c}] + epsilon = ${p.variance[c] + epsilon} must be > 0`);
    const s = (p.scale?.[c] ?? 1) / Math.sqrt(p.variance[c] + epsilon);
    scale[c] = s;
    shift[c] = (p.bias?.[c] ?? 0) - p.mean[c] * s;
  }
  return { scale, shift };
}

/**
 * Folds a batch norm into the preceding layer: weights with output channels last
 * ([KH, KW, CinG, Cout] for conv2d, [In, Out] for dense) and an optional bias [Cout].
 */
export function foldBatchNormIntoWeights(where: string, weights: Float32Array, bias: Float32Array | undefined, p: BatchNormParams): { weights: Float32Array; bias: Float32Array } {
  const { scale, shift } = foldBatchNorm(where, p);
  const C = scale.length;
  if (weights.length % C !== 0) throw new WgnnError(where, `weights of ${weights.length} values do not end in ${C} output channels`);
  const folded = weights.map((w, i) => w * scale[i % C]);
  const newBias = shift.map((s, c) => s + (bias?.[c] ?? 0) * scale[c]);
  return { weights: folded, bias: newBias };
}
