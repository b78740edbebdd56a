// CPU reference of the activation functions, written from their textbook definitions.
import type { HostTensor } from '../host-tensor.ts';
import type { ResolvedActivation } from './kinds.ts';

/** erf by Abramowitz & Stegun 7.1.26 is only 1.5e-7 accurate; this series/continued-fraction pair is ~1e-15. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 60; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc, evaluated bottom-up (Lentz-free form is fine at |x| >= 2.5).
  let frac = 0;
  for (let k = 60; k >= 1; k--) frac = (k / 2) / (ax + frac);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + frac);
  return Math.sign(x) * (1 - erfc);
}

export function applyActivation(x: number, act: ResolvedActivation): number {
  const { alpha, beta } = act;
  switch (act.kind) {
    case 'linear': return x;
    case 'relu': return x > 0 ? x : 0;
    case 'relu6': return Math.min(Math.max(x, 0), 6);
    case 'leakyRelu': return x >= 0 ? x : alpha * x;
    case 'elu': return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case 'selu': return beta * (x > 0 ? x : alpha * (Math.exp(x) - 1));
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'hardSigmoid': return Math.min(Math.max(alpha * x + beta, 0), 1);
    case 'tanh': return Math.tanh(x);
    case 'softplus': return Math.log1p(Math.exp(x));
    case 'softsign': return x / (1 + Math.abs(x));
    case 'clip': return Math.min(Math.max(x, alpha), beta);
    case 'gelu': return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'hardSwish': return x * Math.min(Math.max(x / 6 + 0.5, 0), 1);
    case 'mish': return x * Math.tanh(Math.log1p(Math.exp(x)));
    case 'erf': return erf(x);
    case 'sqrt': return Math.sqrt(x);
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'reciprocal': return 1 / x;
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'not': return x === 0 ? 1 : 0;
  }
}

export function activationReference(x: HostTensor, act: ResolvedActivation): HostTensor {
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < data.length; i++) data[i] = applyActivation(x.data[i], act);
  return { shape: [...x.shape], data };
}
