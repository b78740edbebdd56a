// Gradient rule of dropoutTrain: y = x * keep / (1 - rate) elementwise, so dX = dY * keep / (1 - rate),
// the forward's mask recomputed by dropoutBackward from the same rate, seed and step.
import type { GradRule } from '../../train/grad.ts';
import type { DropoutAttrs } from './reference.ts';

export const dropoutTrainGrad: GradRule = (b, node, [dY]) => {
  const { rate, seed } = node.attrs as DropoutAttrs;
  return [b.node('dropoutBackward', `${node.name}/backward`, [dY!], { rate, seed })[0]];
};
