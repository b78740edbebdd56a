// Where Keras 3 keeps each layer's variables in model.weights.h5 (keras/src/saving/saving_lib.py):
// the saving walk names a model's layers, inside the container "layers", by their class name in
// snake_case with a counter per class in the model's layer order ("layers/dense",
// "layers/dense_1", "layers/lstm"), never by the layers' own names; a nested model's layers sit
// under its path + "/layers". A layer's own variables are in "<path>/vars"; those of objects it
// holds are under the attribute's name: an RNN's cell ("<path>/cell/vars"), a wrapper's layer
// ("<path>/layer/vars"), a Bidirectional's "forward_layer" and "backward_layer".
import type { LayerSpec, ModelSpec } from './topology.ts';

/** Keras's naming.to_snake_case: "Conv2DTranspose" -> "conv2d_transpose", "SimpleRNN" -> "simple_rnn". */
function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Each layer config of `spec` (nested models' included) with its saving path. */
export function savingPaths(spec: ModelSpec, prefix = ''): Map<LayerSpec, string> {
  const paths = new Map<LayerSpec, string>();
  const used = new Map<string, number>();
  // A Sequential's layers omit its InputLayer; a functional model's include them (harmless here:
  // the counters are per class).
  const layers = spec.kind === 'sequential' ? spec.layers.filter((l) => l.className !== 'InputLayer') : spec.layers;
  for (const layer of layers) {
    const base = kerasSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const path = `${prefix}layers/${n === undefined ? base : `${base}_${n + 1}`}`;
    paths.set(layer, path);
    if (layer.model) for (const [inner, p] of savingPaths(layer.model, `${path}/`)) paths.set(inner, p);
  }
  return paths;
}
