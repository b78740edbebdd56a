// Small synthetic training sets (seeded), shared by the CPU training tests and the GPU training
// cases: separable blobs, a binary task, and a regression.
import { Random } from './random.ts';

export interface TrainingSet {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** Three Gaussian-ish blobs in 2-D, labelled 0, 1, 2 (class indices). */
export function blobs(n: number, seed = 7): TrainingSet {
  const rng = new Random(seed);
  const centers = [[1.5, 0], [-1, 1.3], [-1, -1.3]];
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    x[2 * i] = centers[c][0] + rng.floats(1, -0.6, 0.6)[0];
    x[2 * i + 1] = centers[c][1] + rng.floats(1, -0.6, 0.6)[0];
  }
  return { x, y, n };
}

/** Points inside (1) or outside (0) a circle of radius 1 in [-1.6, 1.6]^2: not linearly separable. */
export function circle(n: number, seed = 11): TrainingSet {
  const rng = new Random(seed);
  const x = rng.floats(n * 2, -1.6, 1.6);
  const y = Float32Array.from({ length: n }, (_, i) => Number(x[2 * i] ** 2 + x[2 * i + 1] ** 2 < 1));
  return { x, y, n };
}

/** y = sin(2 x0) + 0.5 x1 on [-1, 1]^2. */
export function waves(n: number, seed = 13): TrainingSet {
  const rng = new Random(seed);
  const x = rng.floats(n * 2);
  const y = Float32Array.from({ length: n }, (_, i) => Math.sin(2 * x[2 * i]) + 0.5 * x[2 * i + 1]);
  return { x, y, n };
}
