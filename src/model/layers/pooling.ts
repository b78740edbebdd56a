// Pooling layers (Keras semantics): max and average pooling 1-D and 2-D, global pooling.
// Keras average pooling with 'same' padding divides by the real elements only.
import { WgnnError } from '../../errors.ts';
import { pairOf, type Padding } from '../../ops/conv2d/geometry.ts';
import type { PoolKind } from '../../ops/pool2d/op.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { Layer, type KerasLayerConfig } from './layer.ts';

export interface PoolLayerOptions {
  poolSize?: number | number[];
  /** Default: the pool size. */
  strides?: number | number[];
  padding?: Padding;
  name?: string;
}

export class Pooling extends Layer {
  constructor(
    private readonly kind: PoolKind,
    private readonly rank: 1 | 2,
    private readonly options: PoolLayerOptions,
  ) {
    super(options.name, `${kind === 'max' ? 'max' : 'average'}_pooling${rank}d`);
  }

  override kerasConfig(): KerasLayerConfig {
    const name = this.name!;
    const list = (field: string, v: number | number[]) => {
      const pair = pairOf(name, field, v, 1, this.rank);
      return this.rank === 1 ? [pair[1]] : [...pair];
    };
    const padding = this.options.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') throw new WgnnError(name, `padding ${JSON.stringify(padding)} has no Keras form (Keras pads 'valid' or 'same')`);
    const poolSize = list('poolSize', this.options.poolSize ?? 2);
    const className = `${this.kind === 'max' ? 'Max' : 'Average'}Pooling${this.rank}D`;
    return { class_name: className, config: { name, pool_size: poolSize, strides: this.options.strides === undefined ? poolSize : list('strides', this.options.strides), padding, data_format: 'channels_last' } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const { rank } = this;
    if (x.shape.length !== rank + 2) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be ${rank === 2 ? '[batch, H, W, C]' : '[batch, steps, C]'}`);
    const kernel = pairOf(name, 'poolSize', this.options.poolSize ?? 2, 1, rank);
    const attrs = {
      kind: this.kind,
      kernel,
      strides: this.options.strides === undefined ? kernel : pairOf(name, 'strides', this.options.strides, 1, rank),
      dilations: [1, 1],
      padding: rank === 1 && Array.isArray(this.options.padding) ? [0, this.options.padding[0], 0, this.options.padding[1]] : (this.options.padding ?? 'valid'),
      ceilMode: false,
      countIncludePad: false,
    };
    if (rank === 2) return builder.node('pool2d', name, [x], attrs);
    const c = this.knownLastDim(x.shape, 'channel count');
    const x2 = builder.node('reshape', `${name}/to2d`, [x], { shape: [0, 1, -1, c] })[0];
    const y2 = builder.node('pool2d', name, [x2], attrs)[0];
    return builder.node('reshape', `${name}/to1d`, [y2], { shape: [0, -1, c] });
  }
}

/** Global pooling over H and W: [batch, H, W, C] -> [batch, C]. */
export class GlobalPooling2D extends Layer {
  constructor(private readonly kind: PoolKind, name?: string) {
    super(name, `global_${kind === 'max' ? 'max' : 'average'}_pooling2d`);
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: `Global${this.kind === 'max' ? 'Max' : 'Average'}Pooling2D`, config: { name: this.name, data_format: 'channels_last' } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    if (x.shape.length !== 4) throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, H, W, C]`);
    const attrs = { kind: this.kind, strides: [1, 1], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
    const pooled = builder.node('pool2d', name, [x], attrs)[0];
    return builder.node('reshape', `${name}/flatten`, [pooled], { shape: [0, -1] });
  }
}
