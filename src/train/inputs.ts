// What fit, evaluate and predict take as x: the samples of the model's one input, or of each of
// its inputs, as a list in the model's input order or by input name (Keras's fit([a, b], y) and
// fit({ a, b }, y)).
import { WgnnError } from '../errors.ts';
import type { DataInput } from './data.ts';

export type ModelData = DataInput | DataInput[] | Record<string, DataInput>;

/** A DataInput with a shape, or typed or plain data: not a number (so a list of them is a list of inputs). */
const isInput = (x: unknown): boolean => ArrayBuffer.isView(x) || Array.isArray(x) || (typeof x === 'object' && x !== null && 'data' in x);

/** `x` as one DataInput per model input (`names` in the model's order). */
export function modelInputs(where: string, x: ModelData, names: string[]): DataInput[] {
  if (Array.isArray(x) && x.length > 0 && x.every(isInput)) {
    if (x.length !== names.length) throw new WgnnError(where, `${x.length} inputs given; the model takes ${names.length} (${names.join(', ')})`);
    return x as DataInput[];
  }
  if (typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && !('data' in x)) {
    const record = x as Record<string, DataInput>;
    const unknown = Object.keys(record).filter((k) => !names.includes(k));
    if (unknown.length) throw new WgnnError(where, `no model input named ${unknown.map((k) => `'${k}'`).join(', ')}; the inputs are ${names.join(', ')}`);
    return names.map((n) => {
      if (record[n] === undefined) throw new WgnnError(where, `input '${n}' is missing; the model takes ${names.join(', ')}`);
      return record[n];
    });
  }
  if (names.length !== 1) throw new WgnnError(where, `the model takes ${names.length} inputs (${names.join(', ')}): pass a list of them, or an object by name`);
  return [x as DataInput];
}
