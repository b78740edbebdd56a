// saveLayersModel: a wgnn Model, trained or not, as a TF.js layers model (model.json + one
// weight shard) that tf.loadLayersModel reads, and that loadLayersModel reads back. The topology
// is written as a functional model in the Keras 2 config form (what tfjs-layers and tf.keras
// read): an InputLayer per model input, then each layer's {class_name, config} (Layer.kerasConfig)
// with the tensors it was applied to. Weights are float32, named as TF.js names them when it
// builds the same layers: "<layer>/<weight>", a Bidirectional's "<layer>/forward_lstm/kernel".
import { WgnnError } from '../errors.ts';
import type { ValueId } from '../graph/ir.ts';
import type { Layer } from '../model/layers/layer.ts';
import { concatBytes } from './load-layers-model.ts';
import { kerasWeightName } from './topology.ts';
import type { Model } from '../model/model.ts';

export interface SavedLayersModel {
  /** model.json's contents. */
  modelJson: Record<string, unknown>;
  /** The weight shard by the path model.json gives it. */
  weights: Record<string, Uint8Array>;
}

export interface SaveLayersModelOptions {
  /** The shard's file name, relative to model.json (default 'weights.bin'). */
  weightsPath?: string;
}

/** Keras 3 refuses '/' in layer names (wgnn names a nested model's layers "<model>/<layer>"). */
const kerasName = (name: string) => name.replaceAll('/', '_');

/** A layer's config with its names (and a wrapped layer's) in Keras's form. */
function renamed(c: { class_name: string; config: Record<string, unknown> }): { class_name: string; config: Record<string, unknown> } {
  const config = { ...c.config };
  if (typeof config.name === 'string') config.name = kerasName(config.name);
  const inner = config.layer as { class_name: string; config: Record<string, unknown> } | undefined;
  if (inner && typeof inner === 'object') config.layer = renamed(inner);
  return { class_name: c.class_name, config };
}

/** A weight key of `layer` (kernel, recurrentKernel, forward/kernel) as TF.js names it under the layer. */
function weightPath(layer: Layer, key: string): string {
  return layer.kerasWeightPath(key).split('/').map(kerasWeightName).join('/');
}

export function saveLayersModel(model: Model, options: SaveLayersModelOptions = {}): SavedLayersModel {
  const weightsPath = options.weightsPath ?? 'weights.bin';
  const producers = new Map<ValueId, [string, number, number]>();
  const layers: Record<string, unknown>[] = [];
  for (const input of model.inputs) {
    const name = kerasName(input.name);
    producers.set(input.id, [name, 0, 0]);
    layers.push({ class_name: 'InputLayer', name, inbound_nodes: [], config: { name, batch_input_shape: [...input.shape], dtype: input.dtype, sparse: false } });
  }
  const saved = model.layers.filter((l) => !l.wrapper);
  const names = new Set(layers.map((l) => l.name));
  for (const layer of saved) {
    const name = kerasName(layer.name!);
    if (names.has(name)) throw new WgnnError(layer.name!, `another layer or input is also named '${name}' in Keras's form; Keras needs them apart`);
    names.add(name);
    const inbound = layer.inboundIds.map((id) => {
      const from = producers.get(id);
      if (!from) throw new WgnnError(name, `its input '${model.snapshot().values[id]?.name}' is not a model input or a layer's output, so Keras cannot express it`);
      return [...from, {}];
    });
    const { class_name, config } = renamed(layer.kerasConfig());
    layers.push({ class_name, name, config, inbound_nodes: [inbound] });
    layer.outboundIds.forEach((id, i) => producers.set(id, [name, 0, i]));
  }
  const ref = (id: ValueId) => {
    const r = producers.get(id);
    if (!r) throw new WgnnError(model.name, 'an output is not a layer output, so Keras cannot express it');
    return r;
  };

  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const chunks: Float32Array[] = [];
  for (const layer of saved) {
    const shapes = layer.weightShapes();
    for (const [key, data] of Object.entries(layer.getWeights())) {
      specs.push({ name: `${kerasName(layer.name!)}/${weightPath(layer, key)}`, shape: shapes[key], dtype: 'float32' });
      chunks.push(data);
    }
  }
  const bytes = concatBytes(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));

  const modelJson = {
    format: 'layers-model',
    generatedBy: 'wgnn',
    convertedBy: null,
    modelTopology: {
      class_name: 'Functional',
      // Keras 2 config forms; tfjs-layers reads them, and so does loadLayersModel.
      keras_version: '2.15.0',
      backend: 'tensor_flow.js',
      config: { name: model.name, layers, input_layers: model.inputs.map((t) => ref(t.id)), output_layers: model.outputs.map((t) => ref(t.id)) },
    },
    weightsManifest: [{ paths: [weightsPath], weights: specs }],
  };
  return { modelJson, weights: { [weightsPath]: bytes } };
}
