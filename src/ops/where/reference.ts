// CPU twin of where: each output element picks x where the broadcast condition is nonzero, else y.
import { broadcastShapes } from '../../shape.ts';
import { arrayLike, type ArrayTensor, type NumericArray } from '../strided-copy/reference.ts';

/** The element of `t` at output coordinates `coords` (right-aligned; size-1 axes broadcast). */
function at(t: ArrayTensor, coords: number[]): number {
  const lead = coords.length - t.shape.length;
  let offset = 0;
  for (let d = 0; d < t.shape.length; d++) offset = offset * t.shape[d] + (t.shape[d] === 1 ? 0 : coords[lead + d]);
  return t.data[offset];
}

export function whereReference<T extends NumericArray>(condition: ArrayTensor, x: ArrayTensor<T>, y: ArrayTensor<T>): ArrayTensor<T> {
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, x.shape), y.shape);
  const data = arrayLike(x.data, shape.reduce((a, b) => a * b, 1));
  const coords = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    data[i] = at(condition, coords) !== 0 ? at(x, coords) : at(y, coords);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  return { shape, data };
}
