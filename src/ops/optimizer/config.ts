// The optimizer step's attributes, Keras 3's defaults for them, and the layout of the buffers it
// updates. Every trainable parameter lives in one flat float32 buffer ('params', each parameter
// at a 64-element-aligned offset, zero padding between), its gradient at the same offset in
// 'grads', the optimizer's state in 'optimizerState' (slots of `count` elements each, in the
// order stateSlotNames gives), and what changes per step in 'step' (STEP_LAYOUT), written by
// the host before each step (learning-rate schedules run on the host).
// Defaults: keras/src/optimizers/{sgd,adam,adamw,rmsprop,adagrad}.py (__init__ arguments);
// weight decay and clipvalue: keras/src/optimizers/base_optimizer.py.
import { WgnnError } from '../../errors.ts';

export type OptimizerKind = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

export interface OptimizerAttrs {
  kind: OptimizerKind;
  /** Elements of the flat params/grads buffers (and of each state slot). */
  count: number;
  /** sgd, rmsprop */
  momentum?: number;
  /** sgd */
  nesterov?: boolean;
  /** adam, adamw */
  beta1?: number;
  beta2?: number;
  /** adam, adamw, rmsprop, adagrad */
  epsilon?: number;
  /** rmsprop */
  rho?: number;
  centered?: boolean;
  /** Every kind (Keras applies it in the base optimizer); adamw defaults to 0.004, the rest to none. */
  weightDecay?: number;
  /** adagrad: the accumulator's starting value. */
  initialAccumulatorValue?: number;
  /** Every kind: gradients are clipped to [-clipValue, clipValue] first. */
  clipValue?: number;
  /**
   * Every kind: each parameter's gradient is scaled to a norm of at most clipNorm first (Keras's
   * clipnorm), or all of them together to a global norm of at most globalClipNorm
   * (global_clipnorm). The scales come from a clipNormScales node, the step's first input.
   * At most one of clipValue, clipNorm and globalClipNorm (Keras raises otherwise).
   */
  clipNorm?: number;
  globalClipNorm?: number;
}

type Clipping = 'clipValue' | 'clipNorm' | 'globalClipNorm';

/** Attributes with every default filled in; a clipping option null means none. */
export type OptimizerConfig = Required<Omit<OptimizerAttrs, Clipping>> & Record<Clipping, number | null>;

/** Keras 3's default learning rates, for the host that fills the 'step' buffer. */
export const DEFAULT_LEARNING_RATE: Record<OptimizerKind, number> = { sgd: 0.01, adam: 0.001, adamw: 0.001, rmsprop: 0.001, adagrad: 0.001 };

type KindOption = Exclude<keyof OptimizerAttrs, 'kind' | 'count' | 'weightDecay' | Clipping>;
const KERAS_DEFAULTS: Record<OptimizerKind, Partial<Pick<OptimizerAttrs, KindOption | 'weightDecay'>>> = {
  sgd: { momentum: 0, nesterov: false },
  adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  adamw: { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 },
  rmsprop: { rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false },
  adagrad: { initialAccumulatorValue: 0.1, epsilon: 1e-7 },
};
const COMMON_OPTIONS = ['weightDecay', 'clipValue', 'clipNorm', 'globalClipNorm'];

/** The 'step' buffer: what the host writes before each step (see optimizerStepValues). */
export const STEP_LAYOUT = { learningRate: 0, t: 1, biasCorrection1: 2, biasCorrection2: 3 } as const;
export const STEP_SLOTS = 4;

/** Validates the attributes against Keras's ranges and fills in Keras's defaults. */
export function resolveOptimizer(where: string, attrs: OptimizerAttrs): OptimizerConfig {
  const defaults = Object.hasOwn(KERAS_DEFAULTS, attrs.kind) ? KERAS_DEFAULTS[attrs.kind] : undefined;
  if (!defaults) throw new WgnnError(where, `unknown optimizer '${String(attrs.kind)}'; kinds are ${Object.keys(KERAS_DEFAULTS).join(', ')}`);
  if (!Number.isInteger(attrs.count) || attrs.count < 1 || attrs.count >= 2 ** 32) {
    throw new WgnnError(where, `count ${attrs.count} must be an integer in [1, 2^32): the elements of the flat parameter buffer`);
  }
  const allowed = [...Object.keys(defaults), ...COMMON_OPTIONS];
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'kind' || key === 'count' || value === undefined) continue;
    if (!allowed.includes(key)) throw new WgnnError(where, `'${key}' is not an option of ${attrs.kind}; its options are ${allowed.join(', ')}`);
  }
  const c: OptimizerConfig = {
    kind: attrs.kind,
    count: attrs.count,
    momentum: 0,
    nesterov: false,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
    rho: 0.9,
    centered: false,
    weightDecay: 0,
    initialAccumulatorValue: 0.1,
    ...defaults,
    ...Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)),
    clipValue: attrs.clipValue ?? null,
    clipNorm: attrs.clipNorm ?? null,
    globalClipNorm: attrs.globalClipNorm ?? null,
  };
  const check = (name: string, value: number, ok: boolean, valid: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !ok) throw new WgnnError(where, `${attrs.kind} ${name} ${value} is invalid: it must be ${valid}`);
  };
  // sgd.py raises outside [0, 1]; the others are what keeps the update finite.
  check('momentum', c.momentum, c.momentum >= 0 && (c.kind !== 'sgd' || c.momentum <= 1), c.kind === 'sgd' ? 'in [0, 1]' : '>= 0');
  check('beta1', c.beta1, c.beta1 >= 0 && c.beta1 < 1, 'in [0, 1)');
  check('beta2', c.beta2, c.beta2 >= 0 && c.beta2 < 1, 'in [0, 1)');
  check('rho', c.rho, c.rho >= 0 && c.rho <= 1, 'in [0, 1]');
  // Zero padding between parameters has zero gradients: epsilon 0 would make it 0/0.
  check('epsilon', c.epsilon, c.epsilon > 0, '> 0');
  check('weightDecay', c.weightDecay, c.weightDecay >= 0, '>= 0');
  check('initialAccumulatorValue', c.initialAccumulatorValue, c.initialAccumulatorValue >= 0, '>= 0 (adagrad.py: non-negative)');
  const clipping = (['clipValue', 'clipNorm', 'globalClipNorm'] as const).filter((k) => c[k] !== null);
  if (clipping.length > 1) throw new WgnnError(where, `only one of clipValue, clipNorm and globalClipNorm can be set (Keras's rule); got ${clipping.join(' and ')}`);
  for (const k of clipping) check(k, c[k]!, c[k]! > 0, '> 0');
  return c;
}

/** The state slots in buffer order (Keras's variable names); slot s of element i is at s * count + i. */
export function stateSlotNames(attrs: OptimizerAttrs): string[] {
  const c = resolveOptimizer('optimizerStep', attrs);
  switch (c.kind) {
    case 'sgd':
      return c.momentum !== 0 ? ['momentum'] : [];
    case 'adam':
    case 'adamw':
      return ['momentum', 'velocity'];
    case 'rmsprop':
      return ['velocity', ...(c.momentum > 0 ? ['momentum'] : []), ...(c.centered ? ['averageGradient'] : [])];
    case 'adagrad':
      return ['accumulator'];
  }
}

/** Slots of `count` elements in 'optimizerState' (0 for plain sgd: the buffer is then not bound). */
export function optimizerStateSlots(attrs: OptimizerAttrs): number {
  return stateSlotNames(attrs).length;
}

/** The optimizer state before the first step: zeros, except adagrad's accumulator. */
export function initialState(attrs: OptimizerAttrs, count: number = attrs.count): Float32Array {
  const state = new Float32Array(optimizerStateSlots({ ...attrs, count }) * count);
  if (attrs.kind === 'adagrad') state.fill(resolveOptimizer('optimizerStep', attrs).initialAccumulatorValue);
  return state;
}

/**
 * What the host writes into 'step' before step t (1-based): the learning rate, t, and Adam's
 * bias corrections 1 - beta^t, computed here in float64 (float32 powers of 0.999 lose digits).
 */
export function optimizerStepValues(attrs: OptimizerAttrs, learningRate: number, t: number): Float32Array {
  const c = resolveOptimizer('optimizerStep', attrs);
  if (!Number.isInteger(t) || t < 1) throw new WgnnError('optimizerStep', `step number ${t} must be an integer >= 1`);
  const adam = c.kind === 'adam' || c.kind === 'adamw';
  return Float32Array.of(learningRate, t, adam ? 1 - c.beta1 ** t : 1, adam ? 1 - c.beta2 ** t : 1);
}
