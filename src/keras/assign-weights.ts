// Weights from a file, by name, onto the built layers. Writers name the same weight differently:
// tfjs-layers "lstm_LSTM1/kernel", tf.keras "lstm/lstm_cell/kernel:0", a Bidirectional's
// "bidirectional/forward_lstm/lstm_cell/kernel:0", a nested model's "model/dense/kernel". So a
// weight is matched by its parts: the layer's own Keras name must be one of them, the weight's
// Keras name (a layer's `recurrentKernel` is `recurrent_kernel`) the last, and a Bidirectional
// direction's weights sit under a part starting with "forward" or "backward". Where several match,
// the one naming more of the layer's path (its enclosing models) wins; a tie is an error.
import { WgnnError } from '../errors.ts';
import { formatShape } from '../shape.ts';
import { absentKeys, placedName, type PlacedLayer } from './build.ts';
import { kerasWeightName } from './topology.ts';
import type { NamedWeight } from './weights-manifest.ts';

const parts = (name: string) => name.replace(/:\d+$/, '').split('/');

export function assignWeights(placed: PlacedLayer[], weights: NamedWeight[]): void {
  const split = weights.map((w) => ({ weight: w, parts: parts(w.name) }));
  const used = new Set<NamedWeight>();
  for (const p of placed) {
    const own = p.path[p.path.length - 1];
    const shapes = p.layer.weightShapes();
    const optional = absentKeys(p);
    const values: Record<string, Float32Array> = {};
    for (const [key, shape] of Object.entries(shapes)) {
      const keyParts = key.split('/');
      const direction = keyParts.length > 1 ? keyParts[0] : undefined;
      const kerasName = kerasWeightName(keyParts[keyParts.length - 1]);
      const candidates = split.filter(
        (w) =>
          !used.has(w.weight) &&
          w.parts[w.parts.length - 1] === kerasName &&
          w.parts.slice(0, -1).includes(own) &&
          (direction === undefined || w.parts.some((part) => part === direction || part.startsWith(`${direction}_`))),
      );
      const where = placedName(p);
      if (candidates.length === 0) {
        if (optional.has(key)) continue;
        const names = weights.map((w) => w.name);
        throw new WgnnError(where, `the file has no weight for its ${direction ? `${direction} ` : ''}'${kerasName}' (looked for a name with the part '${own}' ending in '/${kerasName}'); the file's weights: ${names.slice(0, 24).join(', ')}${names.length > 24 ? `, ... (${names.length})` : ''}`);
      }
      const score = (w: (typeof split)[number]) => p.path.filter((name) => w.parts.includes(name)).length;
      const best = Math.max(...candidates.map(score));
      const top = candidates.filter((w) => score(w) === best);
      if (top.length > 1) throw new WgnnError(where, `several weights could be its '${kerasName}': ${top.map((w) => w.weight.name).join(', ')}`);
      const found = top[0].weight;
      if (formatShape(found.shape) !== formatShape(shape)) {
        throw new WgnnError(where, `weight '${found.name}' has shape ${formatShape(found.shape)}, but the layer's ${key} is ${formatShape(shape)}`);
      }
      used.add(found);
      values[key] = found.data;
    }
    p.layer.setWeights(values);
  }
}
