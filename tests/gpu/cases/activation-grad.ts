// activationGrad (shaders/activation_grad.wgsl) on the GPU vs its CPU reference: every activation
// kind over its domain, the parameter variants that switch between reading y and x, and the
// kinks themselves (relu at 0, relu6 at 6, hardSwish at +-3, clip at its bounds...) mixed into the
// inputs, where the kernel must make the reference's (TensorFlow's) choice. v is computed by the
// forward reference: y where usesOutput, else x.
import { ACTIVATIONS, type Activation, type ActivationKind } from '../../../src/index.ts';
import { resolveActivation, type ResolvedActivation } from '../../../src/ops/activation/kinds.ts';
import { activationReference } from '../../../src/ops/activation/reference.ts';
import { usesOutput, type ActivationGradVariant } from '../../../src/ops/activation-grad/op.ts';
import { activationGradReference } from '../../../src/ops/activation-grad/reference.ts';
import { expectClose, F32 } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

/** Inputs over each function's domain, as the forward's cases draw them (activationInputs in elementwise.ts). */
function domainInputs(rng: Random, kind: ActivationKind, n: number): Float32Array {
  if (kind === 'sqrt' || kind === 'log') return rng.floats(n, 0.01, 8);
  if (kind === 'reciprocal') return rng.floats(n, 0.25, 8).map((v) => (rng.next() < 0.5 ? -v : v));
  if (kind === 'not') return rng.floats(n, -2, 2).map((v) => (v < -1 ? v : Math.round(Math.abs(v) / 2)));
  return rng.floats(n, -8, 8);
}

/** Points where f has a kink or a jump, all exact in float32. */
function kinks(a: ResolvedActivation): number[] {
  switch (a.kind) {
    case 'relu': case 'leakyRelu': case 'elu': case 'selu': case 'abs': case 'not': return [0];
    case 'relu6': return [0, 6];
    case 'hardSigmoid': return [-a.beta / a.alpha, (1 - a.beta) / a.alpha].map(Math.fround);
    case 'clip': return [a.alpha, a.beta].map(Math.fround);
    case 'hardSwish': return [-3, 3];
    case 'floor': case 'ceil': return [-2, 0, 1];
    default: return [];
  }
}

function activationGradCase(spec: Activation, shape: number[], variant?: ActivationGradVariant): GpuCase {
  const name = `activationGrad ${spec.kind}${spec.alpha !== undefined ? `(${spec.alpha}, ${spec.beta ?? 'default'})` : ''} [${shape}]${variant ? ` ${variant}` : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(variant && { activationGrad: variant });
      const rng = new Random(seedOf(name));
      const activation = resolveActivation('test', spec);
      const n = product(shape);
      const x = domainInputs(rng, activation.kind, n);
      const points = kinks(activation);
      if (points.length) for (let i = 2; i < n; i += 5) x[i] = points[Math.floor(i / 5) % points.length];
      const v = usesOutput(activation) ? activationReference({ shape, data: x }, activation) : { shape, data: x };
      const dy = { shape, data: rng.floats(n, -2, 2) };
      const expected = activationGradReference(dy, v, activation);
      const [dx] = engine.runOp('activationGrad', [engine.tensor(shape, dy.data), engine.tensor(shape, v.data)], { activation });
      expectClose(name, await dx.data(), expected.data, F32, { seed: rng.seed, shape });
    },
  };
}

/** Counts that are not whole vec4s run scalar; [4, 257] runs vec4 (forced, and scalar forced too). */
const SHAPES = [[1], [7], [3, 5, 17], [1025]];
/** Parameters besides the defaults, each kind's y-reading and x-reading forms among them. */
const PARAMETER_VARIANTS: Activation[] = [
  { kind: 'leakyRelu', alpha: 0.3 },
  { kind: 'leakyRelu', alpha: -0.2 },
  { kind: 'elu', alpha: 0.5 },
  { kind: 'elu', alpha: -0.5 },
  { kind: 'selu', alpha: 1.5, beta: -1.2 },
  { kind: 'hardSigmoid', alpha: -0.25, beta: 0.5 },
  { kind: 'clip', alpha: -1.5, beta: 2.5 },
];

export const activationGradCases: GpuCase[] = [
  ...(Object.keys(ACTIVATIONS) as ActivationKind[]).flatMap((kind) => [...SHAPES.map((s) => activationGradCase({ kind }, s)), activationGradCase({ kind }, [4, 257], 'vec4')]),
  ...PARAMETER_VARIANTS.flatMap((a) => [activationGradCase(a, [5, 13]), activationGradCase(a, [4, 13], 'vec4')]),
  activationGradCase({ kind: 'relu' }, [4, 257], 'scalar'),
  activationGradCase({ kind: 'gelu' }, [4, 257], 'scalar'),
];
