// activationGrad: dx = dy * f'(.) elementwise (shaders/activation_grad.wgsl), the backward of the
// `activation` op and of every activation epilogue. Inputs [dy, v], v being the activation's
// output y where usesOutput(activation) holds (so the pre-activation need not be kept for
// training), else its input x; all float32 of one shape. Variants: 'vec4' where the count is
// whole vec4s, else 'scalar'.
import activationGradWgsl from '../../../shaders/activation_grad.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { ACTIVATIONS, type ResolvedActivation } from '../activation/kinds.ts';
import { selectVec4Variant, spreadWorkgroups, vec4Shader, type OpDefinition, type PlanContext, type Vec4Variant } from '../op.ts';
import { activationGradReference } from './reference.ts';
import { usesOutput } from './uses-output.ts';

export { usesOutput };

const SHADER = { name: 'activation_grad.wgsl', code: activationGradWgsl };
const SHADER_VEC4 = vec4Shader(SHADER);
const WG_SIZE = 256;
export type ActivationGradVariant = Vec4Variant;

/**
 * Pure choice: 'vec4' (an invocation per 4 elements, the same shader over vec4s) where the count
 * is whole vec4s, else 'scalar' (forced: variants.activationGrad). Measured (Node): relu over
 * [64,30,30,16] 21 -> 12.5 ms p25; notes in bench/NOTES.md.
 */
export function selectActivationGradVariant(count: number, ctx: Pick<PlanContext, 'forcedVariants'>): ActivationGradVariant {
  return selectVec4Variant('activationGrad', ctx, count % 4 === 0, `a count that is a multiple of 4, got ${count}`);
}

export interface ActivationGradAttrs {
  /** The forward activation being differentiated. */
  activation: ResolvedActivation;
}

export const activationGradOp: OpDefinition<ActivationGradAttrs> = {
  name: 'activationGrad',

  infer(where, [dy, v], { activation }) {
    if (!dy || !v) throw new WgnnError(where, `needs two inputs: dy and the activation's ${activation && usesOutput(activation) ? 'output y' : 'input x'}`);
    if (dy.dtype !== 'float32' || v.dtype !== 'float32') {
      throw new WgnnError(where, `inputs must be float32, got dy ${dy.dtype} and v ${v.dtype}`);
    }
    if (dy.shape.join() !== v.shape.join()) {
      throw new WgnnError(where, `dy ${formatShape(dy.shape)} and v ${formatShape(v.shape)} must have one shape`);
    }
    const entry = activation && Object.hasOwn(ACTIVATIONS, activation.kind) ? ACTIVATIONS[activation.kind] : undefined;
    if (!entry || entry.code !== activation.code) {
      throw new WgnnError(where, `needs a resolved activation (resolveActivation), got ${JSON.stringify(activation)}`);
    }
    return [{ shape: [...dy.shape], dtype: 'float32' }];
  },

  plan([dy], _outputs, { activation }, ctx) {
    if (sizeOf(dy!.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const lanes = selectActivationGradVariant(sizeOf(dy!.shape), ctx) === 'vec4' ? 4 : 1;
    const count = sizeOf(dy!.shape) / lanes;
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: lanes === 4 ? SHADER_VEC4 : SHADER,
          overrides: { FORWARD_ACTIVATION: activation.code, FROM_OUTPUT: usesOutput(activation) ? 1 : 0, WG_SIZE },
          params: { count, alpha: activation.alpha, beta: activation.beta },
          bindings: [{ input: 0 }, { input: 1 }, { output: 0 }],
          workgroups: spreadWorkgroups('activationGrad', Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([dy, v], { activation }) {
    return [activationGradReference(dy!, v!, activation)];
  },
};
