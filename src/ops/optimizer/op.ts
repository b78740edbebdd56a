// optimizerStep: one dispatch updates every trainable parameter in the external buffers
// 'params' and 'optimizerState' from 'grads' and the host-written 'step' (shaders/optimizer_step.wgsl;
// buffer layout and Keras defaults in ./config.ts). An effect op: no outputs. Its value inputs
// (the gradients) only order it after the backward pass; the kernel reads the flat 'grads'.
import optimizerStepWgsl from '../../../shaders/optimizer_step.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { optimizerStateSlots, resolveOptimizer, type OptimizerAttrs } from './config.ts';
import { optimizerStepReference } from './reference.ts';

export { DEFAULT_LEARNING_RATE, initialState, optimizerStateSlots, optimizerStepValues, STEP_LAYOUT, STEP_SLOTS, stateSlotNames, type OptimizerAttrs, type OptimizerKind } from './config.ts';

const SHADER = { name: 'optimizer_step.wgsl', code: optimizerStepWgsl };
const KIND_CODES = { sgd: 0, adam: 1, adamw: 1, rmsprop: 2, adagrad: 3 } as const;
const WG_SIZE = 64;

export const optimizerStepOp: OpDefinition<OptimizerAttrs> = {
  name: 'optimizerStep',
  effects: true,

  infer(where, inputs, attrs) {
    resolveOptimizer(where, attrs);
    inputs.forEach((x, i) => {
      if (x && x.dtype !== 'float32') throw new WgnnError(where, `input ${i} (a gradient, for ordering) must be float32, got ${x.dtype}`);
    });
    return [];
  },

  plan(_inputs, _outputs, attrs, ctx) {
    const where = `optimizerStep ${attrs.kind}`;
    const c = resolveOptimizer(where, attrs);
    const slots = optimizerStateSlots(attrs);
    const stateBytes = slots * c.count * 4;
    if (stateBytes > ctx.limits.maxStorageBufferBindingSize) {
      throw new WgnnError(where, `${slots} state slots of ${c.count} parameters need ${stateBytes} bytes in one binding, past the device's maxStorageBufferBindingSize of ${ctx.limits.maxStorageBufferBindingSize}`);
    }
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: {
            KIND: KIND_CODES[c.kind],
            MOMENTUM: Number(c.momentum > 0),
            NESTEROV: Number(c.nesterov),
            CENTERED: Number(c.centered),
            CLIP: Number(c.clipValue !== null),
            WG_SIZE,
          },
          params: {
            count: c.count,
            momentum: c.momentum,
            oneMinusBeta1: 1 - c.beta1,
            oneMinusBeta2: 1 - c.beta2,
            rho: c.rho,
            oneMinusRho: 1 - c.rho,
            epsilon: c.epsilon,
            weightDecay: c.weightDecay,
            clipValue: c.clipValue ?? 0,
          },
          // Plain sgd keeps no state: no 'optimizerState' buffer is needed.
          bindings: [{ external: 'params' }, { external: 'grads' }, slots ? { external: 'optimizerState' } : { unused: true }, { external: 'step' }],
          workgroups: spreadWorkgroups(where, Math.ceil(c.count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference() {
    return [];
  },

  referenceEffects(_inputs, attrs, externals) {
    optimizerStepReference(attrs, externals);
  },
};
