// loadLayersModel: a TF.js layers model (model.json + binary weight shards, as tfjs-layers'
// model.save and the tensorflowjs converter write it) as a wgnn Model. The model.json comes from
// a URL, from File objects (a page's file input: model.json and its shards), from parts already
// in memory, or from TF.js's own ModelArtifacts (what tf.io.withSaveHandler is given); in Node,
// also from a path (wgnn/node). Its modelTopology is a Keras config (./topology.ts), built into
// layers (./build.ts) whose weights are then found by name (./assign-weights.ts).
import { WgnnError } from '../errors.ts';
import type { Model } from '../model/model.ts';
import { assignWeights } from './assign-weights.ts';
import { buildModel } from './build.ts';
import { isObject, kerasMajorVersion, readModelConfig } from './topology.ts';
import { decodeWeights, groupByteLengths, readManifest, type WeightGroup } from './weights-manifest.ts';

type Bytes = ArrayBuffer | ArrayBufferView;

/** A TF.js layers model already in memory. */
export interface LayersModelParts {
  /** model.json, parsed or as text. */
  modelJson: unknown;
  /** The shards: one buffer holding them all in manifest order, or each by its manifest path. */
  weights?: Bytes | Record<string, Bytes>;
}

/** TF.js's io.ModelArtifacts (the part wgnn reads): what a TF.js save handler receives. */
export interface ModelArtifactsLike {
  modelTopology: unknown;
  weightSpecs?: unknown[];
  weightData?: ArrayBuffer | ArrayBuffer[];
}

export type LayersModelSource = string | URL | LayersModelParts | ModelArtifactsLike | File[] | FileList;

export interface LoadLayersModelOptions {
  /** The fetch to read URLs with (default: globalThis.fetch). */
  fetch?: typeof fetch;
}

const toBytes = (b: Bytes): Uint8Array => (b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

/** The chunks end to end in one array (the chunk itself when there is one). */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function parseJson(where: string, text: unknown): Record<string, unknown> {
  let json = text;
  if (typeof text === 'string') {
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new WgnnError(where, `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(json)) throw new WgnnError(where, 'must be a JSON object with a modelTopology');
  return json;
}

/** A parsed model.json and each weight group's bytes, as a wgnn Model. */
function layersModelFromJson(json: Record<string, unknown>, groupBytes: (groups: WeightGroup[]) => Uint8Array[]): Model {
  const where = 'model.json';
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new WgnnError(where, `format '${String(json.format)}' is not a layers model${json.format === 'graph-model' ? ' (a TF.js graph model is a TensorFlow graph, not Keras layers: export the Keras model, or convert it to ONNX for loadOnnx)' : ''}`);
  }
  let topology = json.modelTopology;
  if (!isObject(topology)) throw new WgnnError(where, 'has no modelTopology');
  // Converted Keras HDF5 files nest the config as model_config (with training_config beside it).
  const kerasMajor = kerasMajorVersion(topology);
  if (isObject(topology.model_config)) topology = topology.model_config;
  const spec = readModelConfig('modelTopology', topology, kerasMajor);
  const groups = readManifest(json.weightsManifest);
  const { model, placed } = buildModel(spec);
  assignWeights(placed, decodeWeights(groups, groupBytes(groups)));
  return model;
}

/** Splits one buffer holding every group's shards, in order, into the groups' bytes. */
function splitGroups(all: Uint8Array, groups: WeightGroup[]): Uint8Array[] {
  let at = 0;
  return groupByteLengths(groups).map((n) => {
    const part = all.subarray(at, Math.min(at + n, all.byteLength));
    at += n;
    return part;
  });
}

function fromParts(parts: LayersModelParts): Model {
  const json = parseJson('modelJson', parts.modelJson);
  const weights = parts.weights;
  return layersModelFromJson(json, (groups) => {
    if (weights === undefined) return groups.map(() => new Uint8Array(0));
    if (weights instanceof ArrayBuffer || ArrayBuffer.isView(weights)) return splitGroups(toBytes(weights), groups);
    return groups.map((g) =>
      concatBytes(
        g.paths.map((p) => {
          const shard = weights[p];
          if (!shard) throw new WgnnError('weights', `shard '${p}' of the manifest is missing; given: ${Object.keys(weights).join(', ') || 'none'}`);
          return toBytes(shard);
        }),
      ),
    );
  });
}

function fromArtifacts(a: ModelArtifactsLike): Model {
  const data = a.weightData === undefined ? new Uint8Array(0) : Array.isArray(a.weightData) ? concatBytes(a.weightData.map((b) => new Uint8Array(b))) : new Uint8Array(a.weightData);
  return fromParts({ modelJson: { modelTopology: a.modelTopology, weightsManifest: [{ paths: [], weights: a.weightSpecs ?? [] }] }, weights: data });
}

/** A model.json whose shards are read by path (relative to it) with `readShard`. */
export async function layersModelFromShards(where: string, text: unknown, readShard: (path: string) => Promise<Uint8Array>): Promise<Model> {
  const json = parseJson(where, text);
  const paths = [...new Set(readManifest(json.weightsManifest).flatMap((g) => g.paths))];
  const shards = new Map(await Promise.all(paths.map(async (p) => [p, await readShard(p)] as const)));
  return layersModelFromJson(json, (groups) => groups.map((g) => concatBytes(g.paths.map((p) => shards.get(p)!))));
}

/** fetch(url), or an error naming the URL and the HTTP status where the response is not ok. */
export async function fetchOk(where: string, url: string, fetchFn: typeof fetch): Promise<Response> {
  const response = await fetchFn(url);
  if (!response.ok) throw new WgnnError(where, `fetching ${url} failed: HTTP ${response.status} ${response.statusText}`);
  return response;
}

async function fromUrl(url: string, fetchFn: typeof fetch): Promise<Model> {
  const get = (u: string) => fetchOk('loadLayersModel', u, fetchFn);
  const base = new URL(url, globalThis.location?.href);
  return layersModelFromShards(url, await (await get(base.href)).text(), async (p) => new Uint8Array(await (await get(new URL(p, base).href)).arrayBuffer()));
}

async function fromFiles(files: File[]): Promise<Model> {
  const jsons = files.filter((f) => f.name.endsWith('.json'));
  if (jsons.length !== 1) throw new WgnnError('loadLayersModel', `needs exactly one .json file among the files, got ${jsons.length} (${files.map((f) => f.name).join(', ')})`);
  const byName = new Map(files.map((f) => [f.name, f]));
  return layersModelFromShards(jsons[0].name, await jsons[0].text(), async (p) => {
    const file = byName.get(p.split('/').pop()!);
    if (!file) throw new WgnnError('loadLayersModel', `the weight shard '${p}' named in ${jsons[0].name} is not among the files (${files.map((f) => f.name).join(', ')})`);
    return new Uint8Array(await file.arrayBuffer());
  });
}

const isFileList = (x: unknown): x is File[] | FileList =>
  (Array.isArray(x) && x.length > 0 && typeof (x[0] as File)?.arrayBuffer === 'function' && typeof (x[0] as File)?.name === 'string') ||
  (typeof FileList !== 'undefined' && x instanceof FileList);

/**
 * A TF.js layers model (model.json and its weight shards) as a wgnn Model, ready for
 * engine.compile. Keras 2 and 3 configs, Sequential and functional, nested models; quantized
 * weights are dequantized. Layers wgnn does not know are an error naming them (see
 * registerKerasLayer).
 */
export async function loadLayersModel(source: LayersModelSource, options: LoadLayersModelOptions = {}): Promise<Model> {
  if (typeof source === 'string' || source instanceof URL) {
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (!fetchFn) throw new WgnnError('loadLayersModel', 'no fetch in this runtime; pass options.fetch, or the model in memory');
    return fromUrl(String(source), fetchFn);
  }
  if (isFileList(source)) return fromFiles(Array.from(source));
  if (isObject(source) && 'modelJson' in source) return fromParts(source as LayersModelParts);
  if (isObject(source) && 'modelTopology' in source) return fromArtifacts(source as ModelArtifactsLike);
  throw new WgnnError('loadLayersModel', 'source must be a URL, File objects, {modelJson, weights}, or TF.js ModelArtifacts');
}
