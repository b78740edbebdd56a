// The Keras-style model API: layer factories under `layers`, and sequential() / model().
import { Activation, Add, Concatenate, Dense, DepthToSpace, Dropout, Flatten, input, Reshape, Softmax, type DenseOptions } from './layers/core.ts';
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, type ConvLayerOptions, type ConvTransposeLayerOptions, type DepthwiseConvLayerOptions } from './layers/conv.ts';
import type { ActivationName, Layer } from './layers/layer.ts';
import { BatchNormalization, type BatchNormalizationOptions } from './layers/normalization.ts';
import { GlobalPooling2D, Pooling, type PoolLayerOptions } from './layers/pooling.ts';
import { TimeDistributed } from './layers/wrappers.ts';
import { bidirectional, Embedding, RecurrentLayer, type EmbeddingOptions, type RecurrentLayerOptions } from './layers/recurrent.ts';

export { Model, model, sequential, type SequentialOptions } from './model.ts';
export { SymbolicTensor } from './builder.ts';
export { Layer } from './layers/layer.ts';

export const layers = {
  input,
  dense: (o: DenseOptions) => new Dense(o),
  activation: (activation: ActivationName, name?: string) => new Activation(activation, name),
  softmax: (o: { axis?: number; name?: string } = {}) => new Softmax(o.axis, o.name),
  dropout: (o: { rate: number; name?: string; seed?: number }) => new Dropout(o.rate, o.name, o.seed),
  flatten: (o: { name?: string } = {}) => new Flatten(o.name),
  reshape: (o: { targetShape: number[]; name?: string }) => new Reshape(o.targetShape, o.name),
  depthToSpace: (o: { blockSize: number; name?: string }) => new DepthToSpace(o.blockSize, o.name),
  add: (o: { name?: string } = {}) => new Add(o.name),
  concatenate: (o: { axis?: number; name?: string } = {}) => new Concatenate(o.axis, o.name),
  conv1d: (o: ConvLayerOptions) => new Conv1D(o),
  conv2d: (o: ConvLayerOptions) => new Conv2D(o),
  depthwiseConv2d: (o: DepthwiseConvLayerOptions) => new DepthwiseConv2D(o),
  conv2dTranspose: (o: ConvTransposeLayerOptions) => new Conv2DTranspose(o),
  maxPooling1d: (o: PoolLayerOptions = {}) => new Pooling('max', 1, o),
  maxPooling2d: (o: PoolLayerOptions = {}) => new Pooling('max', 2, o),
  averagePooling1d: (o: PoolLayerOptions = {}) => new Pooling('avg', 1, o),
  averagePooling2d: (o: PoolLayerOptions = {}) => new Pooling('avg', 2, o),
  globalAveragePooling2d: (o: { name?: string } = {}) => new GlobalPooling2D('avg', o.name),
  globalMaxPooling2d: (o: { name?: string } = {}) => new GlobalPooling2D('max', o.name),
  batchNormalization: (o: BatchNormalizationOptions = {}) => new BatchNormalization(o),
  timeDistributed: (layer: Layer, o: { name?: string } = {}) => new TimeDistributed(layer, o.name),
  lstm: (o: RecurrentLayerOptions) => new RecurrentLayer('lstm', o),
  gru: (o: RecurrentLayerOptions) => new RecurrentLayer('gru', o),
  simpleRNN: (o: RecurrentLayerOptions) => new RecurrentLayer('simpleRnn', o),
  bidirectional: (layer: RecurrentLayer, o: { mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' } = {}) => bidirectional(layer, o.mergeMode),
  embedding: (o: EmbeddingOptions) => new Embedding(o),
};
