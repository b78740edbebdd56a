export type DType = 'float32' | 'int32';

export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, int32: 4 };
