// Small graphs whose gradients the reverse-mode pass must get right: every rule (matmul with
// each transpose, batched, broadcast and with a bias; every activation; the binary ops with
// broadcasting; softmax and log-softmax; transpose; depthToSpace; concat; reshape), shapes not multiples of 4.
// Used by the finite-difference unit test and by the GPU cases.
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import { ACTIVATIONS, resolveActivation, type ActivationKind } from '../../src/ops/activation/kinds.ts';
import type { BinaryOp } from '../../src/ops/binary/reference.ts';
import type { GradCase } from './grad-check.ts';
import type { Random } from './random.ts';

const LINEAR = resolveActivation('test', 'linear');
const matmul = (g: Graph, a: ValueId, b: ValueId, bias: ValueId | undefined, transposeA = false, transposeB = false, activation = LINEAR) =>
  g.node('matmul', 'mm', [a, b, bias], { transposeA, transposeB, activation })[0];

/** Inputs away from an activation's kinks and inside its domain. */
function activationData(kind: ActivationKind) {
  return (rng: Random, _i: number, size: number) => {
    if (kind === 'sqrt' || kind === 'log' || kind === 'reciprocal') return rng.floats(size, 0.3, 2);
    // Kinks at 0 (relu, abs, ...), +-3 (hardSwish), 6 (relu6), clip bounds: keep 0.05 away from each.
    return rng.floats(size, -2.5, 2.5).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : v));
  };
}

const SKIPPED_KINDS = new Set<ActivationKind>(['floor', 'ceil', 'not']); // zero gradients almost everywhere: checked exactly in the unit test

export const GRAD_CASES: GradCase[] = [
  { name: 'matmul [5,7]x[7,3]', inputs: [[5, 7], [7, 3]], build: (g, [a, b]) => matmul(g, a, b, undefined) },
  { name: 'matmul transposeA [7,5]x[7,3]', inputs: [[7, 5], [7, 3]], build: (g, [a, b]) => matmul(g, a, b, undefined, true) },
  { name: 'matmul transposeB [5,7]x[3,7] with bias [3]', inputs: [[5, 7], [3, 7], [3]], build: (g, [a, b, c]) => matmul(g, a, b, c, false, true) },
  { name: 'matmul both transposed [7,5]x[3,7]', inputs: [[7, 5], [3, 7]], build: (g, [a, b]) => matmul(g, a, b, undefined, true, true) },
  { name: 'dense on a batch of sequences [2,3,5]x[5,4] + [4]', inputs: [[2, 3, 5], [5, 4], [4]], build: (g, [a, b, c]) => matmul(g, a, b, c) },
  { name: 'batched matmul broadcasting [2,1,3,4]x[3,4,2]', inputs: [[2, 1, 3, 4], [3, 4, 2]], build: (g, [a, b]) => matmul(g, a, b, undefined) },
  { name: 'matmul with a fused tanh epilogue', inputs: [[3, 4], [4, 5], [5]], build: (g, [a, b, c]) => matmul(g, a, b, c, false, false, resolveActivation('t', 'tanh')) },
  ...(Object.keys(ACTIVATIONS) as ActivationKind[]).filter((k) => !SKIPPED_KINDS.has(k)).map((kind): GradCase => ({
    name: `activation ${kind} [3,5]`,
    inputs: [[3, 5]],
    build: (g, [x]) => g.node('activation', kind, [x], resolveActivation('t', kind))[0],
    data: activationData(kind),
  })),
  ...(['add', 'sub', 'mul', 'div'] as BinaryOp[]).flatMap((op): GradCase[] => [
    { name: `${op} [4,5] [4,5]`, inputs: [[4, 5], [4, 5]], build: (g, [a, b]) => g.node('binary', op, [a, b], { op })[0], data: divisorData(op) },
    { name: `${op} broadcast [2,3,5] [3,1]`, inputs: [[2, 3, 5], [3, 1]], build: (g, [a, b]) => g.node('binary', op, [a, b], { op })[0], data: divisorData(op) },
  ]),
  { name: 'add with a fused relu', inputs: [[3, 6], [6]], build: (g, [a, b]) => g.node('binary', 'add', [a, b], { op: 'add', activation: resolveActivation('t', 'relu') })[0], data: (rng, _i, n) => rng.floats(n, 0.2, 1).map((v) => (rng.next() < 0.5 ? -v : v)) },
  { name: 'softmax [3,7] axis -1', inputs: [[3, 7]], build: (g, [x]) => g.node('softmax', 'sm', [x], { axis: -1, log: false })[0] },
  { name: 'softmax [4,3,2] axis 1', inputs: [[4, 3, 2]], build: (g, [x]) => g.node('softmax', 'sm', [x], { axis: 1, log: false })[0] },
  { name: 'logSoftmax [3,7] axis -1', inputs: [[3, 7]], build: (g, [x]) => g.node('softmax', 'lsm', [x], { axis: -1, log: true })[0] },
  { name: 'transpose [2,3,4] perm [2,0,1]', inputs: [[2, 3, 4]], build: (g, [x]) => g.node('transpose', 't', [x], { perm: [2, 0, 1] })[0] },
  { name: 'depthToSpace DCR [2,2,3,18] block 3', inputs: [[2, 2, 3, 18]], build: (g, [x]) => g.node('depthToSpace', 'd2s', [x], { blockSize: 3, mode: 'DCR' })[0] },
  { name: 'depthToSpace CRD [1,3,2,12] block 2', inputs: [[1, 3, 2, 12]], build: (g, [x]) => g.node('depthToSpace', 'd2s', [x], { blockSize: 2, mode: 'CRD' })[0] },
  { name: 'concat [2,3] [2,5] axis 1', inputs: [[2, 3], [2, 5]], build: (g, [a, b]) => g.node('concat', 'c', [a, b], { axis: 1 })[0] },
  { name: 'a value read twice through two views (x * x)', inputs: [[2, 6]], build: (g, [x]) => g.node('binary', 'sq', [g.node('reshape', 'r', [x], { shape: [3, 4] })[0], g.node('reshape', 'r2', [x], { shape: [3, 4] })[0]], { op: 'mul' })[0] },
  {
    name: 'two-layer perceptron with softmax',
    inputs: [[4, 3], [3, 6], [6], [6, 2]],
    build: (g, [x, w1, b1, w2]) => {
      const h = g.node('activation', 'h', [matmul(g, x, w1, b1)], resolveActivation('t', 'sigmoid'))[0];
      return g.node('softmax', 'p', [matmul(g, h, w2, undefined)], { axis: -1, log: false })[0];
    },
  },
];

function divisorData(op: BinaryOp) {
  return (rng: Random, i: number, size: number) => (op === 'div' && i === 1 ? rng.floats(size, 0.5, 1.5).map((v) => (rng.next() < 0.5 ? -v : v)) : rng.floats(size));
}
