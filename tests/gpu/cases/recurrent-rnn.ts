// Simple-RNN layers on the GPU vs the ONNX-layout CPU reference, each path forced (the resident
// path is for LSTM and GRU layers; recurrent-errors.test.ts checks its error here): H 1..256, I
// not a multiple of 4, T 1..256, batch 1, 5, 9, 19 (batch tiles 1, 2, 4), both layouts, every
// direction, ragged lengths, initial states, clip, every ONNX activation, Keras and PyTorch weights.
import { RECURRENT_VARIANTS } from '../../../src/ops/recurrent/variant.ts';
import type { GpuCase } from './case.ts';
import { pathTakes, rnnCase, type RnnCase } from './recurrent-helpers.ts';

function cases(): RnnCase[] {
  const out: RnnCase[] = [];
  for (const variant of RECURRENT_VARIANTS) {
    const c = (rest: Omit<RnnCase, 'cell' | 'variant'>) => out.push({ cell: 'simpleRnn', variant, ...rest });
    c({ T: 1, B: 1, I: 1, H: 1 });
    c({ T: 6, B: 9, I: 5, H: 6, direction: 'bidirectional', ragged: true, initial: true });
    c({ T: 5, B: 19, I: 3, H: 10, direction: 'bidirectional', layout: 'batch-major', ragged: true, initial: true });
    c({ T: 7, B: 5, I: 3, H: 3, initial: true });
    c({ T: 7, B: 1, I: 5, H: 17, direction: 'bidirectional', ragged: true });
    c({ T: 7, B: 5, I: 10, H: 64, ragged: true, initial: true });
    c({ T: 2, B: 2, I: 6, H: 256, direction: 'bidirectional' });
    c({ T: 256, B: 1, I: 3, H: 3 });
    c({ T: 256, B: 5, I: 2, H: 8, direction: 'bidirectional', ragged: true, mergeMode: 'sum' });
    c({ T: 6, B: 5, I: 7, H: 5, direction: 'bidirectional', layout: 'batch-major', mergeMode: 'stack', ragged: true, initial: true });
    c({ T: 7, B: 3, I: 5, H: 6, direction: 'reverse', ragged: true, initial: true, clip: 0.5 });
    c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'keras', ragged: true });
    c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'pytorch', layout: 'batch-major', returnSequences: false });
  }
  // Every ONNX activation with its alpha/beta; bounded ones on long enough sequences to matter.
  const activations = [
    { name: 'Relu' }, { name: 'Sigmoid' }, { name: 'Affine', alpha: 0.6, beta: -0.2 }, { name: 'LeakyRelu', alpha: 0.3 },
    { name: 'ThresholdedRelu', alpha: 0.2 }, { name: 'ScaledTanh', alpha: 1.3, beta: 0.7 }, { name: 'HardSigmoid', alpha: 0.3, beta: 0.6 },
    { name: 'Elu', alpha: 0.8 }, { name: 'Softsign' }, { name: 'Softplus' },
  ];
  activations.forEach((act, i) => out.push({ cell: 'simpleRnn', variant: RECURRENT_VARIANTS[i % 2], T: 5, B: 2, I: 3, H: 6, activations: [act] }));
  out.push({ cell: 'simpleRnn', variant: 'sequence', T: 5, B: 2, I: 3, H: 6, direction: 'bidirectional', activations: [{ name: 'Tanh' }, { name: 'Elu', alpha: 1.5 }] });
  return out.filter(pathTakes);
}

export const simpleRnnCases: GpuCase[] = cases().map(rnnCase);
