// Gradient rule of concat: each input's gradient is its slice of the output's gradient.
import type { GradRule } from '../../train/grad.ts';
import { normalizeAxis } from '../../shape.ts';
import type { ConcatAttrs } from './op.ts';

export const concatGrad: GradRule = (b, node, [dy], needs) => {
  const shape = b.shape(dy!);
  const axis = normalizeAxis(node.name, (node.attrs as ConcatAttrs).axis, shape.length);
  let begin = 0;
  return node.inputs.map((id, i) => {
    const size = b.shape(id!)[axis];
    const axes = shape.map((d, k) => (k === axis ? { begin, step: 1, size } : { begin: 0, step: 1, size: d }));
    begin += size;
    return needs[i] ? b.node('slice', `${node.name}/grad${i}`, [dy], { axes })[0] : undefined;
  });
};
