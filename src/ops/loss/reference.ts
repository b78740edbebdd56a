// CPU reference of the loss op, in float64, written from Keras 3's formulas. Each row r (the F
// values of pred's last axis) gives loss_r; outputs rowLoss_r = w_r * loss_r and
// dPred_r = w_r * scale * dloss_r/dpred_r. Sources (keras-team/keras, keras/src/...):
//
// sparse / categorical crossentropy (losses/losses.py categorical_crossentropy and
// sparse_categorical_crossentropy -> backend/{jax,numpy}/nn.py): the sparse loss is the
// categorical one with t = one_hot(label).
//   fromLogits: loss = -sum_j t_j log_softmax(z)_j, computed shifted by m = max z:
//     loss = sum_j t_j (log S - (z_j - m)), S = sum_k exp(z_k - m);
//     dz_j = softmax_j * sum(t) - t_j (tf.nn.softmax_cross_entropy_with_logits' gradient).
//   probabilities: n = p / sum(p), q = clip(n, eps, 1 - eps), loss = -sum_j t_j log q_j.
//     Gradient (s = sum p, c_j = 1 where eps <= n_j <= 1 - eps, else 0: the clip passes no
//     gradient where it binds): dL/dn_i = -t_i c_i / q_i and dn_i/dp_j = (delta_ij - n_i) / s, so
//     dL/dp_j = (-t_j c_j / q_j + sum_i t_i c_i) / s   (using n_i = q_i wherever c_i = 1).
//   Keras' TensorFlow backend clips before it normalizes for the sparse loss (log of the clipped p
//   into sparse_softmax_cross_entropy_with_logits); we follow the JAX/NumPy backends and the
//   categorical loss on every backend: normalize, then clip.
// binary crossentropy (losses.py binary_crossentropy: mean over the last axis of
// backend/tensorflow/nn.py binary_crossentropy), per element:
//   fromLogits: max(z, 0) - z t + log(1 + exp(-|z|)) (tf.nn.sigmoid_cross_entropy_with_logits),
//     dz = sigmoid(z) - t.
//   probabilities: q = clip(p, eps, 1 - eps), -(t log q + (1 - t) log(1 - q)),
//     dp = c (q - t) / (q (1 - q)), c as above.
// mean squared / absolute error, huber (losses.py mean_squared_error, mean_absolute_error, huber):
//   e = p - t, the mean over the last axis of e^2 (d 2e), |e| (d sign(e), 0 at 0), and
//   0.5 e^2 if |e| <= delta else delta (|e| - 0.5 delta) (d e, or delta sign(e)).
// The clip bounds are rounded to float32, as Keras computes them in float32: 1 - 1e-7 is then
// 1 - 2^-23, and log(1 - q) at the bound matches the kernel's.
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength } from '../reference-checks.ts';
import { DEFAULT_DELTA, DEFAULT_EPSILON, type LossAttrs } from './op.ts';

export interface LossRows {
  rowLoss: Float64Array;
  dPred: Float64Array;
}

interface RowMath {
  eps: number;
  delta: number;
}

/** Crossentropy of one row against target distribution t (length F), from logits z. */
function softmaxCrossentropy(z: ArrayLike<number>, t: ArrayLike<number>, grad: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < z.length; j++) m = Math.max(m, z[j]);
  let S = 0;
  for (let j = 0; j < z.length; j++) S += Math.exp(z[j] - m);
  const logS = Math.log(S);
  let sumT = 0;
  for (let j = 0; j < t.length; j++) sumT += t[j];
  let loss = 0;
  for (let j = 0; j < z.length; j++) {
    loss += t[j] * (logS - (z[j] - m));
    grad[j] = (Math.exp(z[j] - m) / S) * sumT - t[j];
  }
  return loss;
}

/** Crossentropy of one row against t, from (unnormalized) probabilities p. */
function probabilityCrossentropy(p: ArrayLike<number>, t: ArrayLike<number>, grad: Float64Array, { eps }: RowMath): number {
  const [lo, hi] = clipBounds(eps);
  let s = 0;
  for (let j = 0; j < p.length; j++) s += p[j];
  let loss = 0;
  let passed = 0; // sum of t_i over the unclipped i
  for (let j = 0; j < p.length; j++) {
    const n = p[j] / s;
    loss -= t[j] * Math.log(Math.min(Math.max(n, lo), hi));
    if (n >= lo && n <= hi) passed += t[j];
  }
  for (let j = 0; j < p.length; j++) {
    const n = p[j] / s;
    const own = n >= lo && n <= hi ? -t[j] / n : 0;
    grad[j] = (own + passed) / s;
  }
  return loss;
}

/** One element's loss and derivative for the elementwise kinds (averaged over the row by the caller). */
function elementLoss(kind: LossAttrs['kind'], fromLogits: boolean, p: number, t: number, { eps, delta }: RowMath): [number, number] {
  const e = p - t;
  switch (kind) {
    case 'binaryCrossentropy': {
      if (fromLogits) {
        const sigmoid = 1 / (1 + Math.exp(-p));
        return [Math.max(p, 0) - p * t + Math.log1p(Math.exp(-Math.abs(p))), sigmoid - t];
      }
      const [lo, hi] = clipBounds(eps);
      const q = Math.min(Math.max(p, lo), hi);
      const loss = -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
      return [loss, p >= lo && p <= hi ? (q - t) / (q * (1 - q)) : 0];
    }
    case 'meanSquaredError':
      return [e * e, 2 * e];
    case 'meanAbsoluteError':
      return [Math.abs(e), Math.sign(e)];
    case 'huber':
      return Math.abs(e) <= delta ? [0.5 * e * e, e] : [delta * (Math.abs(e) - 0.5 * delta), delta * Math.sign(e)];
    default:
      throw new WgnnError('loss', `${kind} is not an elementwise loss`);
  }
}

/** [eps, 1 - eps] rounded to float32, as Keras clips in float32. */
function clipBounds(eps: number): [number, number] {
  const lo = Math.fround(eps);
  return [lo, Math.fround(1 - lo)];
}

/** Sparse labels (floats holding class indices) checked: integers in [0, F). */
export function checkLabels(where: string, labels: ArrayLike<number>, F: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= F) {
      throw new WgnnError(where, `sparse label target[${i}] = ${label} is not a class index; labels must be integers in [0, ${F})`);
    }
  }
}

/**
 * The loss in float64 over flat arrays: pred and (non-sparse) target hold rows * F values, sparse
 * labels hold rows, weights (optional) rows. Used directly by the finite-difference tests.
 */
export function lossRows(pred: ArrayLike<number>, target: ArrayLike<number>, weights: ArrayLike<number> | undefined, F: number, attrs: LossAttrs): LossRows {
  const rows = pred.length / F;
  const math: RowMath = { eps: attrs.epsilon ?? DEFAULT_EPSILON, delta: attrs.delta ?? DEFAULT_DELTA };
  const sparse = attrs.kind === 'sparseCategoricalCrossentropy';
  if (sparse) checkLabels('loss', target, F);
  const rowLoss = new Float64Array(rows);
  const dPred = new Float64Array(rows * F);
  for (let r = 0; r < rows; r++) {
    const p = Array.from({ length: F }, (_, j) => pred[r * F + j]);
    const t = sparse ? Array.from({ length: F }, (_, j) => Number(j === target[r])) : Array.from({ length: F }, (_, j) => target[r * F + j]);
    const grad = new Float64Array(F);
    let loss: number;
    if (sparse || attrs.kind === 'categoricalCrossentropy') {
      loss = attrs.fromLogits ? softmaxCrossentropy(p, t, grad) : probabilityCrossentropy(p, t, grad, math);
    } else {
      let sum = 0;
      for (let j = 0; j < F; j++) {
        const [l, g] = elementLoss(attrs.kind, attrs.fromLogits, p[j], t[j], math);
        sum += l;
        grad[j] = g / F;
      }
      loss = sum / F;
    }
    const w = weights ? weights[r] : 1;
    rowLoss[r] = w * loss;
    for (let j = 0; j < F; j++) dPred[r * F + j] = w * attrs.scale * grad[j];
  }
  return { rowLoss, dPred };
}

/** The op's contract on host tensors: [rowLoss [rows], dPred (pred's shape)] in float32. */
export function lossReference(pred: HostTensor, target: HostTensor, weights: HostTensor | undefined, attrs: LossAttrs): HostTensor[] {
  for (const [name, t] of [['pred', pred], ['target', target], ['weights', weights]] as const) if (t) checkDataLength('loss', name, t);
  const F = pred.shape[pred.shape.length - 1];
  if (!(F >= 1)) throw new WgnnError('loss', `pred ${formatShape(pred.shape)} needs a last axis of at least 1 value`);
  const rows = sizeOf(pred.shape) / F;
  const expected = attrs.kind === 'sparseCategoricalCrossentropy' ? rows : rows * F;
  if (target.data.length !== expected || (weights && weights.data.length !== rows)) {
    throw new WgnnError('loss', `target ${formatShape(target.shape)} or weights ${weights ? formatShape(weights.shape) : '(none)'} do not match pred ${formatShape(pred.shape)}`);
  }
  const { rowLoss, dPred } = lossRows(pred.data, target.data, weights?.data, F, attrs);
  return [
    { shape: [rows], data: Float32Array.from(rowLoss) },
    { shape: [...pred.shape], data: Float32Array.from(dPred) },
  ];
}
