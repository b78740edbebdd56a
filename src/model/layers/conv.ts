// Convolution layers (Keras semantics and weight layouts): conv1d, conv2d, depthwiseConv2d,
// conv2dTranspose. Activations are NHWC / NLC; the bias and activation are fused.
import { WgnnError } from '../../errors.ts';
import { pairOf, type Padding } from '../../ops/conv2d/geometry.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { finishActivation } from './core.ts';
import { kerasActivation, kerasActivationName, Layer, type ActivationName, type KerasLayerConfig, type Weight } from './layer.ts';
import { glorot } from './initializers.ts';

export interface ConvLayerOptions {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  dilationRate?: number | number[];
  /** 'valid' (default) or 'same', or explicit pads as in engine.conv2d */
  padding?: Padding;
  groups?: number;
  activation?: ActivationName;
  useBias?: boolean;
  name?: string;
}

/** The fields Keras's convolution configs share, in Keras's list form. */
function kerasConvFields(where: string, o: ConvLayerOptions | DepthwiseConvLayerOptions, rank: 1 | 2): Record<string, unknown> {
  const list = (name: string, v: number | number[] | undefined) => {
    const pair = pairOf(where, name, v, 1, rank);
    return rank === 1 ? [pair[1]] : [...pair];
  };
  const padding = o.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw new WgnnError(where, `padding ${JSON.stringify(padding)} has no Keras form (Keras pads 'valid' or 'same')`);
  return {
    name: where,
    kernel_size: list('kernelSize', o.kernelSize),
    strides: list('strides', o.strides),
    padding,
    data_format: 'channels_last',
    dilation_rate: list('dilationRate', o.dilationRate),
    activation: kerasActivationName(where, o.activation),
    use_bias: o.useBias ?? true,
  };
}

function convAttrs(where: string, o: { strides?: number | number[]; dilationRate?: number | number[]; padding?: Padding; groups?: number }, rank: 1 | 2) {
  return {
    strides: pairOf(where, 'strides', o.strides, 1, rank),
    dilations: pairOf(where, 'dilationRate', o.dilationRate, 1, rank),
    padding: rank === 1 && Array.isArray(o.padding) ? [0, o.padding[0], 0, o.padding[1]] : (o.padding ?? 'valid'),
    groups: o.groups ?? 1,
    activation: kerasActivation(where, 'linear'),
  };
}

/** Conv2D: kernel [KH, KW, Cin/groups, filters] (Keras layout, also the kernels'). */
export class Conv2D extends Layer {
  constructor(private readonly options: ConvLayerOptions) {
    super(options.name, 'conv2d');
  }

  override kerasConfig(): KerasLayerConfig {
    const groups = this.options.groups ?? 1;
    return { class_name: 'Conv2D', config: { ...kerasConvFields(this.name!, this.options, 2), filters: this.options.filters, ...(groups === 1 ? {} : { groups }) } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    if (x.shape.length !== 4) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, H, W, C]`);
    const cin = this.knownLastDim(x.shape, 'channel count');
    const groups = this.options.groups ?? 1;
    const [kh, kw] = pairOf(name, 'kernelSize', this.options.kernelSize, 1, 2);
    const shape = [kh, kw, cin / groups, this.options.filters];
    this.defineWeight('kernel', shape, glorot(`${name}/kernel`, shape, kh * kw * (cin / groups), kh * kw * this.options.filters));
    if (this.options.useBias ?? true) this.defineWeight('bias', [this.options.filters], new Float32Array(this.options.filters));
    const ids = this.makeConstants(builder);
    const activation = kerasActivation(name, this.options.activation);
    const y = builder.node('conv2d', name, [x, ids.kernel, ids.bias], convAttrs(name, this.options, 2))[0];
    return [finishActivation(builder, name, y, activation)];
  }
}

/** Conv1D on [batch, steps, channels], kernel [K, Cin/groups, filters]: a Conv2D of height 1 through views. */
export class Conv1D extends Layer {
  constructor(private readonly options: ConvLayerOptions) {
    super(options.name, 'conv1d');
  }

  override kerasConfig(): KerasLayerConfig {
    const groups = this.options.groups ?? 1;
    return { class_name: 'Conv1D', config: { ...kerasConvFields(this.name!, this.options, 1), filters: this.options.filters, ...(groups === 1 ? {} : { groups }) } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    if (x.shape.length !== 3) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, steps, channels]`);
    const cin = this.knownLastDim(x.shape, 'channel count');
    const groups = this.options.groups ?? 1;
    const k = pairOf(name, 'kernelSize', this.options.kernelSize, 1, 1)[1];
    const shape = [k, cin / groups, this.options.filters];
    this.defineWeight('kernel', shape, glorot(`${name}/kernel`, shape, k * (cin / groups), k * this.options.filters));
    if (this.options.useBias ?? true) this.defineWeight('bias', [this.options.filters], new Float32Array(this.options.filters));
    const ids = this.makeConstants(builder);
    const activation = kerasActivation(name, this.options.activation);
    const x2 = builder.node('reshape', `${name}/to2d`, [x], { shape: [0, 1, -1, cin] })[0];
    const y2 = builder.node('conv2d', name, [x2, ids.kernel, ids.bias], convAttrs(name, this.options, 1))[0];
    const activated = finishActivation(builder, name, y2, activation);
    return builder.node('reshape', `${name}/to1d`, [activated], { shape: [0, -1, this.options.filters] });
  }

  protected override kernelConstants(): Record<string, Weight> {
    const kernel = this.weights.get('kernel')!;
    const out: Record<string, Weight> = { kernel: { shape: [1, ...kernel.shape], data: kernel.data } };
    const bias = this.weights.get('bias');
    if (bias) out.bias = bias;
    return out;
  }
}

export interface DepthwiseConvLayerOptions extends Omit<ConvLayerOptions, 'filters' | 'groups'> {
  depthMultiplier?: number;
}

/** DepthwiseConv2D: depthwiseKernel [KH, KW, Cin, multiplier]; a grouped conv2d with groups = Cin. */
export class DepthwiseConv2D extends Layer {
  constructor(private readonly options: DepthwiseConvLayerOptions) {
    super(options.name, 'depthwise_conv2d');
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'DepthwiseConv2D', config: { ...kerasConvFields(this.name!, this.options, 2), depth_multiplier: this.options.depthMultiplier ?? 1 } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    if (x.shape.length !== 4) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, H, W, C]`);
    const cin = this.knownLastDim(x.shape, 'channel count');
    const m = this.options.depthMultiplier ?? 1;
    const [kh, kw] = pairOf(name, 'kernelSize', this.options.kernelSize, 1, 2);
    this.defineWeight('depthwiseKernel', [kh, kw, cin, m], glorot(`${name}/depthwiseKernel`, [kh, kw, cin, m], kh * kw, kh * kw * m));
    if (this.options.useBias ?? true) this.defineWeight('bias', [cin * m], new Float32Array(cin * m));
    const ids = this.makeConstants(builder);
    const activation = kerasActivation(name, this.options.activation);
    const attrs = convAttrs(name, { ...this.options, groups: cin }, 2);
    const y = builder.node('conv2d', name, [x, ids.depthwiseKernel, ids.bias], attrs)[0];
    return [finishActivation(builder, name, y, activation)];
  }

  /** [KH, KW, Cin, m] and [KH, KW, 1, Cin*m] are the same bytes. */
  protected override kernelConstants(): Record<string, Weight> {
    const k = this.weights.get('depthwiseKernel')!;
    const out: Record<string, Weight> = { depthwiseKernel: { shape: [k.shape[0], k.shape[1], 1, k.shape[2] * k.shape[3]], data: k.data } };
    const bias = this.weights.get('bias');
    if (bias) out.bias = bias;
    return out;
  }
}

export interface ConvTransposeLayerOptions extends ConvLayerOptions {
  outputPadding?: number | number[];
}

/** Conv2DTranspose: Keras kernel [KH, KW, filters, Cin], converted once to the kernel's [Cin, KH, KW, filters]. */
export class Conv2DTranspose extends Layer {
  constructor(private readonly options: ConvTransposeLayerOptions) {
    super(options.name, 'conv2d_transpose');
  }

  override kerasConfig(): KerasLayerConfig {
    const op = this.options.outputPadding;
    const outputPadding = op === undefined ? null : typeof op === 'number' ? [op, op] : [...op];
    return { class_name: 'Conv2DTranspose', config: { ...kerasConvFields(this.name!, this.options, 2), filters: this.options.filters, output_padding: outputPadding } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    if (x.shape.length !== 4) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, H, W, C]`);
    if ((this.options.groups ?? 1) !== 1) throw new WgnnError(name, 'groups other than 1 are not supported by Keras Conv2DTranspose; use engine.convTranspose2d');
    const cin = this.knownLastDim(x.shape, 'channel count');
    const [kh, kw] = pairOf(name, 'kernelSize', this.options.kernelSize, 1, 2);
    const f = this.options.filters;
    this.defineWeight('kernel', [kh, kw, f, cin], glorot(`${name}/kernel`, [kh, kw, f, cin], kh * kw * f, kh * kw * cin));
    if (this.options.useBias ?? true) this.defineWeight('bias', [f], new Float32Array(f));
    const ids = this.makeConstants(builder);
    const activation = kerasActivation(name, this.options.activation);
    const op = this.options.outputPadding ?? 0;
    const outputPadding = typeof op === 'number' ? [op, op] : op;
    const attrs = { ...convAttrs(name, this.options, 2), outputPadding };
    const y = builder.node('convTranspose2d', name, [x, ids.kernel, ids.bias], attrs)[0];
    return [finishActivation(builder, name, y, activation)];
  }

  protected override kernelConstants(): Record<string, Weight> {
    const k = this.weights.get('kernel')!;
    const [kh, kw, f, cin] = k.shape;
    const data = new Float32Array(k.data.length);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let o = 0; o < f; o++) for (let i = 0; i < cin; i++) {
      data[((i * kh + y) * kw + x) * f + o] = k.data[((y * kw + x) * f + o) * cin + i];
    }
    const out: Record<string, Weight> = { kernel: { shape: [cin, kh, kw, f], data } };
    const bias = this.weights.get('bias');
    if (bias) out.bias = bias;
    return out;
  }

  /** Trained kernels [Cin, KH, KW, F] back to Keras's [KH, KW, F, Cin]. */
  override setTrainedWeights(values: Record<string, Float32Array>): void {
    const [kh, kw, f, cin] = this.weights.get('kernel')!.shape;
    const trained = values.kernel;
    const kernel = trained && new Float32Array(trained.length);
    if (kernel) {
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let o = 0; o < f; o++) for (let i = 0; i < cin; i++) {
        kernel[((y * kw + x) * f + o) * cin + i] = trained[((i * kh + y) * kw + x) * f + o];
      }
    }
    this.setWeights({ ...values, ...(kernel ? { kernel } : {}) });
  }
}
