// Keras's default initial weights (src/model/layers/initializers.ts): Glorot-uniform kernels,
// orthogonal recurrent kernels, the LSTM's unit forget bias, uniform embeddings; all seeded by
// the weight's name.
import { describe, expect, it } from 'vitest';
import { layers, sequential } from '../../src/index.ts';
import { glorot, orthogonal, uniform } from '../../src/model/layers/initializers.ts';

/** max |M M^T - I| over the rows of a [rows, cols] matrix (rows <= cols), or of its columns. */
function orthonormalError(m: Float32Array, rows: number, cols: number): number {
  const [count, length] = rows <= cols ? [rows, cols] : [cols, rows];
  const at = (k: number, i: number) => (rows <= cols ? m[k * cols + i] : m[i * cols + k]);
  let worst = 0;
  for (let a = 0; a < count; a++) {
    for (let b = 0; b < count; b++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += at(a, i) * at(b, i);
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe('initializers', () => {
  it('orthogonal: orthonormal rows of a wide matrix, columns of a tall one, not the identity', () => {
    const wide = orthogonal('lstm/recurrentKernel', [16, 64]);
    expect(orthonormalError(wide, 16, 64)).toBeLessThan(1e-5);
    const tall = orthogonal('tall', [2, 5, 3]);
    expect(orthonormalError(tall, 10, 3)).toBeLessThan(1e-5);
    const square = orthogonal('square', [8, 8]);
    expect(orthonormalError(square, 8, 8)).toBeLessThan(1e-5);
    expect(Math.abs(square[1])).toBeGreaterThan(1e-3);
  });

  it('the same name gives the same values; another name others', () => {
    expect(orthogonal('a', [4, 12])).toEqual(orthogonal('a', [4, 12]));
    expect(orthogonal('a', [4, 12])).not.toEqual(orthogonal('b', [4, 12]));
    expect(glorot('k', [3, 5], 3, 5)).toEqual(glorot('k', [3, 5], 3, 5));
  });

  it('glorot and uniform stay inside their limits and spread over them', () => {
    const limit = Math.sqrt(6 / (30 + 50));
    const g = glorot('dense/kernel', [30, 50], 30, 50);
    expect(Math.max(...g.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...g)).toBeGreaterThan(0.9 * limit);
    const u = uniform('embedding/embeddings', [100, 8], 0.05);
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.min(...u)).toBeLessThan(-0.045);
  });

  it("layers start from Keras's defaults: orthogonal recurrent kernels, the LSTM's forget bias at 1, uniform embeddings", () => {
    const model = sequential(
      [
        layers.embedding({ inputDim: 50, outputDim: 6, name: 'embed' }),
        layers.lstm({ units: 5, returnSequences: true, name: 'lstm' }),
        layers.lstm({ units: 5, returnSequences: true, unitForgetBias: false, name: 'lstm_plain' }),
        layers.gru({ units: 4, name: 'gru' }),
      ],
      { inputShape: [7], inputDtype: 'int32' },
    );
    const lstm = model.getWeights('lstm');
    expect(orthonormalError(lstm.recurrentKernel, 5, 20)).toBeLessThan(1e-5);
    expect(Array.from(lstm.bias)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...new Array(10).fill(0)]);
    expect(Array.from(model.getWeights('lstm_plain').bias)).toEqual(new Array(20).fill(0));
    const gru = model.getWeights('gru');
    expect(orthonormalError(gru.recurrentKernel, 4, 12)).toBeLessThan(1e-5);
    expect(Array.from(gru.bias)).toEqual(new Array(24).fill(0));
    expect(Math.max(...model.getWeights('embed').embeddings.map(Math.abs))).toBeLessThanOrEqual(0.05);
  });
});
