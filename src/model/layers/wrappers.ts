// TimeDistributed: applies a layer to every step of a sequence (the video pattern: a CNN per
// frame, then an RNN across frames) by folding time into the batch with views:
// [batch, T, ...] -> [batch*T, ...] -> layer -> [batch*T, ...out] -> [batch, T, ...out].
import { WgnnError } from '../../errors.ts';
import type { GraphBuilder, SymbolicTensor } from '../builder.ts';
import { Layer, type KerasLayerConfig } from './layer.ts';

export class TimeDistributed extends Layer {
  constructor(readonly layer: Layer, name?: string) {
    super(name, 'time_distributed');
  }

  override weightShapes(): Record<string, number[]> {
    return this.layer.weightShapes();
  }

  override getWeights(): Record<string, Float32Array> {
    return this.layer.getWeights();
  }

  override setWeights(values: Record<string, ArrayLike<number>>): void {
    this.layer.setWeights(values);
  }

  override kerasWeightPath(key: string): string {
    return this.layer.kerasWeightPath(key);
  }

  override kerasConfig(): KerasLayerConfig {
    return { class_name: 'TimeDistributed', config: { name: this.name, layer: this.layer.kerasConfig() } };
  }

  protected call(builder: GraphBuilder, [x]: SymbolicTensor[]): SymbolicTensor[] {
    const name = this.name!;
    const steps = x.shape[1];
    if (x.shape.length < 3 || steps === null || x.shape.slice(2).some((d) => d === null)) {
      throw new WgnnError(name, `input [${x.shape.map((d) => d ?? '?')}] must be [batch, steps, ...] with known steps and frame dims`);
    }
    const frames = builder.node('reshape', `${name}/frames`, [x], { shape: [-1, ...(x.shape.slice(2) as number[])] })[0];
    this.layer.name ??= `${name}/${builder.uniqueLayerName('layer')}`;
    this.layer.wrapper = this;
    const y = this.layer.apply(frames);
    const rest = y.shape.slice(1);
    if (rest.some((d) => d === null)) throw new WgnnError(name, `the wrapped layer's output [${y.shape.map((d) => d ?? '?')}] needs known dims after the batch`);
    return builder.node('reshape', name, [y], { shape: [-1, steps, ...(rest as number[])] });
  }
}
