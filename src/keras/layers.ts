// Keras layer configs to wgnn layers: one entry per Keras class name, reading the config's
// snake_case fields (defaults as Keras documents them) into the model API's options. A config
// field that would change what the layer computes and that wgnn cannot honour is an error naming
// the layer and the field; fields that only matter for training from Keras's side (initializers,
// regularizers, constraints) are ignored. registerKerasLayer adds a class of the user's own.
import { WgnnError } from '../errors.ts';
import type { Padding } from '../ops/conv2d/geometry.ts';
import { Activation, Add, Concatenate, Dense, Dropout, Flatten, Reshape, Softmax } from '../model/layers/core.ts';
import { Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D } from '../model/layers/conv.ts';
import type { ActivationName, Layer } from '../model/layers/layer.ts';
import { BatchNormalization } from '../model/layers/normalization.ts';
import { GlobalPooling2D, Pooling } from '../model/layers/pooling.ts';
import { bidirectional, Embedding, RecurrentLayer } from '../model/layers/recurrent.ts';
import { TimeDistributed } from '../model/layers/wrappers.ts';
import { isObject, type Config } from './topology.ts';

export interface KerasLayerContext {
  /** The wgnn name to give the layer (the Keras name, prefixed inside nested models). */
  name: string;
  /** The Keras major version that wrote the config. */
  kerasMajor: number;
}

/** Makes a wgnn layer from a Keras layer's config (snake_case fields, as Keras writes them). */
export type KerasLayerFactory = (config: Config, context: KerasLayerContext) => Layer;

/** Reads typed fields of one layer's config; each wrong value names the layer and the field. */
class Fields {
  constructor(
    readonly where: string,
    private readonly config: Config,
    private readonly kerasMajor: number,
  ) {}

  private fail(field: string, expected: string): never {
    throw new WgnnError(this.where, `config field '${field}' must be ${expected}, got ${JSON.stringify(this.config[field])?.slice(0, 80)}`);
  }

  has(field: string): boolean {
    return this.config[field] !== undefined && this.config[field] !== null;
  }

  int(field: string, fallback?: number): number {
    const v = this.config[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(field, 'an integer');
    return v;
  }

  number(field: string, fallback: number): number {
    const v = this.config[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a number');
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.config[field] ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v;
  }

  string(field: string, fallback: string): string {
    const v = this.config[field] ?? fallback;
    if (typeof v !== 'string') this.fail(field, 'a string');
    return v;
  }

  /** An int or a list of ints (kernel_size, strides, ...). */
  ints(field: string, fallback?: number | number[]): number | number[] {
    const v = this.config[field] ?? fallback;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d))) return v as number[];
    this.fail(field, 'an integer or a list of integers');
  }

  activation(field: string): ActivationName {
    const v = this.config[field] ?? 'linear';
    if (typeof v !== 'string') this.fail(field, 'the name of a built-in activation (custom activation objects are not supported)');
    return (v === 'hard_sigmoid' && this.kerasMajor >= 3 ? 'hard_sigmoid_keras3' : v) as ActivationName;
  }

  padding(field = 'padding'): Padding {
    const v = this.string(field, 'valid');
    if (v !== 'valid' && v !== 'same') this.fail(field, "'valid' or 'same'");
    return v;
  }

  /** Layers wgnn runs on channels-last (NHWC) data only. */
  channelsLast(): void {
    const v = this.config.data_format;
    if (v !== undefined && v !== null && v !== 'channels_last') {
      throw new WgnnError(this.where, `data_format '${String(v)}' is not supported: wgnn runs channels_last (NHWC) models; convert the model to channels_last`);
    }
  }

  /** A field that must keep its default for wgnn to compute what Keras computes. */
  unsupported(field: string, allowed: unknown, why: string): void {
    const v = this.config[field];
    if (v !== undefined && v !== null && v !== allowed) throw new WgnnError(this.where, `config ${field}=${JSON.stringify(v)} is not supported: ${why}`);
  }
}

const fields = (config: Config, c: KerasLayerContext, className: string) => new Fields(`layer '${c.name}' (${className})`, config, c.kerasMajor);

function conv(className: string, rank: 1 | 2): KerasLayerFactory {
  return (config, c) => {
    const f = fields(config, c, className);
    f.channelsLast();
    if (f.string('padding', 'valid') === 'causal') throw new WgnnError(f.where, "padding 'causal' is not supported; pad the input on the left and use 'valid'");
    const options = {
      name: c.name,
      filters: f.int('filters'),
      kernelSize: f.ints('kernel_size'),
      strides: f.ints('strides', 1),
      dilationRate: f.ints('dilation_rate', 1),
      padding: f.padding(),
      groups: f.int('groups', 1),
      activation: f.activation('activation'),
      useBias: f.bool('use_bias', true),
    };
    return rank === 1 ? new Conv1D(options) : new Conv2D(options);
  };
}

function pooling(className: string, kind: 'max' | 'avg', rank: 1 | 2): KerasLayerFactory {
  return (config, c) => {
    const f = fields(config, c, className);
    f.channelsLast();
    const poolSize = f.ints('pool_size', 2);
    return new Pooling(kind, rank, { name: c.name, poolSize, strides: f.has('strides') ? f.ints('strides') : poolSize, padding: f.padding() });
  };
}

function globalPooling(className: string, kind: 'max' | 'avg'): KerasLayerFactory {
  return (config, c) => {
    const f = fields(config, c, className);
    f.channelsLast();
    f.unsupported('keepdims', false, 'the pooled output is [batch, channels]; add a Reshape after it');
    return new GlobalPooling2D(kind, c.name);
  };
}

/** LSTM, GRU, SimpleRNN options from their config. */
function recurrentOptions(className: string, config: Config, c: KerasLayerContext) {
  const f = fields(config, c, className);
  f.unsupported('go_backwards', false, 'a reversed recurrent layer on its own is not supported (inside Bidirectional it is)');
  f.unsupported('stateful', false, 'wgnn does not keep states between calls');
  f.unsupported('time_major', false, 'wgnn layers take [batch, steps, features]');
  return {
    name: c.name,
    units: f.int('units'),
    activation: f.has('activation') ? f.activation('activation') : 'tanh',
    recurrentActivation: f.has('recurrent_activation') ? f.activation('recurrent_activation') : 'sigmoid',
    useBias: f.bool('use_bias', true),
    returnSequences: f.bool('return_sequences', false),
    returnState: f.bool('return_state', false),
    // tf.keras and Keras 3 default to reset_after=True; tfjs-layers writes false.
    ...(className === 'GRU' ? { resetAfter: f.bool('reset_after', true) } : {}),
    ...(className === 'LSTM' ? { unitForgetBias: f.bool('unit_forget_bias', true) } : {}),
  };
}

const CELLS = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRnn' } as const;

function recurrent(className: keyof typeof CELLS): KerasLayerFactory {
  return (config, c) => new RecurrentLayer(CELLS[className], recurrentOptions(className, config, c));
}

/** The layer a wrapper (TimeDistributed, Bidirectional) holds: {class_name, config}. */
function wrapped(where: string, config: Config): { className: string; config: Config } {
  const inner = config.layer;
  if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config)) throw new WgnnError(where, "config 'layer' must hold the wrapped layer's {class_name, config}");
  return { className: inner.class_name, config: inner.config };
}

const BUILT_IN: Record<string, KerasLayerFactory> = {
  Dense: (config, c) => {
    const f = fields(config, c, 'Dense');
    return new Dense({ name: c.name, units: f.int('units'), activation: f.activation('activation'), useBias: f.bool('use_bias', true) });
  },
  Conv1D: conv('Conv1D', 1),
  Conv2D: conv('Conv2D', 2),
  DepthwiseConv2D: (config, c) => {
    const f = fields(config, c, 'DepthwiseConv2D');
    f.channelsLast();
    return new DepthwiseConv2D({
      name: c.name, kernelSize: f.ints('kernel_size'), strides: f.ints('strides', 1), dilationRate: f.ints('dilation_rate', 1), padding: f.padding(),
      depthMultiplier: f.int('depth_multiplier', 1), activation: f.activation('activation'), useBias: f.bool('use_bias', true),
    });
  },
  Conv2DTranspose: (config, c) => {
    const f = fields(config, c, 'Conv2DTranspose');
    f.channelsLast();
    return new Conv2DTranspose({
      name: c.name, filters: f.int('filters'), kernelSize: f.ints('kernel_size'), strides: f.ints('strides', 1), dilationRate: f.ints('dilation_rate', 1),
      padding: f.padding(), activation: f.activation('activation'), useBias: f.bool('use_bias', true), ...(f.has('output_padding') ? { outputPadding: f.ints('output_padding') } : {}),
    });
  },
  MaxPooling1D: pooling('MaxPooling1D', 'max', 1),
  MaxPooling2D: pooling('MaxPooling2D', 'max', 2),
  AveragePooling1D: pooling('AveragePooling1D', 'avg', 1),
  AveragePooling2D: pooling('AveragePooling2D', 'avg', 2),
  GlobalAveragePooling2D: globalPooling('GlobalAveragePooling2D', 'avg'),
  GlobalMaxPooling2D: globalPooling('GlobalMaxPooling2D', 'max'),
  BatchNormalization: (config, c) => {
    const f = fields(config, c, 'BatchNormalization');
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
    if (axis !== undefined && (typeof axis !== 'number' || !Number.isInteger(axis))) throw new WgnnError(f.where, `config 'axis' ${JSON.stringify(config.axis)} must be one channel axis`);
    return new BatchNormalization({ name: c.name, axis: axis as number | undefined, epsilon: f.number('epsilon', 1e-3), momentum: f.number('momentum', 0.99) });
  },
  Dropout: (config, c) => {
    const f = fields(config, c, 'Dropout');
    f.unsupported('noise_shape', undefined, 'dropout masks shared along axes are not supported');
    return new Dropout(f.number('rate', 0), c.name, f.has('seed') ? f.int('seed') : undefined);
  },
  Flatten: (config, c) => {
    fields(config, c, 'Flatten').channelsLast();
    return new Flatten(c.name);
  },
  Reshape: (config, c) => {
    const target = config.target_shape;
    if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d))) throw new WgnnError(`layer '${c.name}' (Reshape)`, `config 'target_shape' must be a list of integers, got ${JSON.stringify(target)}`);
    return new Reshape(target as number[], c.name);
  },
  Activation: (config, c) => new Activation(fields(config, c, 'Activation').activation('activation'), c.name),
  Softmax: (config, c) => {
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : (config.axis ?? -1);
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new WgnnError(`layer '${c.name}' (Softmax)`, `config 'axis' ${JSON.stringify(config.axis)} must be one axis`);
    return new Softmax(axis, c.name);
  },
  Add: (_config, c) => new Add(c.name),
  Concatenate: (config, c) => new Concatenate(fields(config, c, 'Concatenate').int('axis', -1), c.name),
  Embedding: (config, c) => {
    const f = fields(config, c, 'Embedding');
    f.unsupported('mask_zero', false, 'masking is not supported; the padded steps would be computed like the others');
    return new Embedding({ name: c.name, inputDim: f.int('input_dim'), outputDim: f.int('output_dim') });
  },
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  SimpleRNN: recurrent('SimpleRNN'),
  Bidirectional: (config, c) => {
    const where = `layer '${c.name}' (Bidirectional)`;
    const inner = wrapped(where, config);
    if (!(inner.className in CELLS)) throw new WgnnError(where, `wraps a ${inner.className}; wgnn's Bidirectional takes an LSTM, GRU or SimpleRNN`);
    const mergeMode = config.merge_mode ?? 'concat';
    if (mergeMode !== 'concat' && mergeMode !== 'sum' && mergeMode !== 'mul' && mergeMode !== 'ave') {
      throw new WgnnError(where, `merge_mode ${JSON.stringify(mergeMode)} is not supported; use concat, sum, mul or ave`);
    }
    if (isObject(config.backward_layer) && isObject(config.backward_layer.config)) {
      const back = config.backward_layer.config;
      for (const key of ['units', 'return_sequences', 'activation', 'recurrent_activation', 'use_bias', 'reset_after']) {
        if (JSON.stringify(back[key]) !== JSON.stringify(inner.config[key])) throw new WgnnError(where, `a backward_layer that differs from the forward one (${key}) is not supported`);
      }
    }
    const layer = new RecurrentLayer(CELLS[inner.className as keyof typeof CELLS], { ...recurrentOptions(inner.className, inner.config, c), name: c.name });
    return bidirectional(layer, mergeMode);
  },
  TimeDistributed: (config, c) => {
    const inner = wrapped(`layer '${c.name}' (TimeDistributed)`, config);
    const innerName = typeof inner.config.name === 'string' ? inner.config.name : 'layer';
    return new TimeDistributed(kerasLayer(inner.className, inner.config, { ...c, name: `${c.name}/${innerName}` }), c.name);
  },
};

/** Keras's other names for the same classes. */
const ALIASES: Record<string, string> = {
  MaxPool1D: 'MaxPooling1D', MaxPool2D: 'MaxPooling2D', AvgPool1D: 'AveragePooling1D', AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D', GlobalMaxPool2D: 'GlobalMaxPooling2D', Convolution1D: 'Conv1D', Convolution2D: 'Conv2D',
  Deconvolution2D: 'Conv2DTranspose', Convolution2DTranspose: 'Conv2DTranspose',
};

const custom = new Map<string, KerasLayerFactory>();

/**
 * Registers a layer class for loadLayersModel and loadKerasModel: `factory` gets the layer's
 * config as Keras wrote it (snake_case fields) and returns a wgnn Layer (a subclass of your own).
 * Its weights are matched by name: a weight the layer defines as `fooBar` is read from the file's
 * `<layer>/foo_bar`. A registered class replaces a built-in one of the same name.
 */
export function registerKerasLayer(className: string, factory: KerasLayerFactory): void {
  if (!className) throw new WgnnError('registerKerasLayer', 'needs a class name');
  custom.set(className, factory);
}

/** The Keras class names loadLayersModel reads without registration. */
export const SUPPORTED_KERAS_LAYERS: readonly string[] = [...Object.keys(BUILT_IN), 'InputLayer', 'Sequential', 'Functional', 'Model'].sort();

/** The wgnn layer for one Keras layer config. */
export function kerasLayer(className: string, config: Config, context: KerasLayerContext): Layer {
  const factory = custom.get(className) ?? BUILT_IN[ALIASES[className] ?? className];
  if (!factory) {
    throw new WgnnError(
      `layer '${context.name}'`,
      `Keras class '${className}' is not supported. Supported: ${SUPPORTED_KERAS_LAYERS.join(', ')}; register your own with registerKerasLayer('${className}', (config) => new MyLayer(...))`,
    );
  }
  return factory(config, context);
}
