// NumPy .npy files: read (float32, float64, int32, int64, C order) and write (float32, int32, C order).
// Format: magic "\x93NUMPY", version (1.0, 2.0 or 3.0), a little-endian header length (2 bytes in
// 1.0, 4 bytes after), a Python dict literal {'descr': '<f4', 'fortran_order': False,
// 'shape': (2, 3), } padded with spaces to a 64-byte boundary, then the raw data.
import { WgnnError } from '../errors.ts';
import { formatShape, sizeOf } from '../shape.ts';

export interface NpyArray {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ELEMENT_BYTES: Record<string, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8 };

export function readNpy(where: string, bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new WgnnError(where, 'is not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new WgnnError(where, `has .npy version ${major}.${bytes[7]}; versions 1 to 3 are supported`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLength > bytes.length) throw new WgnnError(where, 'is truncated inside its header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new WgnnError(where, `has a malformed .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new WgnnError(where, 'is in Fortran order; save it in C order (numpy.ascontiguousarray)');
  const elementBytes = ELEMENT_BYTES[descr];
  if (!elementBytes) throw new WgnnError(where, `has dtype '${descr}'; supported: float32 (<f4), float64 (<f8), int32 (<i4), int64 (<i8), little-endian`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || sizeOf(shape) > 2 ** 31) throw new WgnnError(where, `has an invalid shape (${shapeText})`);
  const count = sizeOf(shape);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart !== count * elementBytes) {
    throw new WgnnError(where, `holds ${bytes.length - dataStart} data bytes but shape ${formatShape(shape)} of ${descr} needs ${count * elementBytes}`);
  }
  const raw = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * elementBytes);
  if (descr === '<f4' || descr === '<f8') {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = descr === '<f4' ? raw.getFloat32(4 * i, true) : raw.getFloat64(8 * i, true);
    return { shape, dtype: 'float32', data };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = descr === '<i4' ? raw.getInt32(4 * i, true) : raw.getBigInt64(8 * i, true);
    if (typeof v === 'bigint' && (v > 2147483647n || v < -2147483648n)) throw new WgnnError(where, `int64 value ${v} at index ${i} does not fit in int32`);
    data[i] = Number(v);
  }
  return { shape, dtype: 'int32', data };
}

/** Writes float32 ('<f4') or int32 ('<i4') data, C order, format version 1.0. */
export function writeNpy(shape: readonly number[], data: Float32Array | Int32Array): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${data instanceof Int32Array ? '<i4' : '<f4'}', 'fortran_order': False, 'shape': (${dims}), }`;
  // Pad with spaces so that magic + version + length + header + newline is a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
