// CPU reference of the activation gradient: dx = dy * f'(.) with f' written from calculus, in
// float64, rounded to float32 at the end. v is y = f(x) where usesOutput(activation), else x.
//
// At points where f is not differentiable this follows TensorFlow's gradient kernels, the ones
// Keras training runs: ReluGrad (x > 0), Relu6Grad (0 < x < 6), LeakyReluGrad (x > 0 ? 1 : alpha),
// EluGrad / Keras elu's where(x > 0) (alpha at 0), SeluGrad (y < 0 ? y + alpha gamma : gamma, so
// gamma at 0), AbsGrad (sign(x), 0 at 0), Keras 3 hard_silu = x relu6(x + 3) / 6 differentiated
// with Relu6Grad (0 at x = -3, 1 at x = 3). clip and hardSigmoid take 0 on the boundary (PyTorch's
// hardtanh_backward; TF's clip_by_value passes the gradient there, but from y a boundary point
// cannot be told from the saturated side). floor, ceil and not are 0 everywhere, like TF.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { resolveActivation, type ResolvedActivation } from '../activation/kinds.ts';
import { applyActivation } from '../activation/reference.ts';
import type { HostTensor } from '../host-tensor.ts';
import { usesOutput } from './uses-output.ts';

const ERF = resolveActivation('activationGrad', 'erf');
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** f'(x) from y = f(x), for the kinds where usesOutput holds. */
function derivativeFromOutput(y: number, act: ResolvedActivation): number {
  const { alpha, beta } = act;
  switch (act.kind) {
    case 'linear': return 1;
    case 'relu': return y > 0 ? 1 : 0;
    case 'relu6': return y > 0 && y < 6 ? 1 : 0;
    case 'leakyRelu': return y > 0 ? 1 : alpha; // alpha >= 0: y > 0 exactly when x > 0
    case 'elu': return y > 0 ? 1 : y + alpha; // alpha e^x = alpha (e^x - 1) + alpha
    case 'selu': return y < 0 ? y + alpha * beta : beta; // beta = gamma
    case 'sigmoid': return y * (1 - y);
    case 'hardSigmoid': return y > 0 && y < 1 ? alpha : 0;
    case 'tanh': return 1 - y * y;
    case 'softplus': return -Math.expm1(-y); // sigmoid(x) = 1 - e^-softplus(x)
    case 'softsign': return (1 - Math.abs(y)) ** 2; // 1 / (1 + |x|)^2, and 1 - |y| = 1 / (1 + |x|)
    case 'clip': return y > alpha && y < beta ? 1 : 0;
    case 'sqrt': return 1 / (2 * y);
    case 'exp': return y;
    case 'log': return Math.exp(-y); // 1 / x
    case 'neg': return -1;
    case 'reciprocal': return -y * y; // -1 / x^2
    case 'floor':
    case 'ceil':
    case 'not':
      return 0;
    default: throw new WgnnError('activationGrad', `${act.kind} takes its input x, not its output`);
  }
}

/** f'(x), for the kinds (and parameters) where usesOutput does not hold. */
function derivativeFromInput(x: number, act: ResolvedActivation): number {
  const { alpha, beta } = act;
  switch (act.kind) {
    case 'leakyRelu': return x > 0 ? 1 : alpha;
    case 'elu': return x > 0 ? 1 : alpha * Math.exp(x);
    case 'selu': return x < 0 ? alpha * beta * Math.exp(x) : beta;
    case 'gelu': {
      // d/dx x Phi(x) = Phi(x) + x phi(x), Phi the standard normal CDF, phi its density.
      const cdf = 0.5 * (1 + applyActivation(x / Math.SQRT2, ERF));
      return cdf + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }
    case 'hardSwish': return x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6;
    case 'mish': {
      // d/dx x tanh(sp(x)) = tanh(sp) + x (1 - tanh^2(sp)) sigmoid(x), since sp'(x) = sigmoid(x).
      const t = Math.tanh(Math.log1p(Math.exp(x)));
      return t + x * (1 - t * t) / (1 + Math.exp(-x));
    }
    case 'erf': return TWO_OVER_SQRT_PI * Math.exp(-x * x);
    case 'abs': return Math.sign(x);
    default: throw new WgnnError('activationGrad', `${act.kind} takes its output y, not its input`);
  }
}

/** f'(x) given v (y where usesOutput(act), else x), in float64. */
export function activationDerivative(v: number, act: ResolvedActivation): number {
  return usesOutput(act) ? derivativeFromOutput(v, act) : derivativeFromInput(v, act);
}

export function activationGradReference(dy: HostTensor, v: HostTensor, act: ResolvedActivation): HostTensor {
  if (dy.shape.join() !== v.shape.join() || dy.data.length !== v.data.length) {
    throw new WgnnError('activationGrad', `dy ${formatShape(dy.shape)} and v ${formatShape(v.shape)} must have one shape`);
  }
  const data = new Float32Array(dy.data.length);
  for (let i = 0; i < data.length; i++) data[i] = dy.data[i] * activationDerivative(v.data[i], act);
  return { shape: [...dy.shape], data };
}
