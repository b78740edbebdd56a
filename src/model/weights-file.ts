// Saving and loading a model's weights: the safetensors format (a documented, minimal container
// that PyTorch and Hugging Face tools read): an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the little-endian data. wgnn writes one
// float32 tensor per layer weight, named "<layer>/<weight>", in Keras's layout (what
// model.getWeights gives), so trained weights load back with loadWeights and read in Python
// with `safetensors.numpy.load_file`.
import { WgnnError } from '../errors.ts';
import { formatShape, sizeOf } from '../shape.ts';
import type { Model } from './model.ts';

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The model's weights as a safetensors file. */
export function saveWeights(model: Model): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: { format: 'wgnn', model: model.name } };
  const tensors: Float32Array[] = [];
  let offset = 0;
  for (const layer of model.layers) {
    const shapes = layer.weightShapes();
    for (const [key, data] of Object.entries(layer.getWeights())) {
      header[`${layer.name}/${key}`] = { dtype: 'F32', shape: shapes[key], data_offsets: [offset, offset + data.byteLength] };
      tensors.push(data);
      offset += data.byteLength;
    }
  }
  // The header is padded with spaces to a multiple of 8 bytes, as the format allows.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + head.length + offset);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(head.length), true);
  bytes.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    bytes.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), at);
    at += t.byteLength;
  }
  return bytes;
}

/** Loads weights saved by saveWeights (or any safetensors file with those names and shapes) into the model. */
export function loadWeights(model: Model, file: Uint8Array | ArrayBuffer): void {
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
  const where = `loadWeights ${model.name}`;
  if (bytes.length < 8) throw new WgnnError(where, `the file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100 * 2 ** 20) throw new WgnnError(where, `header length ${headerLength} does not fit the file's ${bytes.length} bytes`);
  let header: Record<string, HeaderEntry>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new WgnnError(where, 'the header is not JSON: not a safetensors file, or a truncated one');
  }
  const data = bytes.subarray(8 + headerLength);
  for (const layer of model.layers) {
    const shapes = layer.weightShapes();
    const values: Record<string, Float32Array> = {};
    for (const key of Object.keys(shapes)) {
      const name = `${layer.name}/${key}`;
      const entry = header[name];
      if (!entry) throw new WgnnError(where, `the file has no tensor '${name}'`);
      const [begin, end] = entry.data_offsets ?? [];
      if (entry.dtype !== 'F32' || !Array.isArray(entry.shape) || entry.shape.join() !== shapes[key].join()) {
        throw new WgnnError(where, `'${name}' is ${entry.dtype} ${formatShape(entry.shape ?? [])}; the model needs F32 ${formatShape(shapes[key])}`);
      }
      if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end === begin + 4 * sizeOf(shapes[key]) && end <= data.length)) {
        throw new WgnnError(where, `'${name}' has byte range [${begin}, ${end}), which does not hold its ${sizeOf(shapes[key])} floats within the file's ${data.length} data bytes`);
      }
      values[key] = new Float32Array(data.slice(begin, end).buffer);
    }
    if (Object.keys(values).length) layer.setWeights(values);
  }
}
