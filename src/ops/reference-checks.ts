// Argument checks shared by the CPU reference ops. `where` names the op in the error.
import { WgnnError } from '../errors.ts';
import { formatShape, sizeOf } from '../shape.ts';
import type { HostTensor } from './host-tensor.ts';

export function checkRank(where: string, name: string, t: HostTensor, rank: number, layout: string): void {
  if (t.shape.length !== rank) {
    throw new WgnnError(where, `${name} ${formatShape(t.shape)} must have rank ${rank}: ${layout}`);
  }
}

/** The data array must hold exactly the elements the shape promises, or indexing would read garbage. */
export function checkDataLength(where: string, name: string, t: HostTensor): void {
  const size = sizeOf(t.shape);
  if (t.data.length !== size) {
    throw new WgnnError(where, `${name} ${formatShape(t.shape)} needs ${size} values, got ${t.data.length}`);
  }
}

export function checkPositiveInts(where: string, name: string, values: readonly number[], count: number): void {
  if (values.length !== count || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new WgnnError(where, `${name} [${values.join(', ')}] must be ${count} integers >= 1`);
  }
}

/** pads are [top, left, bottom, right]. */
export function checkPads(where: string, pads: readonly number[]): void {
  if (pads.length !== 4 || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new WgnnError(where, `pads [${pads.join(', ')}] must be 4 integers >= 0 (top, left, bottom, right)`);
  }
}
