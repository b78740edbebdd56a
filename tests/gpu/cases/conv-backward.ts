// Convolution backward on the GPU vs the CPU: conv2dBackwardFilter with every variant that
// applies forced, against its reference from the definition; and the whole gradient of conv2d
// (dx through the flipped-weights convolution or the transposed convolution, dw, dbias) as the
// gradient pass builds it, compiled and run against the same graph on the CPU; likewise the
// gradients of convTranspose2d. Over the awkward geometries of CONV_SWEEP and
// CONV_TRANSPOSE_SWEEP, plus shapes large enough to split K.
import type { EngineOptions } from '../../../src/index.ts';
import { convOutputSize, resolvePads } from '../../../src/ops/conv2d/geometry.ts';
import { BACKWARD_FILTER_VARIANTS, type BackwardFilterVariant } from '../../../src/ops/conv2d-backward-filter/op.ts';
import { conv2dBackwardFilterReference } from '../../../src/ops/conv2d-backward-filter/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { analyticGrads, buildGradCase, type GradCase } from '../../harness/grad-check.ts';
import { CONV_SWEEP, CONV_TRANSPOSE_SWEEP, convGradCase, convName, convTransposeGradCase, type ConvConfig } from '../../harness/grad-cases-conv.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

function applies(variant: BackwardFilterVariant, c: ConvConfig): boolean {
  const [cinG, coutG] = [c.x[3] / c.groups, c.cout / c.groups];
  if (variant === 'vec4' || variant === 'vec4-quad') return cinG % 4 === 0 && coutG % 4 === 0;
  if (variant === 'depthwise') return cinG === 1 && coutG === 1 && c.groups % 4 === 0;
  // vec4-out and its quad form are forced where they are meant to run: one group, input channels not whole vec4s (stems).
  if (variant === 'vec4-out' || variant === 'vec4-out-quad') return c.groups === 1 && c.cout % 4 === 0 && c.x[3] % 4 !== 0;
  return true;
}

function filterCase(c: ConvConfig, variant: BackwardFilterVariant): GpuCase {
  const name = `conv2dBackwardFilter ${variant} ${convName(c)}`;
  return {
    name,
    async run(ctx) {
      // The engine options type lists the forward ops' variants; the backward ones are forced the same way.
      const engine = await ctx.engine({ conv2dBackwardFilter: variant } as EngineOptions['variants']);
      const rng = new Random(seedOf(name));
      const [, H, W] = c.x;
      const pads = resolvePads(name, c.padding, [H, W], c.kernel, c.strides, c.dilations, 2);
      const x = { shape: [...c.x], data: rng.floats(product(c.x)) };
      const dyShape = [
        c.x[0], convOutputSize(H, c.kernel[0], c.strides[0], c.dilations[0], pads[0], pads[2]), convOutputSize(W, c.kernel[1], c.strides[1], c.dilations[1], pads[1], pads[3]), c.cout,
      ];
      const dy = { shape: dyShape, data: rng.floats(product(dyShape)) };
      const attrs = { strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, kernel: c.kernel };
      const expected = conv2dBackwardFilterReference(x, dy, { ...attrs, pads });
      const [dw] = engine.runOp('conv2dBackwardFilter', [engine.tensor(x.shape, x.data), engine.tensor(dy.shape, dy.data)], attrs);
      if (dw.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${dw.shape}] != [${expected.shape}]`);
      expectClose(name, await dw.data(), expected.data, reduction(dyShape[0] * dyShape[1] * dyShape[2]), { seed: rng.seed, shape: expected.shape });
    },
  };
}

/** A gradient graph (dx, dw, dbias as the gradient pass builds them) on the GPU against the CPU; k: the longest reduction. */
function gradCase(gradient: GradCase, k: number): GpuCase {
  return {
    name: `gradients of ${gradient.name}`,
    async run(ctx) {
      const engine = await ctx.engine();
      const seed = seedOf(gradient.name);
      const built = buildGradCase(gradient, seed);
      const expected = analyticGrads(built);
      const compiled = engine.compile(built.graph);
      try {
        const outputs = await compiled.run(built.data.map((data, i) => ({ data, shape: gradient.inputs[i] })));
        expected.forEach((want, i) => {
          expectClose(`${gradient.name}: gradient of input ${i}`, outputs[compiled.outputNames[i + 1]], want, reduction(k), { seed, shape: gradient.inputs[i] });
        });
      } finally {
        compiled.dispose();
      }
    },
  };
}

/** Pixels x taps x channels of a convolution: bounds every reduction of its gradients. */
const reductionOf = (c: ConvConfig) => product(c.x.slice(0, 3)) * product(c.kernel) * Math.max(c.x[3], c.cout);

/**
 * K long enough that the kernels split it (the rows not dividing evenly among the splits), and
 * 64 output channels per group (where vec4-quad is the default: whole quads of column blocks).
 */
const LONG_AND_WIDE: ConvConfig[] = [
  { x: [3, 21, 17, 4], kernel: [3, 3], cout: 8, strides: [1, 1], dilations: [1, 1], padding: 'same', groups: 1 },
  { x: [3, 20, 19, 3], kernel: [3, 3], cout: 5, strides: [1, 1], dilations: [1, 1], padding: 'valid', groups: 1 },
  // Stems for vec4-out: three vec4s of outputs (the last block half full) over a long K; strides,
  // dilations and explicit pads with one input channel; a 5x5 'same' with two.
  { x: [3, 20, 19, 3], kernel: [3, 3], cout: 12, strides: [1, 1], dilations: [1, 1], padding: 'valid', groups: 1 },
  { x: [2, 9, 11, 1], kernel: [3, 2], cout: 20, strides: [2, 1], dilations: [1, 2], padding: [1, 0, 2, 1], groups: 1 },
  { x: [1, 6, 7, 2], kernel: [5, 5], cout: 4, strides: [1, 1], dilations: [1, 1], padding: 'same', groups: 1 },
  // vec4-out-quad's 16 x 16 blocks: 27 rows (2 row quads, the second part empty) x 36 channels
  // (3 column quads, the last with one channel quad), K split.
  { x: [4, 18, 17, 3], kernel: [3, 3], cout: 36, strides: [1, 1], dilations: [1, 1], padding: 'valid', groups: 1 },
  { x: [3, 20, 21, 8], kernel: [3, 3], cout: 8, strides: [1, 1], dilations: [1, 1], padding: 'same', groups: 8 },
  { x: [2, 7, 6, 4], kernel: [3, 3], cout: 64, strides: [1, 1], dilations: [1, 1], padding: 'same', groups: 1 },
  { x: [1, 5, 7, 8], kernel: [3, 3], cout: 136, strides: [2, 2], dilations: [1, 1], padding: [1, 0, 0, 1], groups: 2 },
];

export const convBackwardCases: GpuCase[] = [
  ...[...CONV_SWEEP, ...LONG_AND_WIDE].flatMap((c) => BACKWARD_FILTER_VARIANTS.filter((v) => applies(v, c)).map((v) => filterCase(c, v))),
  ...CONV_SWEEP.map((c) => gradCase(convGradCase(c), reductionOf(c))),
  ...CONV_TRANSPOSE_SWEEP.map((c) => gradCase(convTransposeGradCase(c), reductionOf(c) * product(c.strides))),
];
