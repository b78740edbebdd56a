// The activation functions wgnn knows, their codes in WGSL and their default parameters.
// The code is the `ACTIVATION` override constant of every shader with an activation epilogue.
import { WgnnError } from '../../errors.ts';

export const ACTIVATIONS = {
  linear: { code: 0, alpha: 0, beta: 0 },
  relu: { code: 1, alpha: 0, beta: 0 },
  relu6: { code: 2, alpha: 0, beta: 0 },
  leakyRelu: { code: 3, alpha: 0.01, beta: 0 }, // ONNX and PyTorch default slope
  elu: { code: 4, alpha: 1, beta: 0 },
  // alpha and gamma of the SELU paper (ONNX Selu defaults); beta carries gamma.
  selu: { code: 5, alpha: 1.6732632423543772, beta: 1.0507009873554805 },
  sigmoid: { code: 6, alpha: 0, beta: 0 },
  hardSigmoid: { code: 7, alpha: 0.2, beta: 0.5 }, // ONNX and Keras 2: clamp(0.2x + 0.5, 0, 1)
  tanh: { code: 8, alpha: 0, beta: 0 },
  softplus: { code: 9, alpha: 0, beta: 0 },
  softsign: { code: 10, alpha: 0, beta: 0 },
  // clip(min = alpha, max = beta); the defaults leave values unchanged.
  clip: { code: 11, alpha: -3.4028234663852886e38, beta: 3.4028234663852886e38 },
  gelu: { code: 12, alpha: 0, beta: 0 }, // exact form: 0.5 x (1 + erf(x / sqrt 2))
  hardSwish: { code: 13, alpha: 0, beta: 0 }, // x * hardSigmoid(x) with ONNX's alpha 1/6, beta 1/2
  mish: { code: 14, alpha: 0, beta: 0 }, // x * tanh(softplus(x))
  // Unary math (ONNX Erf, Sqrt, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil, Not): elementwise ops
  // that fuse into a producer's epilogue the same way.
  erf: { code: 15, alpha: 0, beta: 0 },
  sqrt: { code: 16, alpha: 0, beta: 0 },
  exp: { code: 17, alpha: 0, beta: 0 },
  log: { code: 18, alpha: 0, beta: 0 },
  neg: { code: 19, alpha: 0, beta: 0 },
  abs: { code: 20, alpha: 0, beta: 0 },
  reciprocal: { code: 21, alpha: 0, beta: 0 },
  floor: { code: 22, alpha: 0, beta: 0 },
  ceil: { code: 23, alpha: 0, beta: 0 },
  not: { code: 24, alpha: 0, beta: 0 }, // logical not of booleans held as 0 and 1: 1 where x is 0
} as const;

export type ActivationKind = keyof typeof ACTIVATIONS;

/** An activation with optional parameters: leakyRelu(alpha), elu(alpha), selu(alpha, gamma=beta), hardSigmoid(alpha, beta), clip(min=alpha, max=beta). */
export interface Activation {
  kind: ActivationKind;
  alpha?: number;
  beta?: number;
}

export interface ResolvedActivation {
  kind: ActivationKind;
  code: number;
  alpha: number;
  beta: number;
}

export function resolveActivation(where: string, activation: Activation | ActivationKind | undefined): ResolvedActivation {
  const spec: Activation = typeof activation === 'string' ? { kind: activation } : (activation ?? { kind: 'linear' });
  const entry = Object.hasOwn(ACTIVATIONS, spec.kind) ? ACTIVATIONS[spec.kind] : undefined;
  if (!entry) {
    throw new WgnnError(where, `unknown activation '${String(spec.kind)}'; known: ${Object.keys(ACTIVATIONS).join(', ')}`);
  }
  const alpha = spec.alpha ?? entry.alpha;
  const beta = spec.beta ?? entry.beta;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
    throw new WgnnError(where, `activation ${spec.kind} needs finite parameters, got alpha=${alpha}, beta=${beta}`);
  }
  if (spec.kind === 'clip' && alpha > beta) {
    throw new WgnnError(where, `clip needs min <= max, got min=${alpha}, max=${beta}`);
  }
  return { kind: spec.kind, code: entry.code, alpha, beta };
}

/** The identity activation, for kernels that take an epilogue but apply none. */
export const LINEAR: ResolvedActivation = { kind: 'linear', ...ACTIVATIONS.linear };
