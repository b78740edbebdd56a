// Gradient rule of transpose: the gradient moves back by the inverse permutation.
import type { GradRule } from '../../train/grad.ts';
import type { TransposeAttrs } from './op.ts';

export const transposeGrad: GradRule = (b, node, [dy]) => {
  const { perm } = node.attrs as TransposeAttrs;
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [b.node('transpose', `${node.name}/grad`, [dy], { perm: inverse })[0]];
};
