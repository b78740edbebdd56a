// The public API of wgnn.
export { createEngine, Engine } from './engine.ts';
export type { ConvOptions, ConvTransposeOptions, EngineInfo, EngineOptions, MatmulOptions, PoolOptions } from './engine.ts';
export type { Padding } from './ops/conv2d/geometry.ts';
export type { BatchNormParams } from './ops/batch-norm/fold.ts';
export { foldBatchNorm, foldBatchNormIntoWeights } from './ops/batch-norm/fold.ts';
export { Tensor } from './tensor.ts';
export type { TensorData } from './tensor.ts';
export type { DType } from './tensor-spec.ts';
export { ACTIVATIONS } from './ops/activation/kinds.ts';
export type { Activation, ActivationKind } from './ops/activation/kinds.ts';
export { DeviceLostError, WgnnError } from './errors.ts';
export type { AdapterSummary } from './device/acquire.ts';
