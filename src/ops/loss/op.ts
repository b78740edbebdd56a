// loss: a Keras loss and its gradient in one dispatch (shaders/loss.wgsl). pred [..., F] is read
// as rows of F values (Keras reduces over the last axis per sample); inputs [pred, target,
// weights?]; outputs [rowLoss [rows] = w * loss_row, dPred (pred's shape) = w * dloss_row/dpred *
// scale]. The caller sums rowLoss and divides (Keras "sum_over_batch_size"); `scale` carries that
// division into the gradient. The formulas and their Keras sources are in ./reference.ts.
import lossWgsl from '../../../shaders/loss.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition, type TensorSpec } from '../op.ts';
import { lossReference } from './reference.ts';

const SHADER = { name: 'loss.wgsl', code: lossWgsl };
const WG_SIZE = 64;

/** The kinds, in the order of the shader's KIND codes. */
export const LOSS_KINDS = ['sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'huber'] as const;
export type LossKind = (typeof LOSS_KINDS)[number];
/** The kinds that read probabilities or logits; the others have no fromLogits in Keras. */
export const CROSSENTROPY_KINDS: readonly LossKind[] = ['sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'binaryCrossentropy'];

/** keras.config.epsilon(), the probability clip of the crossentropies. */
export const DEFAULT_EPSILON = 1e-7;
/** keras.losses.Huber's default delta. */
export const DEFAULT_DELTA = 1;

export interface LossAttrs {
  kind: LossKind;
  fromLogits: boolean;
  /** huber: where the loss turns from quadratic to linear (default 1). */
  delta?: number;
  /** Probability clip [epsilon, 1 - epsilon] (default 1e-7, keras.config.epsilon()). */
  epsilon?: number;
  /** Multiplies dPred: the training builder passes 1 / (total rows of the batch). */
  scale: number;
}

function checkAttrs(where: string, { kind, fromLogits, delta, epsilon, scale }: LossAttrs): void {
  if (!(LOSS_KINDS as readonly string[]).includes(kind)) throw new WgnnError(where, `unknown loss kind '${kind}'; kinds: ${LOSS_KINDS.join(', ')}`);
  if (typeof fromLogits !== 'boolean') throw new WgnnError(where, `fromLogits must be true or false, got ${String(fromLogits)}`);
  if (fromLogits && !CROSSENTROPY_KINDS.includes(kind)) throw new WgnnError(where, `fromLogits applies to the crossentropies only, not to ${kind}`);
  if (delta !== undefined && !(Number.isFinite(delta) && delta > 0)) throw new WgnnError(where, `huber delta ${delta} must be a finite number > 0`);
  if (epsilon !== undefined && !(Number.isFinite(epsilon) && epsilon >= 0 && epsilon < 0.5)) throw new WgnnError(where, `epsilon ${epsilon} must be a finite number in [0, 0.5)`);
  if (!Number.isFinite(scale)) throw new WgnnError(where, `scale ${scale} must be a finite number`);
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export const lossOp: OpDefinition<LossAttrs> = {
  name: 'loss',

  infer(where, [pred, target, weights], attrs) {
    checkAttrs(where, attrs);
    if (!pred || !target) throw new WgnnError(where, 'needs pred and target');
    for (const [name, t] of [['pred', pred], ['target', target], ['weights', weights]] as const) {
      if (t && t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
    }
    const F = pred.shape[pred.shape.length - 1];
    if (pred.shape.length < 1 || F < 1) throw new WgnnError(where, `pred ${formatShape(pred.shape)} needs a last axis of at least 1 value to reduce over`);
    const leading = pred.shape.slice(0, -1);
    const rows = sizeOf(leading);
    if (attrs.kind === 'sparseCategoricalCrossentropy') {
      // Keras also takes labels with a trailing axis of 1 and squeezes it (keras/src/losses/losses.py).
      if (!sameShape(target.shape, leading) && !sameShape(target.shape, [...leading, 1])) {
        throw new WgnnError(where, `sparse labels ${formatShape(target.shape)} must have pred ${formatShape(pred.shape)}'s shape without its last axis, ${formatShape(leading)} (or ${formatShape([...leading, 1])})`);
      }
    } else if (!sameShape(target.shape, pred.shape)) {
      throw new WgnnError(where, `target ${formatShape(target.shape)} must have pred's shape ${formatShape(pred.shape)}`);
    }
    if (weights && !sameShape(weights.shape, [rows]) && !sameShape(weights.shape, leading)) {
      throw new WgnnError(where, `weights ${formatShape(weights.shape)} must hold one value per row: [${rows}] or ${formatShape(leading)}`);
    }
    const outputs: TensorSpec[] = [
      { shape: [rows], dtype: 'float32' },
      { shape: [...pred.shape], dtype: 'float32' },
    ];
    return outputs;
  },

  plan([pred, , weights], _outputs, { kind, fromLogits, delta, epsilon, scale }, ctx) {
    const F = pred!.shape[pred!.shape.length - 1];
    const rows = sizeOf(pred!.shape) / F;
    if (rows === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { KIND: LOSS_KINDS.indexOf(kind), FROM_LOGITS: Number(fromLogits), HAS_WEIGHTS: Number(!!weights), WG_SIZE },
          params: { rows, F, delta: delta ?? DEFAULT_DELTA, epsilon: epsilon ?? DEFAULT_EPSILON, scale },
          bindings: [{ input: 0 }, { input: 1 }, weights ? { input: 2 } : { unused: true }, { output: 0 }, { output: 1 }],
          workgroups: spreadWorkgroups('loss', Math.ceil(rows / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([pred, target, weights], attrs) {
    return lossReference(pred!, target!, weights, attrs);
  },
};
