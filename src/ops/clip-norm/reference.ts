// CPU reference of clipNormScales, from Keras 3's base optimizer (keras/src/optimizers/base_optimizer.py):
//   clipnorm (per parameter): g * clip / max(||g||, clip)            (_clip_by_norm)
//   global_clipnorm:          g * clip * min(1 / N, 1 / clip), N = sqrt(sum of every ||g||^2),
//                             NaN when N is not finite              (clip_by_global_norm)
// returned as one scale per parameter, which the optimizer step multiplies its gradient by. The
// gradients come flat (the 'grads' buffer), parameter s at [bounds[s], bounds[s + 1]); sums in float64.
import { WgnnError } from '../../errors.ts';

export interface ClipNormAttrs {
  /** The norm to clip to (> 0). */
  clip: number;
  /** One norm over every parameter (global_clipnorm) instead of one per parameter (clipnorm). */
  global: boolean;
}

export function clipNormScalesReference(grads: Float32Array, bounds: Int32Array, { clip, global }: ClipNormAttrs): Float32Array {
  const segments = bounds.length - 1;
  const sums = new Float64Array(segments);
  for (let s = 0; s < segments; s++) {
    if (!(bounds[s] >= 0 && bounds[s] <= bounds[s + 1] && bounds[s + 1] <= grads.length)) {
      throw new WgnnError('clipNormScales', `parameter ${s} spans [${bounds[s]}, ${bounds[s + 1]}), not inside the ${grads.length} gradients in order`);
    }
    for (let i = bounds[s]; i < bounds[s + 1]; i++) sums[s] += grads[i] * grads[i];
  }
  if (global) {
    const norm = Math.sqrt(sums.reduce((a, b) => a + b, 0));
    const scale = Number.isFinite(norm) ? (norm > clip ? clip / norm : 1) : NaN;
    return new Float32Array(segments).fill(scale);
  }
  return Float32Array.from(sums, (sum) => clip / Math.max(Math.sqrt(sum), clip));
}
