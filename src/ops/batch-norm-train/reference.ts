// CPU references of batch normalization in training, written from the math in float64 (x is
// channels last, [..., C]; a "row" is one index of the other axes, M rows in all):
//   mean[c] = sum_r x[r, c] / M,  variance[c] = sum_r (x[r, c] - mean[c])^2 / M  (biased, as
//     Keras 3's BatchNormalization.call takes them from ops.moments in training)
//   y[r, c] = gamma[c] * (x[r, c] - mean[c]) / sqrt(variance[c] + epsilon) + beta[c]
// and its backward (derived in ./backward.ts): with invStd = 1 / sqrt(variance + epsilon) and
// xhat = (x - mean) * invStd,
//   dBeta = sum_r dY,  dGamma = sum_r dY * xhat,  dX = gamma * invStd / M * (M dY - dBeta - xhat dGamma).
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength } from '../reference-checks.ts';

export interface BatchNormTrainResult {
  y: HostTensor;
  mean: HostTensor;
  variance: HostTensor;
}

/** x [..., C] with at least one element; each of `perChannel` must be [C]. */
function checkShapes(where: string, x: HostTensor, perChannel: [string, HostTensor][]): number {
  checkDataLength(where, 'x', x);
  const C = x.shape[x.shape.length - 1];
  if (x.shape.length < 1 || sizeOf(x.shape) === 0) throw new WgnnError(where, `x ${formatShape(x.shape)} must be [..., C] with at least one element`);
  for (const [name, t] of perChannel) {
    checkDataLength(where, name, t);
    if (t.shape.join() !== `${C}`) throw new WgnnError(where, `${name} ${formatShape(t.shape)} must be [${C}] for x ${formatShape(x.shape)} (channels last)`);
  }
  return C;
}

export function batchNormTrainReference(x: HostTensor, gamma: HostTensor, beta: HostTensor, epsilon: number): BatchNormTrainResult {
  const C = checkShapes('batchNormTrainReference', x, [['gamma', gamma], ['beta', beta]]);
  const M = x.data.length / C;
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let r = 0; r < M; r++) for (let c = 0; c < C; c++) mean[c] += x.data[r * C + c];
  for (let c = 0; c < C; c++) mean[c] /= M;
  for (let r = 0; r < M; r++) for (let c = 0; c < C; c++) variance[c] += (x.data[r * C + c] - mean[c]) ** 2;
  for (let c = 0; c < C; c++) variance[c] /= M;
  const y = new Float32Array(x.data.length);
  for (let r = 0; r < M; r++) {
    for (let c = 0; c < C; c++) {
      y[r * C + c] = (gamma.data[c] * (x.data[r * C + c] - mean[c])) / Math.sqrt(variance[c] + epsilon) + beta.data[c];
    }
  }
  return {
    y: { shape: [...x.shape], data: y },
    mean: { shape: [C], data: Float32Array.from(mean) },
    variance: { shape: [C], data: Float32Array.from(variance) },
  };
}

export interface BatchNormBackwardResult {
  dX: HostTensor;
  dGamma: HostTensor;
  dBeta: HostTensor;
}

export function batchNormBackwardReference(dY: HostTensor, x: HostTensor, gamma: HostTensor, mean: HostTensor, variance: HostTensor, epsilon: number): BatchNormBackwardResult {
  const where = 'batchNormBackwardReference';
  const C = checkShapes(where, x, [['gamma', gamma], ['mean', mean], ['variance', variance]]);
  checkDataLength(where, 'dY', dY);
  if (dY.shape.join() !== x.shape.join()) throw new WgnnError(where, `dY ${formatShape(dY.shape)} must have x's shape ${formatShape(x.shape)}`);
  const M = x.data.length / C;
  const invStd = Array.from(variance.data, (v) => 1 / Math.sqrt(v + epsilon));
  const xhat = (r: number, c: number) => (x.data[r * C + c] - mean.data[c]) * invStd[c];
  const dBeta = new Float64Array(C);
  const dGamma = new Float64Array(C);
  for (let r = 0; r < M; r++) {
    for (let c = 0; c < C; c++) {
      dBeta[c] += dY.data[r * C + c];
      dGamma[c] += dY.data[r * C + c] * xhat(r, c);
    }
  }
  const dX = new Float32Array(x.data.length);
  for (let r = 0; r < M; r++) {
    for (let c = 0; c < C; c++) {
      dX[r * C + c] = ((gamma.data[c] * invStd[c]) / M) * (M * dY.data[r * C + c] - dBeta[c] - xhat(r, c) * dGamma[c]);
    }
  }
  return {
    dX: { shape: [...x.shape], data: dX },
    dGamma: { shape: [C], data: Float32Array.from(dGamma) },
    dBeta: { shape: [C], data: Float32Array.from(dBeta) },
  };
}
