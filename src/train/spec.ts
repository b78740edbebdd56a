// What `compile(model, { optimizer, loss, metrics })` accepts, with Keras's names (camelCase or
// Keras's snake_case strings) and defaults, resolved into the attrs of the ops that run them.
import { WgnnError } from '../errors.ts';
import type { LossAttrs } from '../ops/loss/op.ts';

export type LossKind = LossAttrs['kind'];

const LOSS_ALIASES: Record<string, LossKind> = {
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  binaryCrossentropy: 'binaryCrossentropy', binary_crossentropy: 'binaryCrossentropy',
  meanSquaredError: 'meanSquaredError', mean_squared_error: 'meanSquaredError', mse: 'meanSquaredError',
  meanAbsoluteError: 'meanAbsoluteError', mean_absolute_error: 'meanAbsoluteError', mae: 'meanAbsoluteError',
  huber: 'huber', huber_loss: 'huber',
};

export interface LossConfig {
  name: string;
  /** The model's output is logits (no softmax/sigmoid applied); Keras's from_logits. */
  fromLogits?: boolean;
  /** Huber's threshold (Keras default 1). */
  delta?: number;
}

export interface Loss {
  kind: LossKind;
  fromLogits: boolean;
  delta: number;
}

export function resolveLoss(spec: string | LossConfig | undefined): Loss {
  if (spec === undefined) throw new WgnnError('compile', 'needs a loss (e.g. { loss: \'sparseCategoricalCrossentropy\' })');
  const config = typeof spec === 'string' ? { name: spec } : spec;
  const kind = Object.hasOwn(LOSS_ALIASES, config.name) ? LOSS_ALIASES[config.name] : undefined;
  if (!kind) throw new WgnnError('compile', `unknown loss '${config.name}'; known: ${[...new Set(Object.values(LOSS_ALIASES))].join(', ')}`);
  return { kind, fromLogits: config.fromLogits ?? false, delta: config.delta ?? 1 };
}

export type MetricKind = 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'topKCategoricalAccuracy' | 'sparseTopKCategoricalAccuracy' | 'mse' | 'mae';

const METRIC_ALIASES: Record<string, MetricKind | 'accuracy'> = {
  accuracy: 'accuracy', acc: 'accuracy',
  binaryAccuracy: 'binaryAccuracy', binary_accuracy: 'binaryAccuracy',
  categoricalAccuracy: 'categoricalAccuracy', categorical_accuracy: 'categoricalAccuracy',
  sparseCategoricalAccuracy: 'sparseCategoricalAccuracy', sparse_categorical_accuracy: 'sparseCategoricalAccuracy',
  mse: 'mse', meanSquaredError: 'mse', mean_squared_error: 'mse',
  topKCategoricalAccuracy: 'topKCategoricalAccuracy', top_k_categorical_accuracy: 'topKCategoricalAccuracy',
  sparseTopKCategoricalAccuracy: 'sparseTopKCategoricalAccuracy', sparse_top_k_categorical_accuracy: 'sparseTopKCategoricalAccuracy',
  mae: 'mae', meanAbsoluteError: 'mae', mean_absolute_error: 'mae',
};

/** A metric with options: the top-k accuracies take k (Keras's default 5). */
export interface MetricConfig {
  name: string;
  k?: number;
}

export interface Metric {
  /** The name History and the logs use (as given: 'accuracy' stays 'accuracy'). */
  name: string;
  kind: MetricKind;
  /** Top-k accuracies: a sample counts where its class is among the k highest outputs. */
  k?: number;
}

const TOP_K = new Set<MetricKind>(['topKCategoricalAccuracy', 'sparseTopKCategoricalAccuracy']);

/** 'accuracy' becomes the variant that fits the loss, as Keras picks it. */
export function resolveMetrics(specs: (string | MetricConfig)[] = [], loss: Loss, outputShape: number[]): Metric[] {
  return specs.map((spec) => {
    const { name, k, ...rest } = typeof spec === 'string' ? { name: spec } : spec;
    const alias = Object.hasOwn(METRIC_ALIASES, name) ? METRIC_ALIASES[name] : undefined;
    if (!alias) throw new WgnnError('compile', `unknown metric '${name}'; known: ${Object.keys(METRIC_ALIASES).join(', ')}`);
    const extra = Object.keys(rest);
    if (extra.length) throw new WgnnError('compile', `metric '${name}' has no option ${extra.map((o) => `'${o}'`).join(', ')}`);
    if (alias !== 'accuracy' && TOP_K.has(alias)) {
      const top = k ?? 5;
      if (!(Number.isInteger(top) && top >= 1)) throw new WgnnError('compile', `metric '${name}': k ${top} must be an integer >= 1`);
      return { name, kind: alias, k: top };
    }
    if (k !== undefined) throw new WgnnError('compile', `metric '${name}' takes no k (only the top-k accuracies do)`);
    if (alias !== 'accuracy') return { name, kind: alias };
    if (loss.kind === 'sparseCategoricalCrossentropy') return { name, kind: 'sparseCategoricalAccuracy' };
    if (loss.kind === 'categoricalCrossentropy') return { name, kind: 'categoricalAccuracy' };
    if (loss.kind === 'binaryCrossentropy' || outputShape.at(-1) === 1) return { name, kind: 'binaryAccuracy' };
    return { name, kind: 'categoricalAccuracy' };
  });
}
