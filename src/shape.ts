// Shape helpers shared by the front-ends, the GPU ops and the CPU backend.
import { WgnnError } from './errors.ts';

export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Rejects dimensions that are negative, fractional or absurd before anything is allocated. */
export function checkShape(where: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new WgnnError(where, `shape ${formatShape(shape)} has an invalid dimension ${d}; dimensions are integers >= 0`);
    }
  }
  if (sizeOf(shape) > 2 ** 31) {
    throw new WgnnError(where, `shape ${formatShape(shape)} has ${sizeOf(shape)} elements, more than 2^31`);
  }
}

/** NumPy broadcasting of two shapes; `where` names the op for the error. */
export function broadcastShapes(where: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new WgnnError(
        where,
        `shapes ${formatShape(a)} and ${formatShape(b)} do not broadcast: dimension ${i} (from the left, after aligning right) is ${da} vs ${db}; each pair must be equal or contain a 1`,
      );
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Row-major strides of `shape` aligned to `rank` dims, with 0 where the dim is broadcast (size 1). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const outAxis = rank - shape.length + i;
    strides[outAxis] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

export function normalizeAxis(where: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new WgnnError(where, `axis ${axis} is out of range for rank ${rank}; valid axes are ${-rank}..${rank - 1}`);
  }
  return axis < 0 ? axis + rank : axis;
}
