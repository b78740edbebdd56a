// A Keras model config (what `model.to_json()` writes and TF.js's model.json carries as
// modelTopology) read into one plain form, whichever writer made it:
//   - Keras 2 / tf.keras and tfjs-layers: inbound_nodes as [[[layer, node, tensor, kwargs], ...]],
//     input shapes as batch_input_shape, dtypes as strings;
//   - Keras 3: inbound_nodes as [{args, kwargs}] holding "__keras_tensor__" objects whose
//     keras_history is [layer, node, tensor], input shapes as batch_shape, dtypes as DTypePolicy
//     objects, a single model input or output written as a bare [layer, node, tensor];
//   - old tfjs-layers Sequential configs, whose config is the list of layers itself.
// Nested models (a Sequential or Functional used as a layer) stay nested: ModelSpec.layers may
// hold another ModelSpec.
import { WgnnError } from '../errors.ts';

export type Config = Record<string, unknown>;

/** Output `tensor` of call `node` of layer `layer`. */
export interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
}

export interface LayerSpec {
  className: string;
  name: string;
  config: Config;
  /** One entry per call of the layer (functional models): the tensors it was called on. */
  inbound: TensorRef[][];
  /** Set when the layer is itself a model. */
  model?: ModelSpec;
}

export interface ModelSpec {
  kind: 'sequential' | 'functional';
  name: string;
  layers: LayerSpec[];
  /** Functional models: the model's inputs and outputs. */
  inputs: TensorRef[];
  outputs: TensorRef[];
  /** Sequential models: the input shape with the batch dim, where the config gives one outside an InputLayer. */
  batchInputShape?: (number | null)[];
  /** The Keras major version that wrote the config (2 for tf.keras and tfjs-layers). */
  kerasMajor: number;
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

export const isObject = (x: unknown): x is Config => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A wgnn weight key as Keras names the weight: recurrentKernel -> recurrent_kernel. */
export const kerasWeightName = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The Keras major version from a topology's keras_version ("2.15.0", "3.4.1", "tfjs-layers 4.22.0"). */
export function kerasMajorVersion(topology: Config): number {
  const version = typeof topology.keras_version === 'string' ? topology.keras_version : '';
  const match = /^(\d+)\./.exec(version);
  return match ? Number(match[1]) : 2;
}

/** Reads a model config ({class_name, config}) into a ModelSpec; `where` names it in errors. */
export function readModelConfig(where: string, entry: unknown, kerasMajor: number): ModelSpec {
  if (!isObject(entry) || typeof entry.class_name !== 'string') throw new WgnnError(where, 'the model config must be an object with a class_name');
  const className = entry.class_name;
  if (!MODEL_CLASSES.has(className)) throw new WgnnError(where, `the model's class_name is '${className}'; a layers model is a Sequential, Functional or Model`);
  const config = entry.config;
  // tfjs-layers before 1.0 wrote a Sequential's config as the list of its layers.
  const layerList = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layerList)) throw new WgnnError(where, `the ${className} config has no list of layers`);
  const name = isObject(config) && typeof config.name === 'string' ? config.name : className.toLowerCase();
  const sequential = className === 'Sequential';
  const layers = layerList.map((layer, i) => readLayer(`${name}, layer ${i}`, layer, sequential, kerasMajor));
  const spec: ModelSpec = { kind: sequential ? 'sequential' : 'functional', name, layers, inputs: [], outputs: [], kerasMajor };
  if (sequential) {
    const build = isObject(config) ? (config.build_input_shape ?? undefined) : undefined;
    const first = layers[0]?.config;
    const shape = first?.batch_input_shape ?? first?.batch_shape ?? build;
    if (shape !== undefined && shape !== null) spec.batchInputShape = readShape(`${name}, layer ${layers[0]?.name ?? 0}`, shape);
  } else {
    const c = config as Config;
    spec.inputs = readRefList(`${name}: input_layers`, c.input_layers);
    spec.outputs = readRefList(`${name}: output_layers`, c.output_layers);
  }
  return spec;
}

function readLayer(where: string, entry: unknown, sequential: boolean, kerasMajor: number): LayerSpec {
  if (!isObject(entry) || typeof entry.class_name !== 'string') throw new WgnnError(where, 'each layer must be an object with a class_name and a config');
  const config = isObject(entry.config) ? entry.config : {};
  const name = typeof config.name === 'string' ? config.name : typeof entry.name === 'string' ? entry.name : undefined;
  if (!name) throw new WgnnError(where, `the ${entry.class_name} layer has no name`);
  const inbound = sequential ? [] : readInboundNodes(`layer '${name}' (${entry.class_name}): inbound_nodes`, entry.inbound_nodes);
  const spec: LayerSpec = { className: entry.class_name, name, config, inbound };
  if (MODEL_CLASSES.has(entry.class_name)) spec.model = readModelConfig(`layer '${name}'`, { class_name: entry.class_name, config }, kerasMajor);
  return spec;
}

function readRef(where: string, x: unknown): TensorRef {
  if (!Array.isArray(x) || typeof x[0] !== 'string' || !Number.isInteger(x[1]) || !Number.isInteger(x[2])) {
    throw new WgnnError(where, `expected [layer name, node index, tensor index], got ${JSON.stringify(x)?.slice(0, 120)}`);
  }
  return { layer: x[0], node: x[1] as number, tensor: x[2] as number };
}

/** [[layer, node, tensor], ...], or Keras 3's bare [layer, node, tensor] for one. */
function readRefList(where: string, x: unknown): TensorRef[] {
  if (!Array.isArray(x) || x.length === 0) throw new WgnnError(where, 'missing or empty');
  if (typeof x[0] === 'string') return [readRef(where, x)];
  return x.map((r) => readRef(where, r));
}

function readInboundNodes(where: string, nodes: unknown): TensorRef[][] {
  if (nodes === undefined || nodes === null) return [];
  if (!Array.isArray(nodes)) throw new WgnnError(where, 'must be a list');
  return nodes.map((node, i) => {
    // Keras 3: {args, kwargs} with __keras_tensor__ objects anywhere inside args.
    if (isObject(node)) {
      const refs: TensorRef[] = [];
      collectKerasTensors(`${where} ${i}`, node.args, refs);
      const inKwargs: TensorRef[] = [];
      collectKerasTensors(`${where} ${i}`, node.kwargs, inKwargs);
      if (inKwargs.length) throw new WgnnError(where, `call ${i} passes tensors as keyword arguments (${inKwargs.map((r) => r.layer).join(', ')}: initial states or masks), which wgnn does not support`);
      return refs;
    }
    // Keras 2: [[layer, node, tensor, kwargs], ...].
    if (!Array.isArray(node)) throw new WgnnError(where, `call ${i} must be a list of inputs or an {args, kwargs} object`);
    return node.map((r) => {
      if (Array.isArray(r) && isObject(r[3]) && Object.values(r[3]).some((v) => Array.isArray(v) && typeof v[0] === 'string')) {
        throw new WgnnError(where, `call ${i} passes tensors as keyword arguments (initial states or masks), which wgnn does not support`);
      }
      return readRef(`${where} ${i}`, r);
    });
  });
}

function collectKerasTensors(where: string, x: unknown, out: TensorRef[]): void {
  if (Array.isArray(x)) {
    for (const item of x) collectKerasTensors(where, item, out);
  } else if (isObject(x)) {
    if (x.class_name === '__keras_tensor__') {
      const config = isObject(x.config) ? x.config : {};
      out.push(readRef(`${where}: keras_history`, config.keras_history));
    } else {
      for (const v of Object.values(x)) collectKerasTensors(where, v, out);
    }
  }
}

/** A shape list with null (or -1) for open dims; rejects anything else. */
export function readShape(where: string, x: unknown): (number | null)[] {
  if (!Array.isArray(x)) throw new WgnnError(where, `a shape must be a list, got ${JSON.stringify(x)}`);
  return x.map((d) => {
    if (d === null || d === -1) return null;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 2 ** 31 - 1) throw new WgnnError(where, `shape ${JSON.stringify(x)} has an invalid dim ${JSON.stringify(d)}`);
    return d;
  });
}

/** A dtype from a string, or from Keras 3's DTypePolicy object ({config: {name}}). */
export function readDtype(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (isObject(x) && isObject(x.config) && typeof x.config.name === 'string') return x.config.name;
  return undefined;
}
