// CPU twin of cast: to float32 the value itself (int32 values are exact up to 2^24, rounded past
// it), to int32 truncated toward zero and clamped to int32's range, to bool 1 where nonzero.
import type { ArrayTensor } from '../strided-copy/reference.ts';

export type CastTarget = 'float32' | 'int32' | 'bool';

export function castReference(x: ArrayTensor, to: CastTarget): ArrayTensor<Float32Array | Int32Array> {
  const shape = [...x.shape];
  if (to === 'int32') return { shape, data: Int32Array.from(x.data, (v) => Math.min(Math.max(Math.trunc(v), -(2 ** 31)), 2 ** 31 - 1)) };
  if (to === 'bool') return { shape, data: Float32Array.from(x.data, (v) => (v !== 0 ? 1 : 0)) };
  return { shape, data: Float32Array.from(x.data) };
}
