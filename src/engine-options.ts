// The options and descriptions the Engine's API takes and gives (src/engine.ts): what compile()
// takes to train, how an engine is created, and the eager ops' options.
import type { AdapterSummary } from './device/acquire.ts';
import type { Activation, ActivationKind } from './ops/activation/kinds.ts';
import type { Padding } from './ops/conv2d/geometry.ts';
import type { Conv2dVariant } from './ops/conv2d/op.ts';
import type { BackwardFilterVariant } from './ops/conv2d-backward-filter/op.ts';
import type { MatmulVariant } from './ops/matmul/op.ts';
import type { NormalizeVariant } from './ops/normalize/dispatch.ts';
import type { OptimizerVariant } from './ops/optimizer/op.ts';
import type { PoolBackwardVariant } from './ops/pool2d/backward.ts';
import type { PoolVariant } from './ops/pool2d/op.ts';
import type { ReduceVariant } from './ops/reduce/op.ts';
import type { ActivationGradVariant } from './ops/activation-grad/op.ts';
import type { RecurrentVariant } from './ops/recurrent/variant.ts';
import type { RecurrentTrainVariant } from './ops/recurrent-train/launch.ts';
import type { StridedCopyVariant } from './ops/strided-copy/dispatch.ts';
import type { Tensor } from './tensor.ts';
import type { LossConfig, MetricConfig } from './train/spec.ts';
import type { OptimizerConfig } from './train/optimizers.ts';

/** What compile() takes to train: Keras's names (or configs) and defaults; the optimizer defaults to rmsprop, as Keras's does. */
export interface TrainingOptions {
  optimizer?: string | OptimizerConfig;
  loss: string | LossConfig;
  /** Metric names, or configs such as { name: 'topKCategoricalAccuracy', k: 3 }. */
  metrics?: (string | MetricConfig)[];
}

export interface EngineOptions {
  /** 'webgpu' (default) runs kernels on the GPU; 'cpu' runs the CPU reference through the same API. */
  backend?: 'webgpu' | 'cpu';
  /** A WebGPU entry point for runtimes without navigator.gpu (Node: `create([])` from the `webgpu` package). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Force a kernel variant per op instead of the automatic choice (tests force each one). */
  variants?: {
    matmul?: MatmulVariant;
    conv2d?: Conv2dVariant;
    recurrent?: RecurrentVariant;
    normalize?: NormalizeVariant;
    /** Slice, Expand and Tile: 'vec4' where the innermost axis reads whole vec4s, else 'scalar'. */
    stridedCopy?: StridedCopyVariant;
    /** Training kernels: the conv2d filter gradient, the pooling gradient, the recurrent training forward and backward. */
    conv2dBackwardFilter?: BackwardFilterVariant;
    pool2dBackward?: PoolBackwardVariant;
    /** Pooling: 'vec4' where the channels are whole vec4s, else 'scalar'. */
    pool2d?: PoolVariant;
    /** Reductions: 'vec4' where the innermost axis is kept and whole vec4s, else 'scalar'. */
    reduce?: ReduceVariant;
    /** Activation gradients: 'vec4' where the count is whole vec4s, else 'scalar'. */
    activationGrad?: ActivationGradVariant;
    recurrentTrain?: RecurrentTrainVariant;
    /** The optimizer step: 'vec4' where the count is whole vec4s and no clipping by norm, else 'scalar'. */
    optimizer?: OptimizerVariant;
  };
  /** Cap on the im2col scratch matrix in bytes (default 64 MiB, never above the device's binding limit). */
  im2colMaxBytes?: number;
  /** Debugging aid used by the tests: fill outputs with NaN before each dispatch. */
  poisonOutputs?: boolean;
}

export interface EngineInfo {
  backend: 'webgpu' | 'cpu';
  adapter: AdapterSummary | null;
  limits: Record<string, number>;
  features: string[];
}

export interface ConvOptions {
  /** One number for every spatial axis, or one per axis. Default 1. */
  strides?: number | readonly number[];
  dilations?: number | readonly number[];
  /** 'valid' (default), 'same' (= 'same-upper'), 'same-lower', or explicit pads ([top, left, bottom, right] in 2-D, [begin, end] in 1-D). */
  padding?: Padding;
  groups?: number;
  /** [Cout] */
  bias?: Tensor;
  activation?: Activation | ActivationKind;
}

export interface ConvTransposeOptions extends ConvOptions {
  /** Extra rows/columns at the end of the output (one number or one per axis). Default 0. */
  outputPadding?: number | readonly number[];
}

export interface PoolOptions {
  /** Window size (one number or one per axis). */
  kernel: number | readonly number[];
  /** Default: the kernel size. */
  strides?: number | readonly number[];
  /** Max pooling only. Default 1. */
  dilations?: number | readonly number[];
  padding?: Padding;
  ceilMode?: boolean;
  /** Average pooling: divide by the window including padding. Default false. */
  countIncludePad?: boolean;
}

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Added to every output row; broadcastable to [M, N]. */
  bias?: Tensor;
  activation?: Activation | ActivationKind;
}
