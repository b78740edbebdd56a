// Gradient cases of convolutions (src/ops/conv2d/grad.ts, src/ops/conv-transpose2d/grad.ts):
// CONV_GRAD_CASES, a few graphs for the shared finite-difference and GPU gradient tests, and
// CONV_SWEEP, the awkward geometries (sizes not multiples of 4, strides 1-3, dilations 1-2,
// valid/same/asymmetric pads, groups 1/2/depthwise, batch 1 and 3, 1x1, 3x3 and 5x1 kernels), and
// CONV_TRANSPOSE_SWEEP, which the convBackward GPU suite and tests/unit/conv-backward.test.ts run.
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import type { Padding } from '../../src/ops/conv2d/geometry.ts';
import type { GradCase } from './grad-check.ts';
import type { Random } from './random.ts';

export interface ConvConfig {
  /** [N, H, W, Cin] */
  x: [number, number, number, number];
  kernel: [number, number];
  cout: number;
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  groups: number;
}

const BASE: ConvConfig = { x: [1, 5, 6, 3], kernel: [3, 3], cout: 4, strides: [1, 1], dilations: [1, 1], padding: 'valid', groups: 1 };

export const convName = (c: ConvConfig) =>
  `[${c.x}]->${c.cout} k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilations.join('x')} ${typeof c.padding === 'string' ? c.padding : `pads[${c.padding}]`} g${c.groups}`;

export const weightShape = (c: ConvConfig): [number, number, number, number] => [...c.kernel, c.x[3] / c.groups, c.cout];

const LINEAR = resolveActivation('test', 'linear');
const convAttrs = (c: ConvConfig, activation = LINEAR) => ({ strides: c.strides, dilations: c.dilations, padding: c.padding, groups: c.groups, activation });

/** conv2d(x, w, bias) as a gradient case: the gradients of x, w and the bias. */
export function convGradCase(c: ConvConfig, name = `conv2d ${convName(c)}`): GradCase {
  return {
    name,
    inputs: [c.x, weightShape(c), [c.cout]],
    build: (g: Graph, [x, w, b]: ValueId[]) => g.node('conv2d', 'conv', [x, w, b], convAttrs(c))[0],
  };
}

export const CONV_SWEEP: ConvConfig[] = [
  BASE,
  { ...BASE, x: [3, 9, 10, 8], cout: 12, strides: [2, 2], padding: 'same' },
  { ...BASE, x: [1, 11, 9, 8], kernel: [5, 1], cout: 8, strides: [3, 1], padding: [2, 0, 1, 0], groups: 2 },
  { ...BASE, x: [3, 6, 7, 6], cout: 6, dilations: [2, 2], padding: [1, 2, 0, 1], groups: 3 },
  { ...BASE, x: [3, 9, 7, 8], cout: 8, strides: [2, 2], padding: 'same', groups: 8 },
  { ...BASE, x: [1, 10, 6, 6], kernel: [5, 1], cout: 6, strides: [1, 2], dilations: [2, 1], groups: 6 },
  { ...BASE, x: [1, 6, 5, 4], cout: 8, padding: 'same', groups: 4 },
  { ...BASE, x: [3, 5, 6, 12], kernel: [1, 1], cout: 20 },
  { ...BASE, x: [1, 7, 7, 5], kernel: [1, 1], cout: 3, strides: [2, 2], padding: [0, 0, 1, 1] },
  { ...BASE, x: [1, 13, 12, 4], cout: 4, strides: [3, 3], dilations: [2, 2], padding: [0, 1, 2, 0] },
  { ...BASE, x: [1, 5, 5, 2], kernel: [1, 1], cout: 3, padding: [1, 0, 0, 2] },
];

export interface ConvTransposeConfig extends ConvConfig {
  outputPadding: [number, number];
}

const T_BASE: ConvTransposeConfig = { ...BASE, x: [1, 3, 4, 3], outputPadding: [0, 0] };

export const convTransposeName = (c: ConvTransposeConfig) => `${convName(c)} op${c.outputPadding.join('x')}`;

/** convTranspose2d(x, w [Cin, KH, KW, Cout/groups], bias) as a gradient case. */
export function convTransposeGradCase(c: ConvTransposeConfig): GradCase {
  return {
    name: `convTranspose2d ${convTransposeName(c)}`,
    inputs: [c.x, [c.x[3], ...c.kernel, c.cout / c.groups], [c.cout]],
    build: (g: Graph, [x, w, b]: ValueId[]) => g.node('convTranspose2d', 'convT', [x, w, b], { ...convAttrs(c), outputPadding: c.outputPadding })[0],
  };
}

export const CONV_TRANSPOSE_SWEEP: ConvTransposeConfig[] = [
  { ...T_BASE, x: [2, 3, 4, 4], cout: 6, strides: [2, 2], padding: [1, 1, 1, 1], outputPadding: [1, 1], groups: 2 },
  // Output padding beyond the bottom pad plus the stride: the adjoint convolution's extra rows are cropped.
  { ...T_BASE, x: [1, 3, 3, 2], kernel: [2, 3], cout: 3, strides: [2, 1], dilations: [3, 2], padding: [0, 1, 0, 0], outputPadding: [2, 1] },
  { ...T_BASE, x: [1, 4, 3, 3], kernel: [1, 1], cout: 2, strides: [3, 2], padding: 'same' },
  { ...T_BASE, x: [3, 3, 5, 2], kernel: [2, 3], cout: 3, strides: [1, 2], dilations: [2, 1], padding: [0, 1, 1, 0], outputPadding: [0, 1] },
  { ...T_BASE, x: [2, 3, 3, 4], cout: 4, strides: [2, 2], padding: 'same', groups: 4 },
];

/** Inputs small and a bias of +-(0.5..1): the pre-activations stay far from relu's kink at 0. */
function awayFromKink(rng: Random, i: number, size: number): Float32Array {
  if (i < 2) return rng.floats(size, -0.15, 0.15);
  return rng.floats(size, 0.5, 1).map((v) => (rng.next() < 0.5 ? -v : v));
}

export const CONV_GRAD_CASES: GradCase[] = [
  convGradCase({ ...BASE, x: [2, 5, 6, 3] }, 'conv2d [2,5,6,3] 3x3 valid + bias'),
  convGradCase({ ...BASE, x: [2, 7, 6, 4], cout: 5, strides: [2, 2], padding: 'same' }, 'conv2d [2,7,6,4] 3x3 stride 2 same'),
  convGradCase({ ...BASE, x: [1, 6, 7, 4], cout: 6, dilations: [2, 1], padding: [2, 1, 1, 0], groups: 2 }, 'conv2d [1,6,7,4] groups 2, dilation 2x1, asymmetric pads'),
  convGradCase({ ...BASE, x: [2, 6, 5, 4], cout: 4, strides: [2, 1], padding: 'same', groups: 4 }, 'depthwise conv2d [2,6,5,4] 3x3 stride 2x1 same'),
  {
    name: 'conv1d as the model API builds it (reshape to height 1): [2,9,3] k5 stride 2 -> 4',
    inputs: [[2, 9, 3], [1, 5, 3, 4]],
    build: (g, [x, w]) => {
      const x2 = g.node('reshape', 'to2d', [x], { shape: [2, 1, 9, 3] })[0];
      const y = g.node('conv2d', 'conv1d', [x2, w], convAttrs({ ...BASE, x: [2, 1, 9, 3], kernel: [1, 5], strides: [1, 2] }))[0];
      return g.node('reshape', 'to1d', [y], { shape: [2, -1, 4] })[0];
    },
  },
  {
    name: 'conv2d [2,5,5,3] 3x3 same with a fused relu',
    inputs: [[2, 5, 5, 3], [3, 3, 3, 4], [4]],
    build: (g, [x, w, b]) => g.node('conv2d', 'conv', [x, w, b], convAttrs({ ...BASE, x: [2, 5, 5, 3], padding: 'same' }, resolveActivation('t', 'relu')))[0],
    data: awayFromKink,
  },
  convTransposeGradCase(CONV_TRANSPOSE_SWEEP[0]),
  convTransposeGradCase(CONV_TRANSPOSE_SWEEP[1]),
  convTransposeGradCase({ ...T_BASE, x: [1, 3, 4, 3], kernel: [4, 4], cout: 2, strides: [2, 2], padding: 'same' }),
];
