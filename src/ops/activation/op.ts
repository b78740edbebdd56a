// activation: out = f(x) elementwise, f chosen by the ACTIVATION override (shaders/activation.wgsl).
import activationWgsl from '../../../shaders/activation.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import type { ResolvedActivation } from './kinds.ts';
import { activationReference } from './reference.ts';

const SHADER = { name: 'activation.wgsl', code: activationWgsl };
const WG_SIZE = 256;

export const activationOp: OpDefinition<ResolvedActivation> = {
  name: 'activation',

  infer(where, [x]) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.dtype !== 'float32') throw new WgnnError(where, `input must be float32, got ${x.dtype}`);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },

  plan([x], _outputs, act, ctx) {
    const count = sizeOf(x!.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { ACTIVATION: act.code, WG_SIZE },
          params: { count, alpha: act.alpha, beta: act.beta },
          bindings: [{ input: 0 }, { output: 0 }],
          workgroups: spreadWorkgroups(act.kind, Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], act) {
    return [activationReference(x!, act)];
  },
};
