// LSTM layers on the GPU vs the ONNX-layout CPU reference, each path forced (the resident one
// where it applies: up to 64 units): H 1..258, I not a multiple of 4, T 1..256, batch 1, 5, 9,
// 19, 16, 37 (batch tiles 1, 2, 4, 8, and 16 from 256 units), both layouts, every direction and
// merge mode, ragged lengths, initial states, peepholes, input_forget, clip, activations, and the
// Keras and PyTorch weight conventions.
import { RECURRENT_VARIANTS } from '../../../src/ops/recurrent/variant.ts';
import type { GpuCase } from './case.ts';
import { pathTakes, rnnCase, type RnnCase } from './recurrent-helpers.ts';

function cases(): RnnCase[] {
  const out: RnnCase[] = [];
  for (const variant of RECURRENT_VARIANTS) {
    const c = (rest: Omit<RnnCase, 'cell' | 'variant'>) => out.push({ cell: 'lstm', variant, ...rest });
    c({ T: 1, B: 1, I: 1, H: 1 });
    c({ T: 6, B: 9, I: 5, H: 6, direction: 'bidirectional', ragged: true, initial: true, peepholes: true });
    c({ T: 5, B: 19, I: 3, H: 10, direction: 'bidirectional', layout: 'batch-major', ragged: true, initial: true });
    c({ T: 7, B: 5, I: 3, H: 3, initial: true });
    c({ T: 6, B: 37, I: 4, H: 13, direction: 'bidirectional', ragged: true, initial: true, peepholes: true });
    c({ T: 5, B: 16, I: 8, H: 64, layout: 'batch-major', returnSequences: false });
    c({ T: 7, B: 1, I: 5, H: 17, direction: 'bidirectional' });
    c({ T: 7, B: 5, I: 10, H: 64, ragged: true, initial: true, peepholes: true });
    c({ T: 2, B: 2, I: 6, H: 256, direction: 'bidirectional', ragged: true });
    c({ T: 3, B: 37, I: 4, H: 258, direction: 'bidirectional', ragged: true, initial: true, peepholes: true }); // tile 16, a short last tile
    c({ T: 256, B: 1, I: 3, H: 3, peepholes: true });
    c({ T: 256, B: 5, I: 2, H: 8, direction: 'bidirectional', ragged: true, mergeMode: 'sum' });
    c({ T: 6, B: 5, I: 7, H: 5, direction: 'bidirectional', layout: 'batch-major', mergeMode: 'stack', ragged: true, initial: true });
    c({ T: 6, B: 5, I: 7, H: 5, direction: 'bidirectional', layout: 'batch-major', mergeMode: 'concat' });
    c({ T: 5, B: 3, I: 6, H: 9, direction: 'bidirectional', mergeMode: 'stack', initial: true, peepholes: true });
    c({ T: 7, B: 3, I: 5, H: 6, direction: 'reverse', ragged: true, initial: true });
    c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'keras', ragged: true });
    c({ T: 5, B: 3, I: 4, H: 7, direction: 'bidirectional', ragged: true, initial: 'h' });
    c({ T: 5, B: 3, I: 4, H: 7, layout: 'batch-major', initial: 'c' });
    c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'pytorch', layout: 'batch-major' });
    c({ T: 7, B: 3, I: 4, H: 5, inputForget: true, clip: 0.7, peepholes: true, returnSequences: false });
    c({ T: 5, B: 2, I: 3, H: 7, noBias: true, direction: 'bidirectional', mergeMode: 'ave' });
  }
  // Activations and merge modes do not depend on the path: each once, on the automatic choice's opposite pair.
  const a = (variant: RnnCase['variant'], rest: Omit<RnnCase, 'cell' | 'variant'>) => out.push({ cell: 'lstm', variant, ...rest });
  a('per-step', { T: 4, B: 2, I: 3, H: 5, activations: [{ name: 'HardSigmoid', alpha: 0.3, beta: 0.45 }, { name: 'Softsign' }, { name: 'ScaledTanh', alpha: 1.2, beta: 0.8 }] });
  a('sequence', { T: 4, B: 2, I: 3, H: 5, direction: 'bidirectional', mergeMode: 'mul', activations: [{ name: 'Sigmoid' }, { name: 'Tanh' }, { name: 'Tanh' }, { name: 'HardSigmoid' }, { name: 'Elu', alpha: 0.7 }, { name: 'Softplus' }] });
  a('per-step', { T: 4, B: 2, I: 3, H: 5, activations: [{ name: 'Sigmoid' }, { name: 'LeakyRelu', alpha: 0.2 }, { name: 'Affine', alpha: 0.5, beta: 0.1 }] });
  a('sequence', { T: 4, B: 2, I: 3, H: 5, activations: [{ name: 'Sigmoid' }, { name: 'Relu' }, { name: 'ThresholdedRelu', alpha: 0.1 }] });
  return out.filter(pathTakes);
}

export const lstmCases: GpuCase[] = cases().map(rnnCase);
