// The gradient rules by op, each kept beside its op (src/ops/<op>/grad.ts); views reshape back.
import { activationGrad } from '../ops/activation/grad.ts';
import { binaryGrad } from '../ops/binary/grad.ts';
import { concatGrad } from '../ops/concat/grad.ts';
import { matmulGrad } from '../ops/matmul/grad.ts';
import { softmaxGrad } from '../ops/softmax/grad.ts';
import { transposeGrad } from '../ops/transpose/grad.ts';
import type { GradRule } from './grad.ts';

/** A reshape view's gradient is the output's, viewed in the input's shape. */
const reshapeGrad: GradRule = (b, node, [dy]) => [b.reshape(`${node.name}/grad`, dy!, b.shape(node.inputs[0]!))];

export const GRAD_RULES: Record<string, GradRule> = {
  matmul: matmulGrad,
  activation: activationGrad,
  binary: binaryGrad,
  softmax: softmaxGrad,
  transpose: transposeGrad,
  concat: concatGrad,
  reshape: reshapeGrad,
};
