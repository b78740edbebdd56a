// The classic Keras tutorial CNN for 28x28 digits, exactly as demos/training/digits.ts builds it:
// the same layers in the same order get the same names (conv2d_1 ... dense_2), so the weights that
// `npm run train:digits` writes load into it. It is built in the functional form only so that each
// layer's output shape is at hand for the page's layer table.
import { layers } from '../../src/index.ts';
import { layerRows, type DescribedModel } from '../shared/layer-table.ts';

export type DigitsModel = DescribedModel;

export function digitsModel(): DigitsModel {
  return layerRows('digits', { shape: [28, 28, 1], kind: 'grey levels in [0, 1]' }, [
    [layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }), '32 filters 3×3, ReLU'],
    [layers.maxPooling2d({ poolSize: 2 }), 'max 2×2'],
    [layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), '64 filters 3×3, ReLU'],
    [layers.maxPooling2d({ poolSize: 2 }), 'max 2×2'],
    [layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), '64 filters 3×3, ReLU'],
    [layers.flatten(), ''],
    [layers.dense({ units: 64, activation: 'relu' }), 'ReLU'],
    [layers.dense({ units: 10, activation: 'softmax' }), 'softmax'],
  ]);
}
