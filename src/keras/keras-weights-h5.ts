// Weights out of Keras HDF5 files, read with jsfive (a maintained pure-JavaScript HDF5 reader,
// public domain, ~190 kB unminified with its own inflate; loaded only when a Keras file is read):
//   - Keras 3's model.weights.h5 (inside a .keras zip): one group per saveable object at the path
//     Keras's saving walk gives it (src/keras/saving-paths.ts), its variables in "vars" as datasets
//     "0", "1", ... in the layer's variable order;
//   - legacy Keras 2 .h5 files (model.save('x.h5')): the config as the root attribute model_config,
//     weights under model_weights/<layer>/ with the layer group's weight_names attribute listing
//     them ("lstm/lstm_cell/kernel:0") in order.
import type { Dataset, File, Group } from 'jsfive';
import { WgnnError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import { checkWeightElements, type NamedWeight } from './weights-manifest.ts';

/** No dataset may hold more elements than this (1 GiB of float32). */
const FLOAT_DTYPES = new Set(['<f4', '<f8', '<f2', '<i4', '<i8', '<i2', '|i1', '|u1', '<u2', '<u4']);

export async function openH5(where: string, bytes: Uint8Array): Promise<File> {
  const { File: H5File } = await import('jsfive');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    return new H5File(buffer, where);
  } catch (error) {
    throw new WgnnError(where, `is not a readable HDF5 file (${String((error as Error)?.message ?? error)})`);
  }
}

/** The object at `path`, or undefined where the file has none. */
function h5Get(file: Group, path: string): Group | Dataset | undefined {
  try {
    return file.get(path);
  } catch {
    return undefined;
  }
}

/** jsfive's datasets have a shape; its groups do not. */
const isDataset = (x: unknown): x is Dataset => typeof x === 'object' && x !== null && 'shape' in x;

/** A dataset's values as float32, after checking its dtype and size against sane limits. */
function readDataset(where: string, x: Group | Dataset | undefined): { shape: number[]; data: Float32Array } {
  if (!x || !isDataset(x)) throw new WgnnError(where, 'is missing or not a dataset');
  const shape = [...(x.shape ?? [])];
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new WgnnError(where, `has an invalid shape ${JSON.stringify(shape)}`);
  const elements = checkWeightElements(where, shape);
  if (typeof x.dtype !== 'string' || !FLOAT_DTYPES.has(x.dtype)) throw new WgnnError(where, `dtype ${JSON.stringify(x.dtype)} is not a numeric type wgnn reads`);
  let values: ArrayLike<number>;
  try {
    values = x.value;
  } catch (error) {
    throw new WgnnError(where, `could not be read (${String((error as Error)?.message ?? error)}): the file is truncated or corrupt`);
  }
  if (!values || values.length !== elements) throw new WgnnError(where, `holds ${values?.length ?? 0} values, its shape ${formatShape(shape)} needs ${elements}`);
  return { shape, data: Float32Array.from(values) };
}

/** The datasets "0", "1", ... of a Keras 3 vars group, in order (empty where the group is absent). */
export function readVars(file: Group, path: string): { shape: number[]; data: Float32Array }[] {
  const group = h5Get(file, path);
  if (!group || isDataset(group)) return [];
  const names = (group as Group).keys.filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  return names.map((n, i) => {
    if (Number(n) !== i) throw new WgnnError(`${path}`, `variables ${names.join(', ')} are not numbered 0..${names.length - 1}`);
    return readDataset(`${path}/${n}`, h5Get(file, `${path}/${n}`));
  });
}

const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : x instanceof Uint8Array ? new TextDecoder().decode(x) : undefined);
/** Fixed-length string arrays come back padded with NULs (numpy 'S' arrays, as Keras writes them). */
const textList = (x: unknown): string[] => (Array.isArray(x) ? x.map((v) => (text(v) ?? String(v)).replace(/\0+$/, '')) : []);

/** A legacy Keras 2 .h5 file: its model config, Keras version and every weight by name. */
export function readLegacyH5(where: string, file: File): { config: unknown; kerasVersion: string; weights: NamedWeight[] } {
  const configText = text(file.attrs.model_config);
  if (!configText) {
    throw new WgnnError(where, file.attrs.layer_names ? 'holds weights only (save_weights), no model config: build the model in wgnn and load them by name' : 'has no model_config attribute: it is not a Keras model file');
  }
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (error) {
    throw new WgnnError(where, `its model_config is not valid JSON (${(error as Error).message})`);
  }
  const root = h5Get(file, 'model_weights');
  const group = root && !isDataset(root) ? (root as Group) : file;
  const weights: NamedWeight[] = [];
  for (const layer of textList(group.attrs.layer_names)) {
    const layerGroup = h5Get(group, layer) as Group | undefined;
    if (!layerGroup) throw new WgnnError(where, `lists layer '${layer}' in layer_names but has no group for it`);
    for (const name of textList(layerGroup.attrs.weight_names)) {
      const { shape, data } = readDataset(`${where}: model_weights/${layer}/${name}`, h5Get(layerGroup, name));
      // Prefixed with the layer group, so that a weight named without its layer still matches by parts.
      weights.push({ name: name.split('/')[0] === layer ? name : `${layer}/${name}`, shape, data });
    }
  }
  return { config, kerasVersion: text(file.attrs.keras_version) ?? '2', weights };
}
