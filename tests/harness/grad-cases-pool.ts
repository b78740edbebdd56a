// Gradient cases of pooling (src/ops/pool2d/grad.ts): max and average 2-D pooling with strides,
// padding, ceil mode and count_include_pad, global max and average, and a 1-D pool as the model
// API builds it (reshape to height 1, pool, reshape back). Max pooling's inputs are distinct and
// spaced wider than the finite-difference step, so no step changes a window's maximum.
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import type { Pool2dAttrs } from '../../src/ops/pool2d/op.ts';
import type { GradCase } from './grad-check.ts';
import type { Random } from './random.ts';

const BASE: Pool2dAttrs = { kind: 'max', kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
const pool = (g: Graph, x: ValueId, attrs: Partial<Pool2dAttrs>) => g.node('pool2d', 'pool', [x], { ...BASE, ...attrs })[0];

/** A seeded permutation of values 0.05 apart: no ties, and a step of 1e-2 never reorders two. */
function distinct(rng: Random, _i: number, size: number): Float32Array {
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Float32Array.from(order, (k) => (k - size / 2) * 0.05);
}

export const POOL_GRAD_CASES: GradCase[] = [
  { name: 'maxPool2d [2,5,7,3] 2x2 stride 2', inputs: [[2, 5, 7, 3]], build: (g, [x]) => pool(g, x, {}), data: distinct },
  { name: 'maxPool2d [1,6,5,2] 3x3 stride 1 same (overlapping windows)', inputs: [[1, 6, 5, 2]], build: (g, [x]) => pool(g, x, { kernel: [3, 3], strides: [1, 1], padding: 'same' }), data: distinct },
  {
    name: 'avgPool2d [2,5,6,3] 3x3 stride 2 pads 1 ceil count_include_pad',
    inputs: [[2, 5, 6, 3]],
    build: (g, [x]) => pool(g, x, { kind: 'avg', kernel: [3, 3], padding: [1, 1, 1, 1], ceilMode: true, countIncludePad: true }),
  },
  { name: 'avgPool2d [1,7,5,2] 3x2 stride 2x1 same, pads not counted', inputs: [[1, 7, 5, 2]], build: (g, [x]) => pool(g, x, { kind: 'avg', kernel: [3, 2], strides: [2, 1], padding: 'same' }) },
  { name: 'global maxPool [2,4,3,5]', inputs: [[2, 4, 3, 5]], build: (g, [x]) => pool(g, x, { kernel: undefined, strides: [1, 1] }), data: distinct },
  { name: 'global avgPool [2,4,3,5]', inputs: [[2, 4, 3, 5]], build: (g, [x]) => pool(g, x, { kind: 'avg', kernel: undefined, strides: [1, 1] }) },
  {
    name: 'maxPool1d [2,9,3] size 3 stride 2 via reshape',
    inputs: [[2, 9, 3]],
    build: (g, [x]) => {
      const x2 = g.node('reshape', 'to2d', [x], { shape: [2, 1, 9, 3] })[0];
      const y2 = pool(g, x2, { kernel: [1, 3], strides: [1, 2] });
      return g.node('reshape', 'to1d', [y2], { shape: [2, -1, 3] })[0];
    },
    data: distinct,
  },
];
