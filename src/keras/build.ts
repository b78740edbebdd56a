// A ModelSpec (./topology.ts) built into a wgnn Model: Sequential models apply their layers in
// order, functional ones follow each layer's inbound tensors (in whatever order the config lists
// the layers), and a nested model is built in place, its layers named "<model>/<layer>". Each
// built layer keeps its Keras path (the names of the models around it, then its own), by which
// its weights are found in the file.
import { WgnnError } from '../errors.ts';
import { GraphBuilder, type SymbolicTensor } from '../model/builder.ts';
import type { Layer } from '../model/layers/layer.ts';
import { Model } from '../model/model.ts';
import type { DType } from '../tensor-spec.ts';
import { kerasLayer } from './layers.ts';
import { readDtype, readShape, type LayerSpec, type ModelSpec, type TensorRef } from './topology.ts';

export interface PlacedLayer {
  layer: Layer;
  /** Keras names from the outermost nested model down to the layer's own. */
  path: string[];
  /** The config entry it was built from. */
  spec: LayerSpec;
}

/** The layer's weight keys a file may lack because its config turned them off (BatchNormalization without scale or center). */
export function absentKeys(p: PlacedLayer): Set<string> {
  const absent = new Set<string>();
  if (p.spec.className === 'BatchNormalization') {
    if (p.spec.config.scale === false) absent.add('gamma');
    if (p.spec.config.center === false) absent.add('beta');
  }
  return absent;
}

/** The layer as errors name it. */
export const placedName = (p: PlacedLayer): string => `layer '${p.path.join('/')}' (${p.spec.className})`;

const INPUT_DTYPES: Record<string, DType> = { float32: 'float32', float16: 'float32', float64: 'float32', int32: 'int32', int64: 'int32', int16: 'int32', int8: 'int32', uint8: 'int32' };

class Building {
  readonly builder = new GraphBuilder();
  readonly placed: PlacedLayer[] = [];
  /** Model inputs that feed an Embedding (their ids must be int32). */
  readonly idInputs = new Set<string>();
  /** The model's inputs in the order they were made (the config's order). */
  readonly inputs: SymbolicTensor[] = [];
}

/** The model's input [batch, ...] and dtype from an InputLayer config. */
function inputLayerShape(spec: LayerSpec): { shape: (number | null)[]; dtype: DType } {
  const where = `input layer '${spec.name}'`;
  const c = spec.config;
  const shape = c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.input_shape) ? [null, ...c.input_shape] : undefined);
  if (shape === undefined || shape === null) throw new WgnnError(where, 'has no batch_input_shape or batch_shape');
  return { shape: readShape(where, shape), dtype: inputDtype(where, c.dtype) };
}

function inputDtype(where: string, raw: unknown): DType {
  const name = readDtype(raw) ?? 'float32';
  const dtype = INPUT_DTYPES[name] ?? (name.startsWith('mixed') ? 'float32' : undefined);
  if (!dtype) throw new WgnnError(where, `input dtype '${name}' is not supported; use a float or integer type`);
  return dtype;
}

function makeInput(b: Building, name: string, batchShape: (number | null)[], dtype: DType): SymbolicTensor {
  if (batchShape.length < 2) throw new WgnnError(`input '${name}'`, `shape ${JSON.stringify(batchShape)} needs a batch dim and at least one more`);
  const x = b.builder.input(name, [null, ...batchShape.slice(1)], b.idInputs.has(name) ? 'int32' : dtype);
  b.inputs.push(x);
  return x;
}

function applyLayer(b: Building, spec: LayerSpec, path: string[], inputs: SymbolicTensor[], kerasMajor: number): SymbolicTensor[] {
  if (spec.model) return applyModel(b, spec.model, [...path, spec.name], inputs);
  const name = [...path, spec.name].join('/');
  const layer = kerasLayer(spec.className, spec.config, { name, kerasMajor });
  b.placed.push({ layer, path: [...path, spec.name], spec });
  return layer.applyAll(inputs.length === 1 ? inputs[0] : inputs);
}

/** Builds `spec` on `inputs` (or on fresh model inputs when none are given); returns its outputs. */
function applyModel(b: Building, spec: ModelSpec, path: string[], inputs?: SymbolicTensor[]): SymbolicTensor[] {
  return spec.kind === 'sequential' ? applySequential(b, spec, path, inputs) : applyFunctional(b, spec, path, inputs);
}

function applySequential(b: Building, spec: ModelSpec, path: string[], given?: SymbolicTensor[]): SymbolicTensor[] {
  const where = `sequential model '${spec.name}'`;
  if (spec.layers.length === 0) throw new WgnnError(where, 'has no layers');
  const layers = spec.layers[0].className === 'InputLayer' ? spec.layers.slice(1) : spec.layers;
  let x: SymbolicTensor;
  if (given) {
    if (given.length !== 1) throw new WgnnError(where, `takes one input, got ${given.length}`);
    x = given[0];
  } else {
    const first = spec.layers[0];
    const declared = first.className === 'InputLayer' ? inputLayerShape(first) : spec.batchInputShape && { shape: spec.batchInputShape, dtype: inputDtype(where, first.config.dtype) };
    if (!declared) throw new WgnnError(where, 'does not say its input shape (no InputLayer, batch_input_shape or build_input_shape); such a model cannot be built without data');
    if (layers[0]?.className === 'Embedding') b.idInputs.add('input');
    x = makeInput(b, first.className === 'InputLayer' ? first.name : 'input', declared.shape, declared.dtype);
  }
  for (const layer of layers) {
    if (layer.className === 'InputLayer') throw new WgnnError(where, `has an InputLayer ('${layer.name}') after its first layer`);
    const outputs = applyLayer(b, layer, path, [x], spec.kerasMajor);
    if (outputs.length !== 1) throw new WgnnError(`layer '${layer.name}'`, 'returns several tensors (return_state?), which a Sequential model cannot pass on');
    x = outputs[0];
  }
  return [x];
}

function applyFunctional(b: Building, spec: ModelSpec, path: string[], given?: SymbolicTensor[]): SymbolicTensor[] {
  const where = `model '${spec.name}'`;
  const known = new Map<string, SymbolicTensor>();
  // Each layer is called once here (shared layers are refused below), so a tensor is known by its
  // layer and index alone: writers number a nested model's call differently (tfjs-layers counts
  // the model's own construction as node 0, tf.keras renumbers the nodes it keeps).
  const key = (r: TensorRef) => `${r.layer}\u0000${r.tensor}`;
  const byName = new Map(spec.layers.map((l) => [l.name, l]));
  for (const l of spec.layers) if (l.className === 'Embedding') for (const r of l.inbound.flat()) if (byName.get(r.layer)?.className === 'InputLayer') b.idInputs.add(r.layer);
  if (given && given.length !== spec.inputs.length) throw new WgnnError(where, `takes ${spec.inputs.length} input(s), got ${given.length}`);
  spec.inputs.forEach((r, i) => {
    const layer = byName.get(r.layer);
    if (!layer) throw new WgnnError(where, `its input layer '${r.layer}' is not among its layers`);
    if (given) known.set(key(r), given[i]);
    else if (layer.className !== 'InputLayer') throw new WgnnError(where, `input '${r.layer}' is a ${layer.className}, not an InputLayer`);
    else {
      const { shape, dtype } = inputLayerShape(layer);
      known.set(key(r), makeInput(b, layer.name, shape, dtype));
    }
  });
  // Layers run once all their inputs exist; the config's order need not be topological.
  let pending = spec.layers.filter((l) => l.className !== 'InputLayer');
  while (pending.length) {
    const ready = pending.filter((l) => l.inbound.every((node) => node.every((r) => known.has(key(r)))));
    if (ready.length === 0) {
      const missing = pending[0].inbound.flat().find((r) => !known.has(key(r)))!;
      throw new WgnnError(`layer '${pending[0].name}'`, missing ? `its input ${missing.layer}[${missing.node}][${missing.tensor}] is never produced (a missing layer or a cycle)` : 'has no inbound nodes');
    }
    for (const layer of ready) {
      if (layer.inbound.length !== 1) {
        throw new WgnnError(`layer '${layer.name}' (${layer.className})`, `is called ${layer.inbound.length} times; shared layers (one layer applied to several inputs) are not supported`);
      }
      const outputs = applyLayer(b, layer, path, layer.inbound[0].map((r) => known.get(key(r))!), spec.kerasMajor);
      outputs.forEach((t, i) => known.set(key({ layer: layer.name, node: 0, tensor: i }), t));
    }
    pending = pending.filter((l) => !ready.includes(l));
  }
  return spec.outputs.map((r) => {
    const t = known.get(key(r));
    if (!t) throw new WgnnError(where, `output ${r.layer}[${r.node}][${r.tensor}] is not produced by any of its layers`);
    return t;
  });
}

/** The wgnn Model for a Keras model config, and each layer with its Keras path. */
export function buildModel(spec: ModelSpec): { model: Model; placed: PlacedLayer[] } {
  const b = new Building();
  const outputs = applyModel(b, spec, []);
  return { model: new Model(spec.name, b.builder, b.inputs, outputs), placed: b.placed };
}
