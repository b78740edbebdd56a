// The top-k accuracies (Keras's top_k_categorical_accuracy and sparse_top_k_categorical_accuracy,
// TF's in_top_k): evaluate's value against a count written out here, on outputs with ties,
// including ties that straddle the k-th place (which count as hits), and the options' errors.
import { describe, expect, it } from 'vitest';
import { createEngine, layers, sequential } from '../../src/index.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });
const C = 6;
const N = 40;

/** A softmax layer whose output for the one-hot input i is softmax(logits[i]): the test chooses every output. */
function fixedOutputs(logits: Float32Array) {
  const model = sequential([layers.dense({ units: C, activation: 'softmax', name: 'table' })], { inputShape: [N] });
  model.setWeights('table', { kernel: logits, bias: new Float32Array(C) });
  const x = new Float32Array(N * N);
  for (let i = 0; i < N; i++) x[i * N + i] = 1;
  return { model, x };
}

/** Logits with many ties: values from a small set. */
function tiedLogits(rng: Random): Float32Array {
  return Float32Array.from({ length: N * C }, () => rng.int(0, 3) * 0.5);
}

/** Fraction of samples whose target has fewer than k logits strictly above it. */
function expectedTopK(logits: Float32Array, targets: number[], k: number): number {
  let hits = 0;
  targets.forEach((t, i) => {
    const row = logits.subarray(i * C, (i + 1) * C);
    if (row.filter((v) => v > row[t]).length < k) hits++;
  });
  return hits / targets.length;
}

describe('top-k accuracy metrics', () => {
  for (const k of [1, 2, 3, 5]) {
    it(`k ${k}: sparse and one-hot labels give TF's in_top_k fraction (ties straddling the k-th place count)`, async () => {
      const rng = new Random(100 + k);
      const logits = tiedLogits(rng);
      const targets = Array.from({ length: N }, () => rng.int(0, C - 1));
      const { model, x } = fixedOutputs(logits);
      const e = await engine;
      const sparse = e.compile(model, { loss: 'sparseCategoricalCrossentropy', metrics: [{ name: 'sparse_top_k_categorical_accuracy', k }] });
      const sparseLogs = await sparse.evaluate(x, Float32Array.from(targets), { batchSize: 16 });
      const oneHot = new Float32Array(N * C);
      targets.forEach((t, i) => (oneHot[i * C + t] = 1));
      const dense = e.compile(model, { loss: 'categoricalCrossentropy', metrics: [{ name: 'topKCategoricalAccuracy', k }] });
      const denseLogs = await dense.evaluate(x, oneHot, { batchSize: 16 });
      const expected = expectedTopK(logits, targets, k);
      expect(sparseLogs.sparse_top_k_categorical_accuracy).toBeCloseTo(expected, 6);
      expect(denseLogs.topKCategoricalAccuracy).toBeCloseTo(expected, 6);
      // Neither all hits nor none, so the metric's choices show.
      if (k < 5) expect(expected).toBeGreaterThan(0);
      if (k < 3) expect(expected).toBeLessThan(1);
    });
  }

  it("the string name takes Keras's k = 5", async () => {
    const rng = new Random(7);
    const logits = Float32Array.from({ length: N * C }, () => rng.uniform(-2, 2));
    const targets = Array.from({ length: N }, () => rng.int(0, C - 1));
    const { model, x } = fixedOutputs(logits);
    const t = (await engine).compile(model, { loss: 'sparseCategoricalCrossentropy', metrics: ['sparseTopKCategoricalAccuracy'] });
    const logs = await t.evaluate(x, Float32Array.from(targets));
    expect(logs.sparseTopKCategoricalAccuracy).toBeCloseTo(expectedTopK(logits, targets, 5), 6);
  });

  it('rejects a bad k, k on other metrics, and unknown options', async () => {
    const e = await engine;
    const { model } = fixedOutputs(new Float32Array(N * C));
    const compile = (metric: object) => () => e.compile(model, { loss: 'sparseCategoricalCrossentropy', metrics: [metric as { name: string }] });
    expect(compile({ name: 'topKCategoricalAccuracy', k: 0 })).toThrow(/metric 'topKCategoricalAccuracy': k 0 must be an integer >= 1/);
    expect(compile({ name: 'accuracy', k: 2 })).toThrow(/metric 'accuracy' takes no k/);
    expect(compile({ name: 'sparseTopKCategoricalAccuracy', kk: 2 })).toThrow(/metric 'sparseTopKCategoricalAccuracy' has no option 'kk'/);
  });
});
