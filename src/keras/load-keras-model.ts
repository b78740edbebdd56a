// loadKerasModel: a Keras 3 `.keras` file (a zip of config.json, metadata.json and
// model.weights.h5) or a legacy Keras 2 `.h5` file, as a wgnn Model. The config is read as
// loadLayersModel reads one (./topology.ts, ./build.ts). Keras 3's weights are found by Keras's
// saving paths (./saving-paths.ts), legacy ones by their names (./assign-weights.ts).
// Libraries: fflate for the zip (maintained, MIT, ~8 kB for unzipping) and jsfive for HDF5
// (./keras-weights-h5.ts); both are imported only when this function runs, so pages that never
// read a Keras file do not load them. The files are untrusted: the zip's entries are size-checked
// before they are inflated (a declared size past the limits, or a compression ratio no real
// weights reach, is refused as a zip bomb), and every dataset's size before it is read.
import type { Group } from 'jsfive';
import { WgnnError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import type { Model } from '../model/model.ts';
import { RecurrentLayer } from '../model/layers/recurrent.ts';
import { TimeDistributed } from '../model/layers/wrappers.ts';
import { assignWeights } from './assign-weights.ts';
import { absentKeys, buildModel, placedName, type PlacedLayer } from './build.ts';
import { openH5, readLegacyH5, readVars } from './keras-weights-h5.ts';
import { fetchOk } from './load-layers-model.ts';
import { savingPaths } from './saving-paths.ts';
import { isObject, kerasMajorVersion, readModelConfig } from './topology.ts';

export type KerasModelSource = string | URL | ArrayBuffer | ArrayBufferView | Blob;

export interface LoadKerasModelOptions {
  /** The fetch to read URLs with (default: globalThis.fetch). */
  fetch?: typeof fetch;
}

const MAX_CONFIG_BYTES = 64 * 2 ** 20;
const MAX_WEIGHTS_BYTES = 2 ** 31;
/** Deflate cannot compress by more than ~1032:1; real weights come nowhere near. */
const MAX_RATIO = 1000;
const WANTED = ['config.json', 'metadata.json', 'model.weights.h5', 'model.weights.npz'];

function unzipKeras(bytes: Uint8Array, unzipSync: typeof import('fflate').unzipSync): Record<string, Uint8Array> {
  const where = '.keras file';
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        if (!WANTED.includes(file.name)) return false;
        const limit = file.name.endsWith('.json') ? MAX_CONFIG_BYTES : MAX_WEIGHTS_BYTES;
        if (file.originalSize > limit) throw new WgnnError(where, `entry ${file.name} declares ${file.originalSize} bytes, past the limit of ${limit}`);
        if (file.originalSize > 1024 * 1024 && file.originalSize > file.size * MAX_RATIO) throw new WgnnError(where, `entry ${file.name} would inflate ${file.size} bytes to ${file.originalSize} (a zip bomb?)`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof WgnnError) throw error;
    throw new WgnnError(where, `is not a readable zip archive (${(error as Error).message})`);
  }
  return files;
}

/** The keys of `layer` that a Keras 3 group path holds, in Keras's variable order. */
function varGroups(p: PlacedLayer, path: string): [string, string[]][] {
  const absent = absentKeys(p);
  const keys = Object.keys(p.layer.weightShapes()).filter((k) => !absent.has(k));
  if (p.layer instanceof RecurrentLayer && p.layer.mergeMode !== undefined) {
    return (['forward', 'backward'] as const).map((d) => [`${path}/${d}_layer/cell/vars`, keys.filter((k) => k.startsWith(`${d}/`))]);
  }
  if (p.layer instanceof RecurrentLayer) return [[`${path}/cell/vars`, keys]];
  if (p.layer instanceof TimeDistributed) return [[`${path}/layer/${p.layer.layer instanceof RecurrentLayer ? 'cell/' : ''}vars`, keys]];
  return [[`${path}/vars`, keys]];
}

function assignByPaths(file: Group, placed: PlacedLayer[], paths: Map<unknown, string>): void {
  for (const p of placed) {
    const path = paths.get(p.spec);
    if (path === undefined) continue;
    const values: Record<string, Float32Array> = {};
    const shapes = p.layer.weightShapes();
    const where = placedName(p);
    for (const [group, keys] of varGroups(p, path)) {
      const vars = readVars(file, group);
      if (vars.length !== keys.length) {
        throw new WgnnError(where, `model.weights.h5 has ${vars.length} variables at ${group}, the layer needs ${keys.length} (${keys.join(', ') || 'none'})`);
      }
      keys.forEach((key, i) => {
        if (formatShape(vars[i].shape) !== formatShape(shapes[key])) throw new WgnnError(where, `${group}/${i} has shape ${formatShape(vars[i].shape)}, but the layer's ${key} is ${formatShape(shapes[key])}`);
        values[key] = vars[i].data;
      });
    }
    p.layer.setWeights(values);
  }
}

async function fromKeras3(bytes: Uint8Array): Promise<Model> {
  const { unzipSync } = await import('fflate');
  const files = unzipKeras(bytes, unzipSync);
  if (!files['config.json']) throw new WgnnError('.keras file', 'has no config.json');
  if (!files['model.weights.h5']) throw new WgnnError('.keras file', files['model.weights.npz'] ? "stores its weights as npz (weights_format='npz'); save it with the default h5 weights" : 'has no model.weights.h5');
  const parse = (name: string) => {
    try {
      return JSON.parse(new TextDecoder().decode(files[name]));
    } catch (error) {
      throw new WgnnError(`.keras file: ${name}`, `is not valid JSON (${(error as Error).message})`);
    }
  };
  const metadata = files['metadata.json'] ? parse('metadata.json') : {};
  const kerasMajor = isObject(metadata) && typeof metadata.keras_version === 'string' ? kerasMajorVersion(metadata) : 3;
  const spec = readModelConfig('config.json', parse('config.json'), kerasMajor);
  const { model, placed } = buildModel(spec);
  assignByPaths(await openH5('model.weights.h5', files['model.weights.h5']), placed, savingPaths(spec));
  return model;
}

async function fromLegacyH5(bytes: Uint8Array): Promise<Model> {
  const { config, kerasVersion, weights } = readLegacyH5('.h5 file', await openH5('.h5 file', bytes));
  const spec = readModelConfig('.h5 file: model_config', config, kerasMajorVersion({ keras_version: kerasVersion }));
  const { model, placed } = buildModel(spec);
  assignWeights(placed, weights);
  return model;
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** A .keras or legacy .h5 file's bytes as a wgnn Model (the format is told by the bytes, not the name). */
export async function kerasModelFromBytes(bytes: Uint8Array): Promise<Model> {
  if (startsWith(bytes, ZIP)) return fromKeras3(bytes);
  if (startsWith(bytes, HDF5)) return fromLegacyH5(bytes);
  throw new WgnnError('loadKerasModel', 'the file is neither a .keras archive (zip) nor a Keras .h5 file (HDF5)');
}

/**
 * A Keras model file as a wgnn Model, ready for engine.compile: Keras 3's `.keras` or a legacy
 * Keras 2 `.h5`, from a URL, a File or Blob, or bytes (in Node, also a path: wgnn/node).
 */
export async function loadKerasModel(source: KerasModelSource, options: LoadKerasModelOptions = {}): Promise<Model> {
  if (typeof source === 'string' || source instanceof URL) {
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (!fetchFn) throw new WgnnError('loadKerasModel', 'no fetch in this runtime; pass options.fetch, or the file as bytes');
    const response = await fetchOk('loadKerasModel', String(source), fetchFn);
    return kerasModelFromBytes(new Uint8Array(await response.arrayBuffer()));
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return kerasModelFromBytes(new Uint8Array(await source.arrayBuffer()));
  if (source instanceof ArrayBuffer) return kerasModelFromBytes(new Uint8Array(source));
  if (ArrayBuffer.isView(source)) return kerasModelFromBytes(new Uint8Array(source.buffer, source.byteOffset, source.byteLength));
  throw new WgnnError('loadKerasModel', 'source must be a URL, a File or Blob, or the file as bytes');
}
