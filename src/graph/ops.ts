// The ops a graph node may name, and the two kinds of node: kernels (an OpDefinition: they
// dispatch) and views (reshape: they only reinterpret their input's memory, no dispatch).
import { WgnnError } from '../errors.ts';
import { activationOp } from '../ops/activation/op.ts';
import { activationGradOp } from '../ops/activation-grad/op.ts';
import { channelAffineOp } from '../ops/batch-norm/op.ts';
import { batchNormOp } from '../ops/batch-norm/layer-op.ts';
import { dropoutOp } from '../ops/dropout/op.ts';
import { binaryOp } from '../ops/binary/op.ts';
import { concatOp } from '../ops/concat/op.ts';
import { convTranspose2dOp } from '../ops/conv-transpose2d/op.ts';
import { conv2dOp } from '../ops/conv2d/op.ts';
import { conv2dBackwardFilterOp } from '../ops/conv2d-backward-filter/op.ts';
import { depthToSpaceOp } from '../ops/depth-to-space/op.ts';
import { matmulOp } from '../ops/matmul/op.ts';
import type { OpDefinition, TensorSpec } from '../ops/op.ts';
import { pool2dOp } from '../ops/pool2d/op.ts';
import { pool2dBackwardOp } from '../ops/pool2d/backward.ts';
import { recurrentOp } from '../ops/recurrent/op.ts';
import { recurrentLayerOp } from '../ops/recurrent-layer/op.ts';
import { recurrentBackwardOp } from '../ops/recurrent-train/backward.ts';
import { recurrentTrainForwardOp } from '../ops/recurrent-train/forward.ts';
import { softmaxOp } from '../ops/softmax/op.ts';
import { transposeOp } from '../ops/transpose/op.ts';
import { padOp } from '../ops/pad/op.ts';
import { embeddingOp } from '../ops/gather/op.ts';
import { embeddingBackwardOp } from '../ops/gather/backward.ts';
import { expandOp } from '../ops/strided-copy/expand.ts';
import { sliceOp } from '../ops/strided-copy/slice.ts';
import { tileOp } from '../ops/strided-copy/tile.ts';
import { resizeOp } from '../ops/resize/op.ts';
import { castOp } from '../ops/cast/op.ts';
import { whereOp } from '../ops/where/op.ts';
import { reduceOp } from '../ops/reduce/op.ts';
import { argReduceOp } from '../ops/reduce/arg-reduce.ts';
import { instanceNormOp } from '../ops/normalize/instance-norm.ts';
import { layerNormOp } from '../ops/normalize/layer-norm.ts';
import { optimizerStepOp } from '../ops/optimizer/op.ts';
import { clipNormScalesOp } from '../ops/clip-norm/op.ts';
import { accumulateOp } from '../ops/accumulate/op.ts';
import { lossOp } from '../ops/loss/op.ts';
import { batchNormTrainOp } from '../ops/batch-norm-train/op.ts';
import { batchNormBackwardOp } from '../ops/batch-norm-train/backward.ts';
import { movingAverageOp } from '../ops/moving-average/op.ts';
import { dropoutBackwardOp, dropoutTrainOp } from '../ops/dropout-train/op.ts';
import { formatShape, sizeOf } from '../shape.ts';

export const KERNEL_OPS: Record<string, OpDefinition<any>> = {
  matmul: matmulOp,
  activation: activationOp,
  activationGrad: activationGradOp,
  binary: binaryOp,
  softmax: softmaxOp,
  conv2d: conv2dOp,
  convTranspose2d: convTranspose2dOp,
  conv2dBackwardFilter: conv2dBackwardFilterOp,
  pool2d: pool2dOp,
  pool2dBackward: pool2dBackwardOp,
  depthToSpace: depthToSpaceOp,
  channelAffine: channelAffineOp,
  batchNorm: batchNormOp,
  dropout: dropoutOp,
  concat: concatOp,
  recurrent: recurrentOp,
  recurrentLayer: recurrentLayerOp,
  recurrentTrainForward: recurrentTrainForwardOp,
  recurrentBackward: recurrentBackwardOp,
  transpose: transposeOp,
  pad: padOp,
  embedding: embeddingOp,
  embeddingBackward: embeddingBackwardOp,
  slice: sliceOp,
  expand: expandOp,
  tile: tileOp,
  resize: resizeOp,
  cast: castOp,
  where: whereOp,
  reduce: reduceOp,
  argReduce: argReduceOp,
  layerNorm: layerNormOp,
  instanceNorm: instanceNormOp,
  optimizerStep: optimizerStepOp,
  clipNormScales: clipNormScalesOp,
  accumulate: accumulateOp,
  loss: lossOp,
  batchNormTrain: batchNormTrainOp,
  batchNormBackward: batchNormBackwardOp,
  movingAverage: movingAverageOp,
  dropoutTrain: dropoutTrainOp,
  dropoutBackward: dropoutBackwardOp,
};

/** reshape: 0 copies the input's dim at that position (unless allowZero), -1 is inferred (ONNX Reshape semantics). */
export interface ReshapeAttrs {
  shape: number[];
  /** A 0 is a dim of 0 (ONNX allowzero), not a copy of the input's dim. */
  allowZero?: boolean;
}

export function reshapeShape(where: string, input: TensorSpec, attrs: ReshapeAttrs): number[] {
  const shape = attrs.shape.map((d, i) => (d === 0 && !attrs.allowZero ? input.shape[i] : d));
  const inferred = shape.indexOf(-1);
  if (shape.some((d, i) => d === undefined || (d < 0 && i !== inferred)) || shape.lastIndexOf(-1) !== inferred) {
    throw new WgnnError(where, `target shape [${attrs.shape.join(', ')}] is invalid for input ${formatShape(input.shape)}: at most one -1, and 0 only where the input has a dim`);
  }
  const total = sizeOf(input.shape);
  if (inferred >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferred));
    if (known === 0 || total % known !== 0) throw new WgnnError(where, `cannot reshape ${formatShape(input.shape)} (${total} elements) to [${attrs.shape.join(', ')}]`);
    shape[inferred] = total / known;
  }
  if (sizeOf(shape) !== total) throw new WgnnError(where, `cannot reshape ${formatShape(input.shape)} (${total} elements) to ${formatShape(shape)} (${sizeOf(shape)})`);
  return shape;
}

export const VIEW_OPS = new Set(['reshape']);

export function isKnownOp(op: string): boolean {
  return op in KERNEL_OPS || VIEW_OPS.has(op);
}
