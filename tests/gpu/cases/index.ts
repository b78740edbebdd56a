// Every suite of GPU cases, by name. The Node side lists them; the test page runs them.
import type { GpuCase } from './case.ts';
import { conv2dCases } from './conv2d.ts';
import { convTransposeCases } from './conv-transpose.ts';
import { convBackwardCases } from './conv-backward.ts';
import { poolCases } from './pool.ts';
import { poolBackwardCases } from './pool-backward.ts';
import { modelCases } from './models.ts';
import { onnxCases } from './onnx.ts';
import { elementwiseCases } from './elementwise.ts';
import { engineCases } from './engine.ts';
import { matmulCases } from './matmul.ts';
import { shaderCases } from './shaders.ts';
import { lstmCases } from './recurrent-lstm.ts';
import { gruCases } from './recurrent-gru.ts';
import { simpleRnnCases } from './recurrent-rnn.ts';
import { recurrentLayerCases } from './recurrent-layers.ts';
import { recurrentTrainCases } from './recurrent-train.ts';
import { stridedCopyCases } from './strided-copy.ts';
import { resizeCases } from './resize.ts';
import { whereCastCases } from './where-cast.ts';
import { torchFixtureCases } from './torch-fixtures.ts';
import { gradCases } from './grad.ts';
import { trainingCases } from './training.ts';
import { reduceCases } from './reduce.ts';
import { normalizationCases } from './normalization.ts';
import { activationGradCases } from './activation-grad.ts';
import { optimizerCases } from './optimizer.ts';
import { lossCases } from './loss.ts';
import { normTrainCases } from './norm-train.ts';
import { embeddingBackwardCases } from './embedding-backward.ts';
import { kerasCases } from './keras.ts';

export const SUITES: Record<string, GpuCase[]> = {
  matmul: matmulCases,
  conv2d: conv2dCases,
  convTranspose: convTransposeCases,
  convBackward: convBackwardCases,
  pool: poolCases,
  poolBackward: poolBackwardCases,
  models: modelCases,
  onnx: onnxCases,
  elementwise: elementwiseCases,
  engine: engineCases,
  shaders: shaderCases,
  recurrentLstm: lstmCases,
  recurrentGru: gruCases,
  recurrentRnn: simpleRnnCases,
  recurrentLayers: recurrentLayerCases,
  recurrentTrain: recurrentTrainCases,
  stridedCopy: stridedCopyCases,
  resize: resizeCases,
  whereCast: whereCastCases,
  torchFixtures: torchFixtureCases,
  grad: gradCases,
  training: trainingCases,
  reduce: reduceCases,
  normalization: normalizationCases,
  activationGrad: activationGradCases,
  optimizer: optimizerCases,
  loss: lossCases,
  normTrain: normTrainCases,
  embeddingBackward: embeddingBackwardCases,
  keras: kerasCases,
};
