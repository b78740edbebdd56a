// Which value the activation gradient reads: the activation's output y or its input x.
// Reading y where f'(x) is a function of y lets training free the pre-activation after the forward
// pass (TensorFlow's ReluGrad, EluGrad, SeluGrad, SigmoidGrad and TanhGrad take y for this reason).
import type { ActivationKind, ResolvedActivation } from '../activation/kinds.ts';

/**
 * Kinds whose derivative is a function of y whatever their parameters. hardSigmoid is one for any
 * alpha: 0 < y < 1 exactly where alpha x + beta is inside the clamp, and there f' = alpha.
 */
const ALWAYS_FROM_OUTPUT = new Set<ActivationKind>([
  'linear', 'relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'softplus', 'softsign', 'clip',
  'sqrt', 'exp', 'log', 'neg', 'reciprocal', 'floor', 'ceil', 'not',
]);

/**
 * True where f'(x) can be written from y = f(x) for these parameters. leakyRelu with a negative
 * slope and elu/selu with a non-positive alpha (or gamma) give y the same sign on both sides of 0,
 * so y cannot tell which branch x was on; gelu, hardSwish, mish and erf are not one-to-one or
 * have no closed derivative in y, and abs loses the sign of x.
 */
export function usesOutput(activation: ResolvedActivation): boolean {
  const { kind, alpha, beta } = activation;
  if (ALWAYS_FROM_OUTPUT.has(kind)) return true;
  switch (kind) {
    case 'leakyRelu': return alpha >= 0;
    case 'elu': return alpha > 0;
    case 'selu': return alpha > 0 && beta > 0;
    default: return false; // gelu, hardSwish, mish, erf, abs
  }
}
