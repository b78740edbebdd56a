// Gradient rule of batchNormTrain (y, mean, variance = batch statistics of x, see ./backward.ts
// for the derivation): dY goes through batchNormBackward, which gives dX, dGamma and dBeta at once.
// The mean and variance outputs feed only the moving averages (an effect, never differentiated),
// so their gradients are normally undefined; where a loss does read them, their part of dX is
// d mean/d x = 1/M and d variance/d x = 2 (x - mean)/M, per channel over the M rows.
import type { ValueId } from '../../graph/ir.ts';
import { sizeOf } from '../../shape.ts';
import type { GradRule } from '../../train/grad.ts';
import type { BatchNormTrainAttrs } from './op.ts';

export const batchNormTrainGrad: GradRule = (b, node, [dY, dMean, dVariance], needs) => {
  const { epsilon } = node.attrs as BatchNormTrainAttrs;
  const [x, gamma] = node.inputs as [ValueId, ValueId, ValueId];
  const [, mean, variance] = node.outputs;
  const name = (s: string) => `${node.name}/${s}`;
  let [dX, dGamma, dBeta]: (ValueId | undefined)[] = [undefined, undefined, undefined];
  if (dY !== undefined) [dX, dGamma, dBeta] = b.node('batchNormBackward', name('backward'), [dY, x, gamma, mean, variance], { epsilon }, 3);
  if (needs[0] && (dMean !== undefined || dVariance !== undefined)) {
    const xShape = b.shape(x);
    const rows = sizeOf(xShape) / xShape[xShape.length - 1];
    const scaled = (label: string, d: ValueId, factor: number) => b.binary(name(label), 'mul', d, b.constant(name(`${label}_factor`), [1], Float32Array.of(factor)));
    let fromStats: ValueId | undefined;
    if (dVariance !== undefined) fromStats = b.binary(name('dx_variance'), 'mul', b.binary(name('centered'), 'sub', x, mean), scaled('dvariance_scaled', dVariance, 2 / rows));
    if (dMean !== undefined) {
      const perChannel = scaled('dmean_scaled', dMean, 1 / rows);
      fromStats = fromStats ? b.binary(name('dx_stats'), 'add', fromStats, perChannel) : b.node('expand', name('dx_mean'), [perChannel], { shape: xShape })[0];
    }
    dX = dX === undefined ? fromStats : b.binary(name('dx_total'), 'add', dX, fromStats!);
  }
  return [needs[0] ? dX : undefined, needs[1] ? dGamma : undefined, needs[2] ? dBeta : undefined];
};
