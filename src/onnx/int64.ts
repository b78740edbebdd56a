// int64 fields arrive as long.js objects (protobufjs bundles `long`), or as plain numbers when
// a runtime lacks it; these helpers turn either into exact bigints or range-checked numbers.
import { WgnnError } from '../errors.ts';

/** The part of long.js's Long that the conversion needs. */
export type Int64 = number | { low: number; high: number; unsigned: boolean };

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

export function int64ToBigInt(v: Int64): bigint {
  if (typeof v === 'number') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** An int64 as a number, or a WgnnError naming `what` when it is outside +-(2^53 - 1). */
export function int64ToNumber(v: Int64, where: string, what: string): number {
  const b = int64ToBigInt(v);
  if (b > SAFE || b < -SAFE) {
    throw new WgnnError(where, `${what} is ${b}, beyond the exactly representable +-(2^53 - 1)`);
  }
  return Number(b);
}
