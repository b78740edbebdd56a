// The .npy reader and writer, on bytes written by numpy (embedded below) and round trips.
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/cli/npy.ts';

/** numpy.save of np.arange(6, dtype=np.int64).reshape(2, 3), byte for byte. */
function numpyInt64(): Uint8Array {
  const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const bytes = new Uint8Array(10 + padded.length + 48);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const data = new DataView(bytes.buffer, 10 + padded.length);
  for (let i = 0; i < 6; i++) data.setBigInt64(8 * i, BigInt(i), true);
  return bytes;
}

describe('npy', () => {
  it('round-trips float32 of several ranks, and its header is 64-byte aligned', () => {
    for (const shape of [[], [5], [2, 3], [2, 1, 4]]) {
      const data = Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i * 0.5 - 1);
      const bytes = writeNpy(shape, data);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLength) % 64).toBe(0);
      const back = readNpy('t.npy', bytes);
      expect(back.shape).toEqual(shape);
      expect([...back.data]).toEqual([...data]);
    }
  });

  it('round-trips int32', () => {
    const back = readNpy('ids.npy', writeNpy([2, 2], Int32Array.of(1, -2, 3, 2147483647)));
    expect(back).toMatchObject({ shape: [2, 2], dtype: 'int32' });
    expect([...back.data]).toEqual([1, -2, 3, 2147483647]);
  });

  it('reads int64 as int32', () => {
    const a = readNpy('ids.npy', numpyInt64());
    expect(a).toMatchObject({ shape: [2, 3], dtype: 'int32' });
    expect([...a.data]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects what it cannot read faithfully', () => {
    expect(() => readNpy('x.npy', new TextEncoder().encode('hello world'))).toThrow(/x.npy: is not a .npy file/);
    const bytes = writeNpy([2, 2], new Float32Array(4));
    expect(() => readNpy('short.npy', bytes.slice(0, bytes.length - 1))).toThrow(/holds 15 data bytes but shape \[2, 2\] of <f4 needs 16/);
    const fortran = new TextDecoder('latin1').decode(bytes).replace('False', 'True ');
    expect(() => readNpy('f.npy', Uint8Array.from(fortran, (c) => c.charCodeAt(0)))).toThrow(/Fortran order/);
    const big = numpyInt64();
    new DataView(big.buffer, big.length - 8).setBigInt64(0, 2n ** 40n, true);
    expect(() => readNpy('big.npy', big)).toThrow(/int64 value 1099511627776 at index 5 does not fit in int32/);
    const u8 = new TextDecoder('latin1').decode(bytes).replace("'<f4'", "'|u1'");
    expect(() => readNpy('u8.npy', Uint8Array.from(u8, (c) => c.charCodeAt(0)))).toThrow(/dtype '\|u1'/);
  });
});
