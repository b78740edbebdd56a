// CPU reference of inference-mode batch normalization over the last (channel) axis:
//   y[..., c] = scale[c] * (x[..., c] - mean[c]) / sqrt(variance[c] + epsilon) + bias[c]
// (ONNX BatchNormalization with training_mode = 0, with channels last.) Computed in float64.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength } from '../reference-checks.ts';

export interface BatchNormReferenceParams {
  scale: Float32Array;
  bias: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

const WHERE = 'batchNormReference';

/** x: [..., C] -> same shape. */
export function batchNormReference(x: HostTensor, p: BatchNormReferenceParams): HostTensor {
  if (x.shape.length < 1) throw new WgnnError(WHERE, `x ${formatShape(x.shape)} needs a channel axis (last)`);
  checkDataLength(WHERE, 'x', x);
  const C = x.shape[x.shape.length - 1];
  for (const [name, v] of [['scale', p.scale], ['bias', p.bias], ['mean', p.mean], ['variance', p.variance]] as const) {
    if (v.length !== C) throw new WgnnError(WHERE, `${name} has ${v.length} values; x ${formatShape(x.shape)} has C=${C} channels`);
  }
  if (!(Number.isFinite(p.epsilon) && p.epsilon >= 0)) {
    throw new WgnnError(WHERE, `epsilon ${p.epsilon} must be a finite number >= 0`);
  }
  const y = new Float32Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const c = i % C;
    y[i] = (p.scale[c] * (x.data[i] - p.mean[c])) / Math.sqrt(p.variance[c] + p.epsilon) + p.bias[c];
  }
  return { shape: [...x.shape], data: y };
}
