// Keras's default initial weights, deterministic: each weight's values come from a generator
// seeded by the weight's name ("lstm_1/recurrentKernel"), so a model built the same way starts
// from the same numbers on every backend and in every run.
//   glorotUniform  U(-l, l), l = sqrt(6 / (fanIn + fanOut)): kernels of dense and conv layers
//   orthogonal     the recurrent kernels: rows (or columns, whichever are fewer) orthonormal,
//                  as Keras's Orthogonal (QR of a normal matrix, signs fixed by R's diagonal)
//   uniform        U(-0.05, 0.05): embeddings (Keras's RandomUniform default)
import { sizeOf } from '../../shape.ts';

/** Uniform numbers in [0, 1) from a linear congruential generator seeded by FNV-1a of `name`. */
function seeded(name: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < name.length; i++) seed = Math.imul(seed ^ name.charCodeAt(i), 16777619) >>> 0;
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

export function uniform(name: string, shape: number[], limit: number): Float32Array {
  const next = seeded(name);
  return Float32Array.from({ length: sizeOf(shape) }, () => next() * 2 * limit - limit);
}

export function glorot(name: string, shape: number[], fanIn: number, fanOut: number): Float32Array {
  return uniform(name, shape, Math.sqrt(6 / Math.max(fanIn + fanOut, 1)));
}

/**
 * A [rows, cols] matrix (shape's leading dims flattened into rows) with orthonormal rows where
 * rows <= cols, else orthonormal columns. Modified Gram-Schmidt in float64 on the longer side's
 * vectors of a standard normal matrix; each vector's sign follows R's diagonal, as Keras's QR does.
 */
export function orthogonal(name: string, shape: number[]): Float32Array {
  const cols = shape[shape.length - 1];
  const rows = sizeOf(shape) / cols;
  const [count, length] = rows <= cols ? [rows, cols] : [cols, rows];
  const next = seeded(name);
  // Box-Muller; 1 - u keeps the logarithm finite.
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const vectors = Array.from({ length: count }, () => Float64Array.from({ length }, normal));
  for (let k = 0; k < count; k++) {
    const v = vectors[k];
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += vectors[j][i] * v[i];
      for (let i = 0; i < length; i++) v[i] -= dot * vectors[j][i];
    }
    const norm = Math.hypot(...v) || 1;
    for (let i = 0; i < length; i++) v[i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < length; i++) out[rows <= cols ? k * cols + i : i * cols + k] = vectors[k][i];
  }
  return out;
}
