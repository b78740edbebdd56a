// GRU layers on the GPU vs the ONNX-layout CPU reference, each path forced (the resident one
// where it applies: up to 64 units), both linear_before_reset variants throughout: H 1..256, I
// not a multiple of 4, T 1..256, batch 1, 5, 9, 19, 37 (batch tiles 1, 2, 4, 8), both layouts,
// every direction and merge mode, ragged lengths, initial states, clip, activations, Keras
// (reset_after both ways) and PyTorch weights.
import { RECURRENT_VARIANTS } from '../../../src/ops/recurrent/variant.ts';
import type { GpuCase } from './case.ts';
import { pathTakes, rnnCase, type RnnCase } from './recurrent-helpers.ts';

function cases(): RnnCase[] {
  const out: RnnCase[] = [];
  for (const variant of RECURRENT_VARIANTS) {
    for (const linearBeforeReset of [false, true]) {
      const c = (rest: Omit<RnnCase, 'cell' | 'variant' | 'linearBeforeReset'>) => out.push({ cell: 'gru', variant, linearBeforeReset, ...rest });
      c({ T: 1, B: 1, I: 1, H: 1 });
      c({ T: 6, B: 9, I: 5, H: 6, direction: 'bidirectional', ragged: true, initial: true });
      c({ T: 5, B: 19, I: 3, H: 10, direction: 'bidirectional', layout: 'batch-major', ragged: true, initial: true });
      c({ T: 7, B: 5, I: 3, H: 3, initial: true });
      c({ T: 6, B: 37, I: 4, H: 13, direction: 'bidirectional', ragged: true, initial: true });
      c({ T: 7, B: 1, I: 5, H: 17, direction: 'bidirectional', ragged: true });
      c({ T: 7, B: 5, I: 10, H: 64, ragged: true, initial: true });
      c({ T: 2, B: 2, I: 6, H: 256, direction: 'bidirectional' });
      c({ T: 256, B: 1, I: 3, H: 3 });
      c({ T: 6, B: 5, I: 7, H: 5, direction: 'bidirectional', layout: 'batch-major', mergeMode: 'stack', ragged: true, initial: true });
      c({ T: 7, B: 3, I: 5, H: 6, direction: 'reverse', ragged: true, initial: true, clip: 0.8 });
      c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'keras', ragged: true });
    }
    const c = (rest: Omit<RnnCase, 'cell' | 'variant'>) => out.push({ cell: 'gru', variant, ...rest });
    c({ T: 256, B: 5, I: 2, H: 8, direction: 'bidirectional', ragged: true, mergeMode: 'sum', linearBeforeReset: true });
    c({ T: 7, B: 2, I: 5, H: 6, direction: 'bidirectional', format: 'pytorch', layout: 'batch-major', linearBeforeReset: true });
    c({ T: 7, B: 3, I: 4, H: 5, returnSequences: false, initial: true });
    c({ T: 5, B: 2, I: 3, H: 7, noBias: true, direction: 'bidirectional', mergeMode: 'ave' });
  }
  const a = (variant: RnnCase['variant'], rest: Omit<RnnCase, 'cell' | 'variant'>) => out.push({ cell: 'gru', variant, ...rest });
  a('per-step', { T: 4, B: 2, I: 3, H: 5, activations: [{ name: 'HardSigmoid', alpha: 0.25, beta: 0.4 }, { name: 'Softsign' }] });
  a('sequence', { T: 4, B: 2, I: 3, H: 5, linearBeforeReset: true, direction: 'bidirectional', mergeMode: 'mul', activations: [{ name: 'Sigmoid' }, { name: 'ScaledTanh', alpha: 0.9, beta: 1.1 }, { name: 'HardSigmoid' }, { name: 'Elu', alpha: 0.6 }] });
  a('per-step', { T: 4, B: 2, I: 3, H: 5, linearBeforeReset: true, activations: [{ name: 'Sigmoid' }, { name: 'Softplus' }] });
  return out.filter(pathTakes);
}

export const gruCases: GpuCase[] = cases().map(rnnCase);
