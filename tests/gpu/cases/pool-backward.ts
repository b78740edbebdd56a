// pool2dBackward (shaders/pool2d_argmax.wgsl + pool2d_backward.wgsl, or pool2d_backward_tiled.wgsl)
// on the GPU vs its CPU reference: sizes not multiples of 4, kernels 2/3/5x1, strides 1-3
// (overlapping and gapped windows), dilation 2, valid/same/explicit padding, ceil mode,
// count_include_pad both ways, 1-D, global pooling, N 1 and 3, channels 1/3/4/8/12/13, every
// variant (scalar; vec4 where C % 4 == 0; tiled where the windows also tile the input, with and
// without a remainder row and column). Max pooling also runs on inputs drawn from five values, so
// most windows hold ties that the kernel must break as the reference does.
import type { EngineOptions } from '../../../src/index.ts';
import { pool2dBackwardOp, type Pool2dBackwardAttrs, type PoolBackwardVariant } from '../../../src/ops/pool2d/backward.ts';
import { pool2dOp, type Pool2dAttrs } from '../../../src/ops/pool2d/op.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

interface Config {
  shape: [number, number, number, number];
  attrs: Omit<Pool2dAttrs, 'kind' | 'countIncludePad'>;
}

function backwardCase(shape: number[], attrs: Pool2dBackwardAttrs, ties: boolean, variant: PoolBackwardVariant): GpuCase {
  const window = attrs.kernel ? `k${attrs.kernel.join('x')} s${attrs.strides.join('x')} d${attrs.dilations.join('x')} p${JSON.stringify(attrs.padding)}` : 'global';
  const name = `${attrs.kind}Pool2d backward [${shape}] ${window}${attrs.ceilMode ? ' ceil' : ''}${attrs.countIncludePad ? ' include-pad' : ''}${ties ? ' ties' : ''}${attrs.reluMask ? ' relu-mask' : ''} ${variant}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine({ pool2dBackward: variant } as EngineOptions['variants']);
      const rng = new Random(seedOf(name));
      const drawn = ties ? rng.floats(product(shape)).map((v) => Math.round(v * 2) / 2) : rng.floats(product(shape));
      // With reluMask x is a relu's output: half zeros, some windows all zero (their maximum is 0).
      const data = attrs.reluMask ? drawn.map((v) => Math.max(v, 0)) : drawn;
      const x = { shape, data };
      const yShape = pool2dOp.reference([x], attrs)[0].shape;
      const dy = { shape: yShape, data: rng.floats(product(yShape)) };
      const expected = pool2dBackwardOp.reference([x, dy], attrs)[0];
      const [dx] = engine.runOp('pool2dBackward', [engine.tensor(shape, x.data), engine.tensor(yShape, dy.data)], attrs);
      // Each element sums the dY of the windows covering it: at most KH*KW of them.
      const kernel = attrs.kernel ?? [1, 1];
      expectClose(name, await dx.data(), expected.data, reduction(kernel[0] * kernel[1]), { seed: rng.seed, shape });
    },
  };
}

const base = { kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: 'valid', ceilMode: false } as Config['attrs'];
const CONFIGS: Config[] = [
  { shape: [1, 7, 6, 3], attrs: base }, // Keras' default 2x2 pool; the odd last row is dropped
  { shape: [3, 5, 9, 8], attrs: { ...base, kernel: [3, 3], strides: [1, 1], padding: 'same' } }, // overlapping
  { shape: [1, 7, 6, 13], attrs: { ...base, kernel: [3, 2], strides: [2, 3], padding: [1, 0, 1, 1] } },
  { shape: [1, 8, 7, 1], attrs: { ...base, strides: [3, 3] } }, // gaps between windows
  { shape: [3, 7, 7, 3], attrs: { ...base, kernel: [3, 3], padding: [1, 1, 1, 1], ceilMode: true } },
  { shape: [1, 9, 5, 8], attrs: { ...base, kernel: [5, 1], strides: [3, 1], ceilMode: true } }, // the last window overhangs
  { shape: [1, 9, 10, 3], attrs: { ...base, kernel: [3, 3], strides: [1, 1], dilations: [2, 2], padding: 'same' } },
  { shape: [1, 6, 7, 13], attrs: { ...base, kernel: [2, 3], strides: [1, 1], padding: [1, 2, 0, 1] } }, // asymmetric pads
  { shape: [3, 5, 6, 1], attrs: { ...base, kernel: [3, 3], strides: [2, 2], padding: 'same-lower' } },
  { shape: [3, 8, 7, 4], attrs: { ...base, kernel: [3, 2], strides: [2, 1], dilations: [2, 1], padding: [2, 1, 1, 0], ceilMode: true } },
  { shape: [1, 1, 10, 3], attrs: { ...base, kernel: [1, 3], strides: [1, 2], padding: [0, 1, 0, 1], ceilMode: true } }, // 1-D
  // Windows that tile the input (the tiled variant): a remainder row and column, exact tiling, a remainder column.
  { shape: [3, 7, 9, 8], attrs: base },
  { shape: [1, 9, 8, 4], attrs: { ...base, kernel: [3, 2], strides: [3, 2] } },
  { shape: [2, 6, 7, 12], attrs: { ...base, kernel: [1, 3], strides: [1, 3] } },
  { shape: [1, 7, 5, 13], attrs: { ...base, kernel: undefined, strides: [1, 1] } }, // global
  { shape: [3, 4, 4, 8], attrs: { ...base, kernel: undefined, strides: [1, 1] } },
  { shape: [1, 1, 1, 3], attrs: { ...base, kernel: undefined, strides: [1, 1] } },
];

/** Whether a config has windows that reach into padding or past the input, where the divisor depends on count_include_pad. */
const padded = (c: Config) => c.attrs.ceilMode || (c.attrs.padding !== 'valid' && c.attrs.kernel !== undefined);

/** Whether the windows tile the input: kernel == stride, no dilation, no padding, no ceil mode. */
const tiles = (c: Config) => c.attrs.kernel !== undefined && c.attrs.kernel.join() === c.attrs.strides.join() && c.attrs.dilations.every((d) => d === 1) && c.attrs.padding === 'valid' && !c.attrs.ceilMode;

/** Every variant the config allows: vec4 needs C % 4 == 0, tiled also windows that tile the input. */
const variants = (c: Config): PoolBackwardVariant[] => (c.shape[3] % 4 !== 0 ? ['scalar'] : tiles(c) ? ['scalar', 'vec4', 'tiled'] : ['scalar', 'vec4']);

/** reluMask (the fused relu gradient) over tiling, overlapping and global windows, every variant. */
const MASKED = [CONFIGS[11], CONFIGS[13], CONFIGS[1], CONFIGS[15], CONFIGS[0]];

export const poolBackwardCases: GpuCase[] = [
  ...CONFIGS.flatMap((c) =>
    variants(c).flatMap((variant) => [
      backwardCase(c.shape, { ...c.attrs, kind: 'max', countIncludePad: false }, false, variant),
      backwardCase(c.shape, { ...c.attrs, kind: 'max', countIncludePad: false }, true, variant),
      ...(padded(c) ? [false, true] : [false]).map((countIncludePad) => backwardCase(c.shape, { ...c.attrs, kind: 'avg', countIncludePad }, false, variant)),
    ]),
  ),
  ...MASKED.flatMap((c) =>
    variants(c).flatMap((variant) => [
      backwardCase(c.shape, { ...c.attrs, kind: 'max', countIncludePad: false, reluMask: true }, true, variant),
      backwardCase(c.shape, { ...c.attrs, kind: 'avg', countIncludePad: false, reluMask: true }, false, variant),
    ]),
  ),
];
