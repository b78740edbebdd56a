// The classic Keras tutorial CNN for 28x28 digits, exactly as demos/training/digits.ts builds it:
// the same layers in the same order get the same names (conv2d_1 ... dense_2), so the weights that
// `npm run train:digits` writes load into it. It is built in the functional form only so that each
// layer's output shape is at hand for the page's layer table.
import { layers, model, type Layer, type Model } from '../../src/index.ts';

export interface LayerRow {
  name: string;
  /** What it does, in a few words. */
  kind: string;
  /** Without the batch dim. */
  outputShape: number[];
  params: number;
}

export interface DigitsModel {
  model: Model;
  /** One row per layer, the input first. */
  rows: LayerRow[];
  totalParams: number;
  /** The name of the softmax output in compiled.run's result. */
  outputName: string;
}

const paramsOf = (layer: Layer) => Object.values(layer.weightShapes()).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);

export function digitsModel(): DigitsModel {
  const input = layers.input({ shape: [28, 28, 1], name: 'input' });
  const stack: [Layer, string][] = [
    [layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }), '32 filters 3×3, ReLU'],
    [layers.maxPooling2d({ poolSize: 2 }), 'max 2×2'],
    [layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), '64 filters 3×3, ReLU'],
    [layers.maxPooling2d({ poolSize: 2 }), 'max 2×2'],
    [layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), '64 filters 3×3, ReLU'],
    [layers.flatten(), ''],
    [layers.dense({ units: 64, activation: 'relu' }), 'ReLU'],
    [layers.dense({ units: 10, activation: 'softmax' }), 'softmax'],
  ];
  const rows: LayerRow[] = [{ name: input.name, kind: 'grey levels in [0, 1]', outputShape: [28, 28, 1], params: 0 }];
  let x = input;
  for (const [layer, kind] of stack) {
    x = layer.apply(x);
    rows.push({ name: layer.name!, kind, outputShape: x.shape.slice(1) as number[], params: paramsOf(layer) });
  }
  const built = model({ inputs: input, outputs: x, name: 'digits' });
  return { model: built, rows, totalParams: rows.reduce((n, r) => n + r.params, 0), outputName: x.name };
}
