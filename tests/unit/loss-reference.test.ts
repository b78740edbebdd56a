// Checks of the loss CPU reference (and of the loss op's shape rules): the Keras docstring
// examples (keras/src/losses/losses.py, keras/src/backend/tensorflow/nn.py), hand-worked
// gradients, central finite differences of the float64 loss against dPred / scale for every kind
// both ways with weights, extreme logits, probabilities at 0 and 1 (the clip), label errors.
import { describe, expect, it } from 'vitest';
import { WgnnError } from '../../src/errors.ts';
import { CROSSENTROPY_KINDS, LOSS_KINDS, lossOp, type LossAttrs, type LossKind } from '../../src/ops/loss/op.ts';
import { lossReference, lossRows } from '../../src/ops/loss/reference.ts';
import { makeRandom, tensor } from './cnn-reference-helpers.ts';

const attrs = (kind: LossKind, fromLogits = false, extra: Partial<LossAttrs> = {}): LossAttrs => ({ kind, fromLogits, scale: 1, ...extra });
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
/** Keras "sum_over_batch_size" with sample weights: sum(w * loss) / rows. */
const kerasMean = (rowLoss: ArrayLike<number>) => mean(rowLoss);

function run(kind: LossKind, fromLogits: boolean, shape: number[], pred: number[], target: number[], weights?: number[], extra: Partial<LossAttrs> = {}) {
  const targetShape = kind === 'sparseCategoricalCrossentropy' ? shape.slice(0, -1) : shape;
  const w = weights && tensor([weights.length], weights);
  const [rowLoss, dPred] = lossOp.reference([tensor(shape, pred), tensor(targetShape, target), w], attrs(kind, fromLogits, extra));
  return { rowLoss: Array.from(rowLoss.data), dPred: Array.from(dPred.data), shapes: [rowLoss.shape, dPred.shape] };
}

const KERAS_PROBS = [0.05, 0.95, 0, 0.1, 0.8, 0.1];

describe('loss reference: Keras docstring examples', () => {
  it('CategoricalCrossentropy: [0.0513, 2.303], mean 1.177, weighted [0.3, 0.7] 0.814', () => {
    const r = run('categoricalCrossentropy', false, [2, 3], KERAS_PROBS, [0, 1, 0, 0, 0, 1]);
    expect(r.rowLoss[0]).toBeCloseTo(-Math.log(0.95), 6);
    expect(r.rowLoss[1]).toBeCloseTo(-Math.log(0.1), 5);
    expect(kerasMean(r.rowLoss)).toBeCloseTo(1.177, 3);
    const weighted = run('categoricalCrossentropy', false, [2, 3], KERAS_PROBS, [0, 1, 0, 0, 0, 1], [0.3, 0.7]);
    expect(kerasMean(weighted.rowLoss)).toBeCloseTo(0.814, 3);
  });

  it('SparseCategoricalCrossentropy: labels [1, 2] give the same values', () => {
    const r = run('sparseCategoricalCrossentropy', false, [2, 3], KERAS_PROBS, [1, 2]);
    expect(r.rowLoss[0]).toBeCloseTo(0.0513, 4);
    expect(r.rowLoss[1]).toBeCloseTo(2.303, 3);
    expect(kerasMean(run('sparseCategoricalCrossentropy', false, [2, 3], KERAS_PROBS, [1, 2], [0.3, 0.7]).rowLoss)).toBeCloseTo(0.814, 3);
    expect(r.shapes).toEqual([[2], [2, 3]]);
  });

  it('backend categorical_crossentropy: [0.10536, 0.11653, 0.06188], and ~0 against itself', () => {
    const eye = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const b = [0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94];
    run('categoricalCrossentropy', false, [3, 3], b, eye).rowLoss.forEach((v, i) => expect(v).toBeCloseTo([0.10536, 0.11653, 0.06188][i], 5));
    run('categoricalCrossentropy', false, [3, 3], eye, eye).rowLoss.forEach((v) => expect(v).toBeCloseTo(0, 5));
  });

  it('BinaryCrossentropy from logits: [0.235, 1.496], mean 0.8654, weighted [0.8, 0.2] 0.243', () => {
    const logits = [-18.6, 0.51, 2.94, -12.8];
    const r = run('binaryCrossentropy', true, [2, 2], logits, [0, 1, 0, 0]);
    expect(r.rowLoss[0]).toBeCloseTo(0.235, 3);
    expect(r.rowLoss[1]).toBeCloseTo(1.496, 3);
    expect(kerasMean(r.rowLoss)).toBeCloseTo(0.8654, 3); // Keras prints 0.86546 cut to 4 places
    expect(kerasMean(run('binaryCrossentropy', true, [2, 2], logits, [0, 1, 0, 0], [0.8, 0.2]).rowLoss)).toBeCloseTo(0.2436, 4); // printed as 0.243
    expect(kerasMean(run('binaryCrossentropy', true, [1, 4], logits, [0, 1, 0, 0]).rowLoss)).toBeCloseTo(0.8654, 3);
  });

  it('binary_crossentropy on probabilities: [0.916, 0.714]', () => {
    const r = run('binaryCrossentropy', false, [2, 2], [0.6, 0.4, 0.4, 0.6], [0, 1, 0, 0]);
    expect(r.rowLoss[0]).toBeCloseTo(0.916, 3);
    expect(r.rowLoss[1]).toBeCloseTo(0.714, 3);
  });

  it('MeanSquaredError 0.02, MeanAbsoluteError 0.5666667, huber 0.155', () => {
    expect(run('meanSquaredError', false, [1, 3], [0.9, 0.1, 0.8], [1, 0, 1]).rowLoss[0]).toBeCloseTo(0.02, 7);
    expect(run('meanAbsoluteError', false, [1, 3], [1.9, 0.3, 1.8], [1, 0.3, 1]).rowLoss[0]).toBeCloseTo(0.5666667, 6);
    const huber = run('huber', false, [2, 2], [0.6, 0.4, 0.4, 0.6], [0, 1, 0, 0]);
    expect(huber.rowLoss[0]).toBeCloseTo(0.18, 6);
    expect(huber.rowLoss[1]).toBeCloseTo(0.13, 6);
    expect(kerasMean(huber.rowLoss)).toBeCloseTo(0.155, 6);
  });
});

describe('loss reference: hand-worked gradients', () => {
  it('softmax crossentropy from logits: dz = softmax * sum(t) - t, times weight and scale', () => {
    const z = [1, 2, 3];
    const e = z.map(Math.exp);
    const S = e[0] + e[1] + e[2];
    const r = run('sparseCategoricalCrossentropy', true, [1, 3], z, [2], [2], { scale: 0.5 });
    expect(r.rowLoss[0]).toBeCloseTo(2 * (Math.log(S) - 3), 6);
    r.dPred.forEach((g, j) => expect(g).toBeCloseTo(2 * 0.5 * (e[j] / S - Number(j === 2)), 6));
    // Soft targets that do not sum to 1: the gradient carries sum(t) = 1.5.
    const t = [0.5, 0.25, 0.75];
    const soft = run('categoricalCrossentropy', true, [1, 3], z, t);
    soft.dPred.forEach((g, j) => expect(g).toBeCloseTo((1.5 * e[j]) / S - t[j], 6));
    expect(soft.rowLoss[0]).toBeCloseTo(-t.reduce((a, tj, j) => a + tj * (z[j] - Math.log(S)), 0), 6);
  });

  it('regression kinds: mean over the row, gradients 2e/F, sign(e)/F (0 at e = 0), huber e or delta sign(e)', () => {
    const mse = run('meanSquaredError', false, [1, 2], [3, 1], [1, 1]);
    expect(mse.rowLoss[0]).toBe(2);
    expect(mse.dPred).toEqual([2, 0]);
    run('meanAbsoluteError', false, [1, 3], [3, 1, -1], [1, 1, 1]).dPred.forEach((g, j) => expect(g).toBeCloseTo([1 / 3, 0, -1 / 3][j], 7));
    const huber = run('huber', false, [1, 2], [0.25, -3], [0, 0], undefined, { delta: 0.5 });
    expect(huber.rowLoss[0]).toBeCloseTo((0.5 * 0.0625 + 0.5 * (3 - 0.25)) / 2, 7);
    expect(huber.dPred).toEqual([0.125, -0.25]);
  });

  it('rowLoss is weighted but not scaled; dPred is both', () => {
    const plain = run('meanSquaredError', false, [2, 1], [1, 2], [0, 0]);
    const weighted = run('meanSquaredError', false, [2, 1], [1, 2], [0, 0], [3, 0.5], { scale: 0.1 });
    expect(weighted.rowLoss).toEqual([3 * plain.rowLoss[0], 0.5 * plain.rowLoss[1]]);
    weighted.dPred.forEach((g, i) => expect(g).toBeCloseTo([3, 0.5][i] * 0.1 * plain.dPred[i], 7));
  });
});

// Inputs per kind for the finite-difference check, away from kinks and clip bounds.
function fdInputs(kind: LossKind, fromLogits: boolean, rows: number, F: number, random: () => number) {
  const u = (lo: number, hi: number) => lo + ((random() + 1) / 2) * (hi - lo);
  const many = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => u(lo, hi));
  const n = rows * F;
  if (kind === 'sparseCategoricalCrossentropy') {
    return { pred: fromLogits ? many(n, -3, 3) : many(n, 0.05, 1), target: Float64Array.from({ length: rows }, () => Math.min(F - 1, Math.floor(u(0, F)))) };
  }
  if (kind === 'categoricalCrossentropy') return { pred: fromLogits ? many(n, -3, 3) : many(n, 0.05, 1), target: many(n, 0, 1) };
  if (kind === 'binaryCrossentropy') return { pred: fromLogits ? many(n, -4, 4) : many(n, 0.02, 0.98), target: many(n, 0, 1) };
  return { pred: many(n, -2, 2), target: many(n, -2, 2) };
}

const COMBOS: [LossKind, boolean][] = LOSS_KINDS.flatMap((k) => (CROSSENTROPY_KINDS.includes(k) ? [[k, false], [k, true]] : [[k, false]]) as [LossKind, boolean][]);

describe('loss reference: central finite differences of the float64 loss vs dPred / scale', () => {
  for (const [kind, fromLogits] of COMBOS) {
    for (const weighted of [false, true]) {
      for (const [rows, F] of [[3, 5], [4, 1], [6, 4]]) {
        it(`${kind}${fromLogits ? ' fromLogits' : ''}${weighted ? ' weighted' : ''} rows ${rows} F ${F}`, () => {
          const random = makeRandom(rows * 100 + F + (weighted ? 7 : 0) + LOSS_KINDS.indexOf(kind) * 31);
          const { pred, target } = fdInputs(kind, fromLogits, rows, F, random);
          const weights = weighted ? Float64Array.from({ length: rows }, () => 1 + random()) : undefined;
          const a = attrs(kind, fromLogits, { scale: 0.25, delta: 0.7 });
          const total = (p: Float64Array) => lossRows(p, target, weights, F, a).rowLoss.reduce((s, v) => s + v, 0);
          const { dPred } = lossRows(pred, target, weights, F, a);
          const h = 1e-6;
          for (let i = 0; i < pred.length; i++) {
            const plus = Float64Array.from(pred);
            const minus = Float64Array.from(pred);
            plus[i] += h;
            minus[i] -= h;
            const fd = (total(plus) - total(minus)) / (2 * h);
            const g = dPred[i] / a.scale;
            if (Math.abs(fd - g) > 1e-6 * (1 + Math.abs(g))) throw new Error(`element ${i}: finite difference ${fd}, dPred / scale ${g}`);
          }
        });
      }
    }
  }
});

describe('loss reference: stability and the probability clip', () => {
  it('logits of +-1000 give finite losses and gradients', () => {
    const z = [1000, -1000, 0];
    const sparse = run('sparseCategoricalCrossentropy', true, [3, 3], [...z, ...z, ...z], [0, 1, 2]);
    expect(sparse.rowLoss).toEqual([0, 2000, 1000]);
    expect(sparse.dPred.every(Number.isFinite)).toBe(true);
    expect(sparse.dPred.slice(3, 6)).toEqual([1, -1, 0]);
    const categorical = run('categoricalCrossentropy', true, [1, 3], z, [0.5, 0.5, 0]);
    expect(categorical.rowLoss[0]).toBe(1000);
    const binary = run('binaryCrossentropy', true, [1, 4], [1000, -1000, 1000, -1000], [0, 1, 1, 0]);
    expect(binary.rowLoss[0]).toBe(500);
    expect(binary.dPred).toEqual([0.25, -0.25, 0, 0]);
  });

  it('binary probabilities at 0 and 1 clip to [eps, 1 - eps] in float32 and pass no gradient', () => {
    const r = run('binaryCrossentropy', false, [1, 4], [0, 1, 0, 1], [1, 0, 0, 1]);
    // -log(fround(1e-7)) and -log(1 - fround(1 - 1e-7)) = -log(2^-23), each averaged over 4.
    expect(r.rowLoss[0]).toBeCloseTo((-Math.log(Math.fround(1e-7)) + 23 * Math.LN2 + 2 * -Math.log(1 - 2 ** -23)) / 4, 5);
    expect(r.dPred).toEqual([0, 0, 0, 0]);
    const wide = run('binaryCrossentropy', false, [1, 1], [0.05], [1], undefined, { epsilon: 0.1 });
    expect(wide.rowLoss[0]).toBeCloseTo(-Math.log(Math.fround(0.1)), 6);
    expect(wide.dPred).toEqual([0]);
  });

  it('categorical probabilities: normalized by the row sum, clipped where 0 or 1', () => {
    const unnormalized = run('categoricalCrossentropy', false, [1, 3], [0.1, 1.9, 0], [0, 1, 0]);
    expect(unnormalized.rowLoss[0]).toBeCloseTo(-Math.log(0.95), 6);
    const s = 2;
    // Unclipped j = 0, 1 with t = [0, 1]: dp_j = (1 - t_j / n_j) / s; the clipped zero gets 1 / s.
    [1 / s, (1 - 1 / 0.95) / s, 1 / s].forEach((g, j) => expect(unnormalized.dPred[j]).toBeCloseTo(g, 6));
    const certain = run('sparseCategoricalCrossentropy', false, [1, 3], [0, 1, 0], [1]);
    expect(certain.rowLoss[0]).toBeCloseTo(2 ** -23, 9);
    expect(certain.dPred).toEqual([0, 0, 0]);
    const wrong = run('sparseCategoricalCrossentropy', false, [1, 3], [0, 1, 0], [0]);
    expect(wrong.rowLoss[0]).toBeCloseTo(-Math.log(1e-7), 5);
    expect(wrong.dPred).toEqual([0, 0, 0]);
  });
});

describe('loss reference: errors', () => {
  const sparse = (labels: number[]) => () => run('sparseCategoricalCrossentropy', true, [3, 3], new Array(9).fill(0), labels);

  it('a sparse label outside [0, F) or not an integer names the op and the first bad index', () => {
    expect(sparse([0, 3, -1])).toThrow(WgnnError);
    expect(sparse([0, 3, -1])).toThrow(/^loss: .*target\[1\] = 3 .*\[0, 3\)/);
    expect(sparse([0, 1, -1])).toThrow(/target\[2\] = -1/);
    expect(sparse([1.5, 1, 1])).toThrow(/target\[0\] = 1.5/);
    expect(sparse([0, NaN, 1])).toThrow(/target\[1\] = NaN/);
    expect(() => lossRows([0, 0], [2], undefined, 2, attrs('sparseCategoricalCrossentropy'))).toThrow(/target\[0\] = 2/);
  });

  it('infer: output shapes for rank 3, labels with a trailing 1, leading-shaped weights', () => {
    const f = (shape: number[]) => ({ shape, dtype: 'float32' as const });
    expect(lossOp.infer('l', [f([4, 3, 6]), f([4, 3, 6])], attrs('meanSquaredError'))).toEqual([f([12]), f([4, 3, 6])]);
    expect(lossOp.infer('l', [f([4, 3, 6]), f([4, 3, 1]), f([4, 3])], attrs('sparseCategoricalCrossentropy', true))).toEqual([f([12]), f([4, 3, 6])]);
    expect(lossOp.infer('l', [f([5]), f([])], attrs('sparseCategoricalCrossentropy'))).toEqual([f([1]), f([5])]);
  });

  it('infer rejects mismatched shapes, dtypes and attributes, naming the node', () => {
    const f = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ shape, dtype });
    const infer = (inputs: ({ shape: number[]; dtype: 'float32' | 'int32' } | undefined)[], a: LossAttrs) => () => lossOp.infer('node7', inputs, a);
    expect(infer([f([2, 3]), f([3, 2])], attrs('meanSquaredError'))).toThrow(/^node7: target \[3, 2\] must have pred's shape \[2, 3\]/);
    expect(infer([f([2, 3]), f([3])], attrs('sparseCategoricalCrossentropy'))).toThrow(/sparse labels \[3\]/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('sparseCategoricalCrossentropy'))).toThrow(/sparse labels \[2, 3\]/);
    expect(infer([f([2, 3]), f([2, 3]), f([3])], attrs('huber'))).toThrow(/weights \[3\] must hold one value per row: \[2\]/);
    expect(infer([f([2, 0]), f([2, 0])], attrs('meanSquaredError'))).toThrow(/last axis of at least 1/);
    expect(infer([f([]), f([])], attrs('meanSquaredError'))).toThrow(/last axis of at least 1/);
    expect(infer([f([2, 3]), f([2, 3], 'int32')], attrs('meanSquaredError'))).toThrow(/target must be float32/);
    expect(infer([f([2, 3]), undefined], attrs('meanSquaredError'))).toThrow(/needs pred and target/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('meanSquaredError', true))).toThrow(/fromLogits applies to the crossentropies only/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('hinge' as LossKind))).toThrow(/unknown loss kind 'hinge'/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('huber', false, { delta: 0 }))).toThrow(/delta 0/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('binaryCrossentropy', false, { epsilon: 0.5 }))).toThrow(/epsilon 0.5/);
    expect(infer([f([2, 3]), f([2, 3])], attrs('binaryCrossentropy', false, { scale: NaN }))).toThrow(/scale NaN/);
  });

  it('the reference rejects data that does not match the shapes', () => {
    expect(() => lossReference(tensor([2, 2], [1, 2, 3]), tensor([2, 2], [1, 2, 3, 4]), undefined, attrs('meanSquaredError'))).toThrow(/pred \[2, 2\] needs 4 values/);
    expect(() => lossReference(tensor([2, 2], [1, 2, 3, 4]), tensor([3], [1, 2, 3]), undefined, attrs('meanSquaredError'))).toThrow(/do not match pred/);
  });
});
