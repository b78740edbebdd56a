// ESPCN (Shi et al. 2016, "Real-time single image and video super-resolution using an efficient
// sub-pixel convolutional neural network") for 3x upscaling of luminance: every convolution runs
// at the low resolution, and the last one makes 3 x 3 = 9 channels per pixel that depthToSpace
// rearranges into a 3x larger image. The page builds it with open height and width (a fully
// convolutional model runs at any size; wgnn compiles a plan per size and caches it), the training
// script with the size of its patches (training needs known shapes): the layers are the same, with
// the same names, so the weights of one load into the other.
import { layers, model, type Layer } from '../../src/index.ts';
import type { LayerRow } from '../shared/layer-table.ts';
import { SCALE } from './images.ts';

export interface SuperresModel {
  model: ReturnType<typeof model>;
  /** The name of the output in compiled.run's result. */
  outputName: string;
  /** The layers with a few words each, in order, for the page's table. */
  stack: [Layer, string][];
  /** Each layer's output channels. */
  channels: number[];
}

/** `size`: the low-resolution input's [height, width], or null for any size. */
export function superresModel(size: [number, number] | null = null): SuperresModel {
  const stack: [Layer, string][] = [
    [layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'tanh', name: 'features' }), '64 filters 5×5, tanh'],
    [layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'mapping' }), '32 filters 3×3, tanh'],
    [layers.conv2d({ filters: SCALE * SCALE, kernelSize: 3, padding: 'same', name: 'subpixels' }), `${SCALE * SCALE} = ${SCALE}×${SCALE} sub-pixels 3×3`],
    [layers.depthToSpace({ blockSize: SCALE, name: 'shuffle' }), `depth to space, ${SCALE}×`],
  ];
  const x0 = layers.input({ shape: [...(size ?? [null, null]), 1], name: 'low_res' });
  let x = x0;
  const channels = stack.map(([layer]) => (x = layer.apply(x)).shape[3]!);
  return { model: model({ inputs: x0, outputs: x, name: 'espcn' }), outputName: x.name, stack, channels };
}

/** The page's layer table for a low-resolution input of `height` x `width`. */
export function layerTable({ stack, channels }: SuperresModel, height: number, width: number): { rows: LayerRow[]; totalParams: number } {
  const rows: LayerRow[] = [{ name: 'low_res', kind: 'luminance, −0.5 … 0.5', outputShape: [height, width, 1], params: 0 }];
  let scale = 1;
  stack.forEach(([layer, kind], i) => {
    if (layer.className === 'depthToSpace') scale = SCALE;
    const params = Object.values(layer.weightShapes()).reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
    rows.push({ name: layer.name!, kind, outputShape: [height * scale, width * scale, channels[i]], params });
  });
  return { rows, totalParams: rows.reduce((n, r) => n + r.params, 0) };
}
