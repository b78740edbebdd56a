// The optimizer step on host arrays, element by element, in float64 with every stored value
// rounded to float32 (as the float32 buffers on the GPU hold them). Each formula follows Keras 3's
// update_step; the order per step follows base_optimizer.py `_backend_apply_gradients`:
// clip the gradient (`_clip_gradients`: by norm with the scales given, or clip(g, -clipvalue,
// clipvalue)), decay the weights
// (`_apply_weight_decay`: w = w - w * wd * lr), then the optimizer's update_step.
import { WgnnError } from '../../errors.ts';
import { STEP_LAYOUT, STEP_SLOTS, type OptimizerAttrs, type OptimizerConfig, optimizerStateSlots, resolveOptimizer } from './config.ts';

const f32 = Math.fround;

/** One element's update: reads slot s of its state with state(s), writes it with set(s, v); returns the new parameter. */
type ElementUpdate = (c: OptimizerConfig, w: number, g: number, lr: number, step: Float32Array, state: (s: number) => number, set: (s: number, v: number) => void) => number;

// keras/src/optimizers/sgd.py update_step
const sgd: ElementUpdate = (c, w, g, lr, _step, state, set) => {
  if (c.momentum === 0) return w - g * lr;
  const m = f32(state(0) * c.momentum - g * lr);
  set(0, m);
  return c.nesterov ? w + (m * c.momentum - g * lr) : w + m;
};

// keras/src/optimizers/adam.py update_step (adamw.py is Adam with a default weight decay):
// alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);
// w -= m * alpha / (sqrt(v) + epsilon). The bias corrections come from the 'step' buffer.
const adam: ElementUpdate = (c, w, g, lr, step, state, set) => {
  const alpha = (lr * Math.sqrt(step[STEP_LAYOUT.biasCorrection2])) / step[STEP_LAYOUT.biasCorrection1];
  const m = f32(state(0) + (g - state(0)) * (1 - c.beta1));
  const v = f32(state(1) + (g * g - state(1)) * (1 - c.beta2));
  set(0, m);
  set(1, v);
  return w - (m * alpha) / (Math.sqrt(v) + c.epsilon);
};

// keras/src/optimizers/rmsprop.py update_step: velocity = rho v + (1 - rho) g^2; centered:
// avg = rho avg + (1 - rho) g, denominator = velocity - avg^2 + epsilon, else velocity + epsilon;
// increment = lr g / sqrt(denominator); with momentum: mom = momentum * mom + increment, w -= mom.
const rmsprop: ElementUpdate = (c, w, g, lr, _step, state, set) => {
  const velocity = f32(c.rho * state(0) + (1 - c.rho) * g * g);
  set(0, velocity);
  let denominator = velocity + c.epsilon;
  if (c.centered) {
    const slot = c.momentum > 0 ? 2 : 1;
    const average = f32(c.rho * state(slot) + (1 - c.rho) * g);
    set(slot, average);
    denominator = velocity - average * average + c.epsilon;
  }
  const increment = (lr * g) / Math.sqrt(denominator);
  if (c.momentum === 0) return w - increment;
  const momentum = f32(c.momentum * state(1) + increment);
  set(1, momentum);
  return w - momentum;
};

// keras/src/optimizers/adagrad.py update_step: accumulator += g^2; w -= lr g / sqrt(accumulator + epsilon).
const adagrad: ElementUpdate = (c, w, g, lr, _step, state, set) => {
  const accumulator = f32(state(0) + g * g);
  set(0, accumulator);
  return w - (lr * g) / Math.sqrt(accumulator + c.epsilon);
};

const UPDATES: Record<OptimizerConfig['kind'], ElementUpdate> = { sgd, adam, adamw: adam, rmsprop, adagrad };

function external(where: string, externals: Map<string, Float32Array>, name: string, length: number): Float32Array {
  const buffer = externals.get(name);
  if (!buffer) throw new WgnnError(where, `needs the external buffer '${name}', which was not given`);
  if (buffer.length < length) throw new WgnnError(where, `external buffer '${name}' holds ${buffer.length} values, fewer than the ${length} it needs`);
  return buffer;
}

/** Per-parameter gradient scales (clipNormScales) and the parameters' bounds in the flat buffers. */
export interface NormClipping {
  scales: Float32Array;
  bounds: Int32Array;
}

/** Updates externals 'params' and 'optimizerState' in place from 'grads' and 'step'. */
export function optimizerStepReference(attrs: OptimizerAttrs, externals: Map<string, Float32Array>, clipping?: NormClipping): void {
  const where = `optimizerStep ${attrs.kind}`;
  const c = resolveOptimizer(where, attrs);
  const n = c.count;
  const slots = optimizerStateSlots(attrs);
  const params = external(where, externals, 'params', n);
  const grads = external(where, externals, 'grads', n);
  const state = slots ? external(where, externals, 'optimizerState', slots * n) : new Float32Array(0);
  const step = external(where, externals, 'step', c.kind === 'adam' || c.kind === 'adamw' ? STEP_SLOTS : STEP_LAYOUT.t + 1);
  const lr = step[STEP_LAYOUT.learningRate];
  const update = UPDATES[c.kind];
  let segment = 0;
  for (let i = 0; i < n; i++) {
    let g = grads[i];
    if (clipping) {
      while (i >= clipping.bounds[segment + 1]) segment++;
      g = f32(g * clipping.scales[segment]);
    }
    if (c.clipValue !== null) g = Math.min(Math.max(g, -c.clipValue), c.clipValue);
    const decayed = f32(params[i] - params[i] * c.weightDecay * lr);
    params[i] = f32(update(c, decayed, g, lr, step, (s) => state[s * n + i], (s, v) => (state[s * n + i] = v)));
  }
}
