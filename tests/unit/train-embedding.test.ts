// Training through an embedding on the CPU reference backend: the step's gradient of the table
// (src/ops/gather/grad.ts -> embeddingBackward) against finite differences of the loss, and a
// toy text task that must be learned: does token 3 occur among 6 tokens of a vocabulary of 10?
import { describe, expect, it } from 'vitest';
import { createEngine, layers, model } from '../../src/index.ts';
import { BUFFERS } from '../../src/train/step-graph.ts';
import { Random } from '../harness/random.ts';

const engine = createEngine({ backend: 'cpu' });
const [T, VOCAB, WIDTH] = [6, 10, 4];

/** Token ids -> embedding -> flatten -> dense softmax over 2 classes. */
function textClassifier() {
  const ids = layers.input({ shape: [T], dtype: 'int32', name: 'ids' });
  const embedded = layers.embedding({ inputDim: VOCAB, outputDim: WIDTH, name: 'tokens' }).apply(ids);
  const flat = layers.flatten().apply(embedded);
  return model({ inputs: ids, outputs: layers.dense({ units: 2, activation: 'softmax', name: 'classify' }).apply(flat), name: 'has_token_3' });
}

/** `count` sequences of T tokens drawn from `vocab` tokens; label 1 where token 3 occurs. */
function sequences(count: number, seed: number, vocab = VOCAB) {
  const rng = new Random(seed);
  const x = Int32Array.from({ length: count * T }, () => rng.int(0, vocab - 1));
  const y = Float32Array.from({ length: count }, (_, s) => Number(x.subarray(s * T, (s + 1) * T).includes(3)));
  return { x: { data: x, shape: [count, T] }, y };
}

describe('training through an embedding', () => {
  it('the step\'s gradient of the embedding table matches finite differences of the loss (repeated ids; unused rows get 0)', async () => {
    // Tokens 0..7 only: rows 8 and 9 are in no sequence, so their gradient must be exactly 0.
    const { x, y } = sequences(8, 0x7e1, 8);
    const t = (await engine).compile(textClassifier(), { optimizer: { name: 'sgd', learningRate: 1e-30 }, loss: 'sparseCategoricalCrossentropy' });
    await t.trainOnBatch(x, y);
    const session = t.trainingSession;
    const grads = await session.readExternal(BUFFERS.grads);
    const params = await session.readExternal(BUFFERS.params);
    const table = session.layout.slots.find((s) => s.name.startsWith('tokens'))!;
    expect(table.size).toBe(VOCAB * WIDTH);
    const lossAt = async (p: Float32Array) => {
      session.setExternal(BUFFERS.params, p);
      return (await t.evaluate(x, y, { batchSize: 8 })).loss;
    };
    for (const row of [0, 3, 5, 7]) {
      for (const col of [0, WIDTH - 1]) {
        const at = table.offset + row * WIDTH + col;
        const eps = 1e-2;
        const [up, down] = [params.slice(), params.slice()];
        up[at] += eps;
        down[at] -= eps;
        const numeric = ((await lossAt(up)) - (await lossAt(down))) / (2 * eps);
        expect(grads[at], `tokens[${row}, ${col}]`).toBeCloseTo(numeric, 3);
        expect(grads[at], `tokens[${row}, ${col}] is hit, so not 0`).not.toBe(0);
      }
    }
    expect(grads.subarray(table.offset + 8 * WIDTH, table.offset + table.size).every((v) => v === 0)).toBe(true);
  });

  it('learns whether token 3 occurs in a sequence (> 90% accuracy on held-out sequences); the table goes back to the model', async () => {
    const train = sequences(384, 1);
    const held = sequences(128, 2);
    const m = textClassifier();
    const before = m.getWeights('tokens').embeddings.slice();
    const t = (await engine).compile(m, { optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await t.fit(train.x, train.y, { epochs: 15, batchSize: 32, seed: 5 });
    expect(history.get('accuracy').at(-1)).toBeGreaterThan(0.9);
    expect((await t.evaluate(held.x, held.y)).accuracy).toBeGreaterThan(0.9);
    // Token 3's row moved furthest: it alone decides the class.
    const after = m.getWeights('tokens').embeddings;
    const moved = (r: number) => Math.hypot(...Array.from({ length: WIDTH }, (_, c) => after[r * WIDTH + c] - before[r * WIDTH + c]));
    const others = [0, 1, 2, 4, 5, 6, 7, 8, 9].map(moved);
    expect(moved(3)).toBeGreaterThan(Math.max(...others));
  });
});
