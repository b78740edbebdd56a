// Optimizers as compile() takes them: a Keras name with Keras's defaults, or a config with a
// learning rate that may be a schedule (a function of the step, run on the host before each
// step), and the schedules Keras ships.
import { WgnnError } from '../errors.ts';
import { DEFAULT_LEARNING_RATE, type OptimizerAttrs, type OptimizerKind } from '../ops/optimizer/op.ts';
import { resolveOptimizer as checkOptimizerAttrs } from '../ops/optimizer/config.ts';

/** A learning rate per step: `step` counts the optimizer's updates before this one (Keras's `iterations`). */
export type LearningRateSchedule = (step: number) => number;

export interface OptimizerConfig extends Omit<OptimizerAttrs, 'kind' | 'count'> {
  name: string;
  learningRate?: number | LearningRateSchedule;
}

export interface Optimizer {
  attrs: Omit<OptimizerAttrs, 'count'>;
  learningRate: LearningRateSchedule;
}

const NAMES: Record<string, OptimizerKind> = { sgd: 'sgd', SGD: 'sgd', adam: 'adam', Adam: 'adam', adamw: 'adamw', AdamW: 'adamw', rmsprop: 'rmsprop', RMSprop: 'rmsprop', adagrad: 'adagrad', Adagrad: 'adagrad' };

export function resolveOptimizer(spec: string | OptimizerConfig | undefined): Optimizer {
  const config: OptimizerConfig = typeof spec === 'string' ? { name: spec } : spec ?? { name: 'rmsprop' };
  const kind = Object.hasOwn(NAMES, config.name) ? NAMES[config.name] : undefined;
  if (!kind) throw new WgnnError('compile', `unknown optimizer '${config.name}'; known: sgd, adam, adamw, rmsprop, adagrad`);
  const { name: _name, learningRate = DEFAULT_LEARNING_RATE[kind], ...options } = config;
  const schedule = typeof learningRate === 'function' ? learningRate : () => learningRate;
  if (typeof learningRate === 'number' && !(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new WgnnError('compile', `learning rate ${learningRate} must be a positive number`);
  }
  // Options checked now (Keras's ranges, one clipping at most), not at the first step.
  checkOptimizerAttrs('compile', { kind, count: 1, ...options });
  return { attrs: { kind, ...options }, learningRate: schedule };
}

/** Keras's ExponentialDecay: initial * rate^(step / decaySteps), the exponent floored when staircase. */
export function exponentialDecay(options: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = options;
  if (!(decaySteps > 0)) throw new WgnnError('exponentialDecay', `decaySteps ${decaySteps} must be > 0`);
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

/** Keras's CosineDecay (no warmup): initial * ((1 - alpha) * (1 + cos(pi * min(step, decaySteps) / decaySteps)) / 2 + alpha). */
export function cosineDecay(options: { initialLearningRate: number; decaySteps: number; alpha?: number }): LearningRateSchedule {
  const { initialLearningRate, decaySteps, alpha = 0 } = options;
  if (!(decaySteps > 0)) throw new WgnnError('cosineDecay', `decaySteps ${decaySteps} must be > 0`);
  return (step) => {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
    return initialLearningRate * ((1 - alpha) * cosine + alpha);
  };
}
