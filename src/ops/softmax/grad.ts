// Gradient rule of softmax and log-softmax along an axis (y the output):
//   softmax:     dx = y * (dy - sum(dy * y))
//   logSoftmax:  dx = dy - exp(y) * sum(dy)
// with the sums over the axis, kept as a dim of 1 to broadcast back. (A softmax feeding a
// cross-entropy loss never gets here: the loss takes its logits, in one stable kernel.)
import type { ValueId } from '../../graph/ir.ts';
import { normalizeAxis } from '../../shape.ts';
import type { GradRule } from '../../train/grad.ts';
import { resolveActivation } from '../activation/kinds.ts';
import type { SoftmaxAttrs } from './op.ts';

export const softmaxGrad: GradRule = (b, node, [dy]) => {
  const { axis, log } = node.attrs as SoftmaxAttrs;
  const y = node.outputs[0];
  const axes = [normalizeAxis(node.name, axis, b.shape(y).length)];
  const name = (s: string) => `${node.name}/${s}`;
  const sum = (v: ValueId) => b.node('reduce', name('sum'), [v], { kind: 'sum', axes, keepDims: true })[0];
  if (log) {
    const p = b.node('activation', name('exp'), [y], resolveActivation(node.name, 'exp'))[0];
    return [b.binary(name('dx'), 'sub', dy!, b.binary(name('p_sum'), 'mul', p, sum(dy!)))];
  }
  const centered = b.binary(name('centered'), 'sub', dy!, sum(b.binary(name('dy_y'), 'mul', dy!, y)));
  return [b.binary(name('dx'), 'mul', y, centered)];
};
