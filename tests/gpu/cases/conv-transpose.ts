// convTranspose2d on the GPU vs the scatter-form CPU reference: strides, dilations, pads,
// output padding, groups, 'same', fused bias and activation.
import type { ActivationKind, Padding } from '../../../src/index.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { convTranspose2dReference } from '../../../src/ops/conv-transpose2d/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

interface Config {
  batch: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** explicit [t, l, b, r] or 'same' (whose pads the test derives like Keras: output = input * stride) */
  padding: Padding;
  outputPadding: [number, number];
  groups: number;
  activation: ActivationKind;
}

/** Keras 'same' for transposed convolutions, restated from the definition for the reference. */
function samePads(c: Config): { pads: [number, number, number, number]; outputPadding: [number, number] } {
  const axis = (k: number, s: number, d: number) => {
    const total = (k - 1) * d + 1 - s;
    return total < 0 ? [0, 0, -total] : [Math.floor(total / 2), total - Math.floor(total / 2), 0];
  };
  const [t, b, eh] = axis(c.kernel[0], c.strides[0], c.dilations[0]);
  const [l, r, ew] = axis(c.kernel[1], c.strides[1], c.dilations[1]);
  return { pads: [t, l, b, r], outputPadding: [c.outputPadding[0] + eh, c.outputPadding[1] + ew] };
}

function caseOf(c: Config): GpuCase {
  const name = `convTranspose2d ${c.batch}x${c.H}x${c.W}x${c.Cin}->${c.Cout} k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilations.join('x')} p${typeof c.padding === 'string' ? c.padding : `[${c.padding}]`} op${c.outputPadding.join('x')} g${c.groups} ${c.activation}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const xShape = [c.batch, c.H, c.W, c.Cin];
      const wShape = [c.Cin, ...c.kernel, c.Cout / c.groups];
      const x = { shape: xShape, data: rng.floats(product(xShape)) };
      const w = { shape: wShape, data: rng.floats(product(wShape)) };
      const bias = { shape: [c.Cout], data: rng.floats(c.Cout) };
      const geometry = c.padding === 'same' ? samePads(c) : { pads: c.padding as [number, number, number, number], outputPadding: c.outputPadding };
      const expected = convTranspose2dReference(x, w, {
        strides: c.strides, dilations: c.dilations, ...geometry, groups: c.groups, bias, activation: resolveActivation('test', c.activation),
      });
      const out = engine.convTranspose2d(engine.tensor(xShape, x.data), engine.tensor(wShape, w.data), {
        strides: c.strides, dilations: c.dilations, padding: c.padding, outputPadding: c.outputPadding, groups: c.groups,
        bias: engine.tensor([c.Cout], bias.data), activation: c.activation,
      });
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}] != [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, reduction(product(c.kernel) * (c.Cin / c.groups)), { seed: rng.seed, shape: expected.shape });
    },
  };
}

const base: Config = { batch: 1, H: 5, W: 4, Cin: 3, Cout: 5, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padding: [0, 0, 0, 0], outputPadding: [0, 0], groups: 1, activation: 'linear' };

const CONFIGS: Config[] = [
  base,
  { ...base, strides: [2, 2] },
  { ...base, strides: [2, 3], outputPadding: [1, 2], kernel: [4, 3] },
  { ...base, strides: [3, 2], padding: [1, 0, 2, 1], kernel: [2, 5] },
  { ...base, dilations: [2, 3], kernel: [3, 2] },
  { ...base, dilations: [2, 2], strides: [2, 2], outputPadding: [1, 1] },
  { ...base, batch: 3, Cin: 6, Cout: 4, groups: 2, strides: [2, 2], activation: 'relu' },
  { ...base, Cin: 4, Cout: 8, groups: 4, padding: [1, 1, 1, 1], activation: 'sigmoid' },
  { ...base, H: 1, W: 1, kernel: [4, 4], strides: [2, 2] },
  { ...base, H: 7, W: 6, Cin: 5, Cout: 7, kernel: [4, 4], strides: [2, 2], padding: 'same', activation: 'tanh' },
  { ...base, kernel: [1, 1], strides: [3, 2], padding: 'same' }, // kernel shorter than the stride
  { ...base, kernel: [3, 3], strides: [2, 2], padding: 'same', activation: 'leakyRelu' },
];

export const convTransposeCases: GpuCase[] = CONFIGS.map(caseOf);
