// The gradient rules by op, each kept beside its op (src/ops/<op>/grad.ts); views reshape back.
import { activationGrad } from '../ops/activation/grad.ts';
import { binaryGrad } from '../ops/binary/grad.ts';
import { concatGrad } from '../ops/concat/grad.ts';
import { convTranspose2dGrad } from '../ops/conv-transpose2d/grad.ts';
import { depthToSpaceGrad } from '../ops/depth-to-space/grad.ts';
import { conv2dGrad } from '../ops/conv2d/grad.ts';
import { matmulGrad } from '../ops/matmul/grad.ts';
import { pool2dGrad } from '../ops/pool2d/grad.ts';
import { softmaxGrad } from '../ops/softmax/grad.ts';
import { transposeGrad } from '../ops/transpose/grad.ts';
import { batchNormTrainGrad } from '../ops/batch-norm-train/grad.ts';
import { dropoutTrainGrad } from '../ops/dropout-train/grad.ts';
import { recurrentTrainForwardGrad } from '../ops/recurrent-train/grad.ts';
import { embeddingGrad } from '../ops/gather/grad.ts';
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
  conv2d: conv2dGrad,
  convTranspose2d: convTranspose2dGrad,
  reshape: reshapeGrad,
  depthToSpace: depthToSpaceGrad,
  pool2d: pool2dGrad,
  batchNormTrain: batchNormTrainGrad,
  dropoutTrain: dropoutTrainGrad,
  recurrentTrainForward: recurrentTrainForwardGrad,
  embedding: embeddingGrad,
};
