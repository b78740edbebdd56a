// TF.js weight manifests: model.json's weightsManifest is a list of groups, each naming its shard
// files (`paths`, read one after another as one buffer) and its weights in the order their bytes
// sit there: {name, shape, dtype, quantization?}. A quantized weight stores uint8 or uint16 codes
// (value = code * scale + min) or float16 halves; all are turned back into float32 here.
// Files are untrusted: every shape and byte count is checked before anything is allocated.
import { WgnnError } from '../errors.ts';
import { halfToFloat } from '../onnx/tensor.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { isObject } from './topology.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Bytes of one stored element. */
const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
/** No single weight may exceed this many elements (1 GiB of float32). */
/** Elements wgnn accepts in one weight of a model file: beyond it a file is taken as hostile. */
const MAX_ELEMENTS = 2 ** 28;

/** The elements of a weight of `shape`, checked against MAX_ELEMENTS before anything is allocated. */
export function checkWeightElements(where: string, shape: readonly number[]): number {
  const elements = sizeOf(shape);
  if (elements > MAX_ELEMENTS) throw new WgnnError(where, `shape ${formatShape(shape)} has ${elements} elements, more than wgnn accepts for one weight (${MAX_ELEMENTS})`);
  return elements;
}

function readSpec(where: string, w: unknown): WeightSpec {
  if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape)) throw new WgnnError(where, 'each weight needs a name and a shape');
  const shape = w.shape.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new WgnnError(where, `weight '${w.name}' has an invalid shape ${JSON.stringify(w.shape)}`);
    return d;
  });
  const dtype = typeof w.dtype === 'string' ? w.dtype : 'float32';
  const spec: WeightSpec = { name: w.name, shape, dtype };
  if (w.quantization !== undefined && w.quantization !== null) {
    const q = w.quantization;
    if (!isObject(q) || typeof q.dtype !== 'string') throw new WgnnError(where, `weight '${w.name}': quantization needs a dtype`);
    spec.quantization = { dtype: q.dtype, scale: q.scale as number | undefined, min: q.min as number | undefined };
  }
  return spec;
}

/** model.json's weightsManifest, checked. */
export function readManifest(manifest: unknown): WeightGroup[] {
  const where = 'weightsManifest';
  if (manifest === undefined || manifest === null) return [];
  if (!Array.isArray(manifest)) throw new WgnnError(where, 'must be a list of {paths, weights} groups');
  return manifest.map((g, i) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      throw new WgnnError(`${where} group ${i}`, 'needs paths (a list of file names) and weights');
    }
    return { paths: g.paths as string[], weights: g.weights.map((w) => readSpec(`${where} group ${i}`, w)) };
  });
}

/** Elements and stored bytes of one weight, after checking that its dtype and size are sane. */
function storedSize(spec: WeightSpec): { elements: number; bytes: number } {
  const where = `weight '${spec.name}'`;
  const elements = checkWeightElements(where, spec.shape);
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const per = STORED_BYTES[stored];
  if (per === undefined) throw new WgnnError(where, `dtype '${stored}' is not supported; weights may be float32, int32, bool, or quantized to uint8, uint16 or float16`);
  if (spec.quantization && spec.quantization.dtype !== 'float16') {
    const { scale, min } = spec.quantization;
    if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
      throw new WgnnError(where, `quantization to ${spec.quantization.dtype} needs a finite scale and min`);
    }
  }
  return { elements, bytes: elements * per };
}

function decode(spec: WeightSpec, bytes: Uint8Array, elements: number): Float32Array {
  // Through a DataView: a weight may start at any byte of its shard.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(elements);
  const q = spec.quantization;
  if (q?.dtype === 'float16') for (let i = 0; i < elements; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else if (q?.dtype === 'uint8') for (let i = 0; i < elements; i++) out[i] = bytes[i] * q.scale! + q.min!;
  else if (q?.dtype === 'uint16') for (let i = 0; i < elements; i++) out[i] = view.getUint16(2 * i, true) * q.scale! + q.min!;
  else if (spec.dtype === 'int32') for (let i = 0; i < elements; i++) out[i] = view.getInt32(4 * i, true);
  else if (spec.dtype === 'bool') for (let i = 0; i < elements; i++) out[i] = bytes[i] ? 1 : 0;
  else for (let i = 0; i < elements; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/**
 * Every weight of the manifest, given each group's bytes (its shards joined in order). A group
 * shorter than its weights need is an error naming the group's files and both byte counts.
 */
export function decodeWeights(groups: WeightGroup[], groupBytes: Uint8Array[]): NamedWeight[] {
  const out: NamedWeight[] = [];
  groups.forEach((group, g) => {
    const sizes = group.weights.map(storedSize);
    const needed = sizes.reduce((n, s) => n + s.bytes, 0);
    const bytes = groupBytes[g];
    if (!bytes || bytes.byteLength < needed) {
      throw new WgnnError(
        `weights group ${g} (${group.paths.join(', ') || 'in memory'})`,
        `holds ${bytes?.byteLength ?? 0} bytes but its ${group.weights.length} weights need ${needed}: the shard files are truncated or do not belong to this model.json`,
      );
    }
    let offset = 0;
    group.weights.forEach((spec, i) => {
      out.push({ name: spec.name, shape: spec.shape, data: decode(spec, bytes.subarray(offset, offset + sizes[i].bytes), sizes[i].elements) });
      offset += sizes[i].bytes;
    });
  });
  return out;
}

/** Stored bytes of each group, for splitting one buffer that holds every group's shards in order. */
export function groupByteLengths(groups: WeightGroup[]): number[] {
  return groups.map((g) => g.weights.reduce((n, w) => n + storedSize(w).bytes, 0));
}
