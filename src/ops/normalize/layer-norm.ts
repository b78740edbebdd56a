// layerNorm: ONNX LayerNormalization, over the trailing axes from `axis` on (one contiguous row
// per index of the leading axes), in one dispatch of shaders/normalize.wgsl. Inputs x, scale and
// an optional bias, both of the normalized shape x.shape[axis..]; with `stats`, two more outputs:
// each row's mean and 1/sqrt(variance + epsilon), shaped [leading dims, 1 per normalized axis].
import { WgnnError } from '../../errors.ts';
import { formatShape, normalizeAxis, sizeOf } from '../../shape.ts';
import type { OpDefinition, TensorSpec } from '../op.ts';
import { checkEpsilon, normalizePlan } from './dispatch.ts';
import { checkNormalizedShape, layerNormReference } from './reference.ts';

export interface LayerNormAttrs {
  axis: number;
  epsilon: number;
  stats: boolean;
}

export const layerNormOp: OpDefinition<LayerNormAttrs> = {
  name: 'layerNorm',

  infer(where, [x, scale, bias], { axis, epsilon, stats }) {
    if (!x || !scale) throw new WgnnError(where, 'needs x and scale');
    for (const [name, t] of [['x', x], ['scale', scale], ['bias', bias]] as const) {
      if (t && t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
    }
    const a = normalizeAxis(where, axis, x.shape.length);
    const normalized = x.shape.slice(a);
    checkNormalizedShape(where, 'scale', scale.shape, normalized);
    if (bias) checkNormalizedShape(where, 'bias', bias.shape, normalized);
    if (sizeOf(normalized) === 0 && sizeOf(x.shape.slice(0, a)) > 0) {
      throw new WgnnError(where, `the normalized axes ${formatShape(normalized)} of x ${formatShape(x.shape)} hold no elements`);
    }
    checkEpsilon(where, epsilon);
    const outputs: TensorSpec[] = [{ shape: [...x.shape], dtype: 'float32' }];
    if (stats) {
      const statsShape = [...x.shape.slice(0, a), ...normalized.map(() => 1)];
      outputs.push({ shape: statsShape, dtype: 'float32' }, { shape: [...statsShape], dtype: 'float32' });
    }
    return outputs;
  },

  plan([x, , bias], _outputs, { axis, epsilon, stats }, ctx) {
    const a = normalizeAxis('layerNorm', axis, x!.shape.length);
    const problem = { lines: sizeOf(x!.shape.slice(0, a)), len: sizeOf(x!.shape.slice(a)), inner: 1, perPosition: true, channels: 1, epsilon, hasBias: !!bias, stats };
    return normalizePlan('layerNorm', problem, ctx);
  },

  reference([x, scale, bias], { axis, epsilon, stats }) {
    const { y, mean, invStdDev } = layerNormReference(x!, scale!, bias, axis, epsilon);
    return stats ? [y, mean, invStdDev] : [y];
  },
};
