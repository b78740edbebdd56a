// Gradient clipping by norm in a whole training step (CPU reference backend): with sgd at
// learning rate 1 and no momentum, a step moves each weight by its gradient times the scale
// Keras's clipping gives, computed here from the step's own (unclipped) gradients in float64:
// clipNorm c per weight tensor: min(1, c / ||g||); globalClipNorm c: min(1, c / ||all g||).
import { describe, expect, it } from 'vitest';
import { createEngine, layers, sequential } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { blobs } from '../harness/training-data.ts';

const engine = createEngine({ backend: 'cpu' });
const model = () => sequential([layers.dense({ units: 6, activation: 'tanh' }), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });

describe('clipping gradients by norm', () => {
  for (const global of [false, true]) {
    const option = global ? 'globalClipNorm' : 'clipNorm';
    it(`${option}: one sgd step moves each weight by its gradient scaled as Keras clips it`, async () => {
      const { x, y } = blobs(24);
      const m = model();
      // The unclipped gradients first, to put the clip between the smallest and largest norms.
      const probe = (await engine).compile(m, { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'sparseCategoricalCrossentropy' });
      await probe.trainOnBatch(x, y);
      const raw = await probe.trainingSession.readExternal(BUFFERS.grads);
      const slots = probe.trainingSession.layout.slots;
      const norm = (g: Float32Array, offset: number, size: number) => Math.sqrt(g.subarray(offset, offset + size).reduce((a, v) => a + v * v, 0));
      const norms = slots.map((s) => norm(raw, s.offset, s.size));
      const clip = Math.sqrt(Math.min(...norms) * Math.max(...norms));

      const t = (await engine).compile(m, { optimizer: { name: 'sgd', learningRate: 1, [option]: clip }, loss: 'sparseCategoricalCrossentropy' });
      const before = await t.trainingSession.readExternal(BUFFERS.params);
      await t.trainOnBatch(x, y);
      const after = await t.trainingSession.readExternal(BUFFERS.params);
      const grads = await t.trainingSession.readExternal(BUFFERS.grads);
      const total = Math.sqrt(slots.reduce((a, s) => a + norm(grads, s.offset, s.size) ** 2, 0));
      let clipped = 0;
      for (const s of slots) {
        const scale = Math.min(1, clip / (global ? total : norm(grads, s.offset, s.size)));
        if (scale < 1) clipped++;
        for (let i = s.offset; i < s.offset + s.size; i++) expect(before[i] - after[i], `${s.name}[${i - s.offset}]`).toBeCloseTo(grads[i] * scale, 6);
      }
      // Some weight must have been clipped (and, per weight, some not), or the test could not fail.
      expect(clipped).toBeGreaterThan(0);
      if (!global) expect(clipped).toBeLessThan(slots.length);
    });
  }

  it('only one of clipValue, clipNorm and globalClipNorm; each > 0 (checked by compile)', async () => {
    const e = await engine;
    const compile = (optimizer: object) => () => e.compile(model(), { optimizer: { name: 'adam', ...optimizer }, loss: 'meanSquaredError' });
    expect(compile({ clipNorm: 1, globalClipNorm: 1 })).toThrow(/compile: only one of clipValue, clipNorm and globalClipNorm can be set \(Keras's rule\); got clipNorm and globalClipNorm/);
    expect(compile({ globalClipNorm: -2 })).toThrow(/compile: adam globalClipNorm -2 is invalid: it must be > 0/);
  });
});
