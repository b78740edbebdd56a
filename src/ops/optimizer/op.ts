// optimizerStep: one dispatch updates every trainable parameter in the external buffers
// 'params' and 'optimizerState' from 'grads' and the host-written 'step' (shaders/optimizer_step.wgsl;
// buffer layout and Keras defaults in ./config.ts). An effect op: no outputs. Its value inputs
// (the gradients) only order it after the backward pass; the kernel reads the flat 'grads'.
// With clipNorm or globalClipNorm its first two inputs are the clipNormScales node's scales and
// the parameter bounds it was given: each gradient is multiplied by its parameter's scale.
// Variants: 'vec4' (one invocation per 4 elements: the same formulas over vec4s) wherever the count
// is a multiple of 4 and no clipping by norm needs each element's parameter, else 'scalar'. A
// training step's flat buffers are always whole vec4s (64-element alignment, src/train/params.ts).
import optimizerStepWgsl from '../../../shaders/optimizer_step.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { spreadWorkgroups, vec4Shader, type OpDefinition, type PlanContext } from '../op.ts';
import { optimizerStateSlots, resolveOptimizer, type OptimizerAttrs, type OptimizerConfig } from './config.ts';
import { optimizerStepReference } from './reference.ts';

export { DEFAULT_LEARNING_RATE, initialState, optimizerStateSlots, optimizerStepValues, STEP_LAYOUT, STEP_SLOTS, stateSlotNames, type OptimizerAttrs, type OptimizerKind } from './config.ts';

const SHADER = { name: 'optimizer_step.wgsl', code: optimizerStepWgsl };
const SHADER_VEC4 = vec4Shader(SHADER);
export const OPTIMIZER_VARIANTS = ['vec4', 'scalar'] as const;
export type OptimizerVariant = (typeof OPTIMIZER_VARIANTS)[number];
const KIND_CODES = { sgd: 0, adam: 1, adamw: 1, rmsprop: 2, adagrad: 3 } as const;
const WG_SIZE = 64;

/** Whether gradients are scaled by clipNormScales' output (clipNorm or globalClipNorm). */
const scaled = (c: OptimizerConfig) => c.clipNorm !== null || c.globalClipNorm !== null;

/** 'vec4' where the count is whole vec4s and no norm clipping looks up each element's parameter. */
export function selectOptimizerVariant(where: string, c: OptimizerConfig, ctx: Pick<PlanContext, 'forcedVariants'>): OptimizerVariant {
  const forced = ctx.forcedVariants.optimizer;
  if (forced !== undefined && !(OPTIMIZER_VARIANTS as readonly string[]).includes(forced)) {
    throw new WgnnError(where, `unknown optimizer variant '${forced}'; variants: ${OPTIMIZER_VARIANTS.join(', ')}`);
  }
  const fits = c.count % 4 === 0 && !scaled(c);
  if (forced === 'vec4' && !fits) {
    throw new WgnnError(where, `variant vec4 needs a parameter count that is a multiple of 4 (got ${c.count}) and no clipping by norm`);
  }
  return (forced as OptimizerVariant | undefined) ?? (fits ? 'vec4' : 'scalar');
}

export const optimizerStepOp: OpDefinition<OptimizerAttrs> = {
  name: 'optimizerStep',
  effects: true,

  infer(where, inputs, attrs) {
    const c = resolveOptimizer(where, attrs);
    if (scaled(c)) {
      const [scales, bounds] = inputs;
      if (!scales || !bounds || bounds.dtype !== 'int32' || scales.shape.length !== 1 || bounds.shape.length !== 1 || bounds.shape[0] !== scales.shape[0] + 1) {
        throw new WgnnError(where, `clipping by norm needs the scales [S] and the int32 parameter bounds [S + 1] as the first two inputs, got ${inputs.slice(0, 2).map((x) => (x ? `${formatShape(x.shape)} ${x.dtype}` : 'nothing')).join(' and ')}`);
      }
    }
    inputs.forEach((x, i) => {
      if (scaled(c) && i < 2) return;
      if (x && x.dtype !== 'float32') throw new WgnnError(where, `input ${i} (a gradient, for ordering) must be float32, got ${x.dtype}`);
    });
    return [];
  },

  plan(inputs, _outputs, attrs, ctx) {
    const where = `optimizerStep ${attrs.kind}`;
    const c = resolveOptimizer(where, attrs);
    const slots = optimizerStateSlots(attrs);
    const lanes = selectOptimizerVariant(where, c, ctx) === 'vec4' ? 4 : 1;
    const stateBytes = slots * c.count * 4;
    if (stateBytes > ctx.limits.maxStorageBufferBindingSize) {
      throw new WgnnError(where, `${slots} state slots of ${c.count} parameters need ${stateBytes} bytes in one binding, past the device's maxStorageBufferBindingSize of ${ctx.limits.maxStorageBufferBindingSize}`);
    }
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: lanes === 4 ? SHADER_VEC4 : SHADER,
          overrides: {
            KIND: KIND_CODES[c.kind],
            MOMENTUM: Number(c.momentum > 0),
            NESTEROV: Number(c.nesterov),
            CENTERED: Number(c.centered),
            CLIP: Number(c.clipValue !== null),
            CLIP_NORM: Number(scaled(c)),
            WG_SIZE,
          },
          params: {
            count: c.count / lanes,
            momentum: c.momentum,
            oneMinusBeta1: 1 - c.beta1,
            oneMinusBeta2: 1 - c.beta2,
            rho: c.rho,
            oneMinusRho: 1 - c.rho,
            epsilon: c.epsilon,
            weightDecay: c.weightDecay,
            clipValue: c.clipValue ?? 0,
            segments: scaled(c) ? inputs[0]!.shape[0] : 0,
          },
          // Plain sgd keeps no state: no 'optimizerState' buffer is needed.
          bindings: [
            { external: 'params' }, { external: 'grads' }, slots ? { external: 'optimizerState' } : { unused: true }, { external: 'step' },
            ...(scaled(c) ? [{ input: 0 }, { input: 1 }] : [{ unused: true as const }, { unused: true as const }]),
          ],
          workgroups: spreadWorkgroups(where, Math.ceil(c.count / lanes / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference() {
    return [];
  },

  referenceEffects(inputs, attrs, externals) {
    const c = resolveOptimizer(`optimizerStep ${attrs.kind}`, attrs);
    const clip = scaled(c) ? { scales: inputs[0]!.data, bounds: inputs[1]!.data as unknown as Int32Array } : undefined;
    optimizerStepReference(attrs, externals, clip);
  },
};
