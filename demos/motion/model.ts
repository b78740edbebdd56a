// The motion classifier, exactly as demos/training/motion.ts trains it: the same small CNN on
// every frame (TimeDistributed conv / pool / conv / pool / flatten: the time axis folds into the
// batch), an LSTM across the T frames, and a dense softmax over the nine motions. The layers are
// named, so the weights that `npm run train:motion` writes load by name. The functional form is
// only there so that each layer's output shape is at hand for the page's layer table.
import { layers, type Layer } from '../../src/index.ts';
import { layerRows, type DescribedModel } from '../shared/layer-table.ts';
import { CLASSES, SIZE, T } from './clips.ts';

export type MotionModel = DescribedModel;

/** LSTM units. */
export const UNITS = 32;

const perFrame = (layer: Layer, name: string) => layers.timeDistributed(layer, { name });

export function motionModel(): MotionModel {
  return layerRows('motion', { shape: [T, SIZE, SIZE, 1], kind: `${T} grey frames` }, [
    [perFrame(layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), 'frame_conv'), 'per frame: 8 filters 3×3, stride 2, ReLU'],
    [perFrame(layers.maxPooling2d({ poolSize: 2 }), 'frame_pool'), 'per frame: max 2×2'],
    [perFrame(layers.flatten(), 'frame_flatten'), 'per frame: one feature vector'],
    [layers.lstm({ units: UNITS, name: 'lstm' }), 'across the frames'],
    [layers.dense({ units: CLASSES.length, activation: 'softmax', name: 'motion' }), 'softmax over the motions'],
  ]);
}
