// The activation functions of the ONNX recurrent operators (RNN, GRU, LSTM), as the CPU references
// evaluate them, in float64. Formulas and names from the ONNX RNN/GRU/LSTM operator docs.
//
// Defaults for alpha/beta: the ONNX docs say "the same as of corresponding ONNX operators", so
// LeakyRelu 0.01, ThresholdedRelu 1.0, HardSigmoid 0.2/0.5, Elu 1.0, and for the retired
// experimental ops Affine 1.0/0.0 and ScaledTanh 1.0/1.0. onnxruntime differs here: it defaults
// alpha/beta of Affine, ThresholdedRelu and ScaledTanh to 0. An importer that passes the model's
// activation_alpha/beta explicitly sees no difference.
import { WgnnError } from '../../errors.ts';

/** One activation of a recurrent op: an ONNX name (case-insensitive) and its optional parameters. */
export interface RecurrentActivation {
  name: string;
  alpha?: number;
  beta?: number;
}

export type ScalarFunction = (x: number) => number;

interface ActivationEntry {
  onnxName: string;
  alpha: number;
  beta: number;
  make: (alpha: number, beta: number) => ScalarFunction;
}

// Written to avoid overflow in float64: exp of a large positive argument never appears.
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

const ENTRIES: ActivationEntry[] = [
  { onnxName: 'Relu', alpha: 0, beta: 0, make: () => (x) => Math.max(0, x) },
  { onnxName: 'Tanh', alpha: 0, beta: 0, make: () => Math.tanh },
  { onnxName: 'Sigmoid', alpha: 0, beta: 0, make: () => sigmoid },
  { onnxName: 'Affine', alpha: 1, beta: 0, make: (a, b) => (x) => a * x + b },
  { onnxName: 'LeakyRelu', alpha: 0.01, beta: 0, make: (a) => (x) => (x >= 0 ? x : a * x) },
  { onnxName: 'ThresholdedRelu', alpha: 1, beta: 0, make: (a) => (x) => (x >= a ? x : 0) },
  { onnxName: 'ScaledTanh', alpha: 1, beta: 1, make: (a, b) => (x) => a * Math.tanh(b * x) },
  { onnxName: 'HardSigmoid', alpha: 0.2, beta: 0.5, make: (a, b) => (x) => Math.min(Math.max(a * x + b, 0), 1) },
  { onnxName: 'Elu', alpha: 1, beta: 0, make: (a) => (x) => (x >= 0 ? x : a * Math.expm1(x)) },
  { onnxName: 'Softsign', alpha: 0, beta: 0, make: () => (x) => x / (1 + Math.abs(x)) },
  { onnxName: 'Softplus', alpha: 0, beta: 0, make: () => softplus },
];

const BY_LOWER_NAME = new Map(ENTRIES.map((e) => [e.onnxName.toLowerCase(), e]));

/** The ONNX spelling of every recurrent activation name this module accepts. */
export const RECURRENT_ACTIVATION_NAMES: readonly string[] = ENTRIES.map((e) => e.onnxName);

/** The defaults filled in: the ONNX name, and alpha/beta (0 where the function takes none). */
export function normalizeRecurrentActivation(
  act: RecurrentActivation,
  where = 'recurrent activation',
): Required<RecurrentActivation> {
  const entry = typeof act?.name === 'string' ? BY_LOWER_NAME.get(act.name.toLowerCase()) : undefined;
  if (!entry) {
    throw new WgnnError(
      where,
      `unknown activation '${String(act?.name)}'; expected one of ${RECURRENT_ACTIVATION_NAMES.join(', ')} (case-insensitive)`,
    );
  }
  const alpha = act.alpha ?? entry.alpha;
  const beta = act.beta ?? entry.beta;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
    throw new WgnnError(where, `activation ${entry.onnxName} needs finite alpha and beta, got alpha=${alpha}, beta=${beta}`);
  }
  return { name: entry.onnxName, alpha, beta };
}

/** Resolves the name once, so that the per-element loop only calls a closure. */
export function resolveRecurrentActivation(act: RecurrentActivation, where = 'recurrent activation'): ScalarFunction {
  const { name, alpha, beta } = normalizeRecurrentActivation(act, where);
  return BY_LOWER_NAME.get(name.toLowerCase())!.make(alpha, beta);
}

export function applyRecurrentActivation(x: number, act: RecurrentActivation): number {
  return resolveRecurrentActivation(act)(x);
}
