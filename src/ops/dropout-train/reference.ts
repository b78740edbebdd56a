// CPU reference of dropout in training and of its backward, from the definition (Keras 3 Dropout:
// keras/src/layers/regularization/dropout.py calls backend.random.dropout, which keeps an input
// with probability 1 - rate and scales it by 1 / (1 - rate)):
//   y[i] = keep(i) ? x[i] / (1 - rate) : 0,  keep(i) = bits(seed, t, i) / 2^32 >= rate
// with i the flat (row-major) index, t the training step (slot 1 of the external 'step' buffer),
// bits the counter-based hash of ./hash.ts. The backward is the same map applied to dY, since
// dy/dx is keep / (1 - rate) elementwise.
import { WgnnError } from '../../errors.ts';
import type { HostTensor } from '../host-tensor.ts';
import { STEP_LAYOUT } from '../optimizer/config.ts';
import { checkDataLength } from '../reference-checks.ts';
import { dropoutBits } from './hash.ts';

export interface DropoutAttrs {
  /** Fraction of the inputs dropped, in [0, 1). */
  rate: number;
  /** Integer in [0, 2^32): one per dropout layer, so two layers drop different elements. */
  seed: number;
}

/** The step number t from the 'step' buffer (the host writes t = 1, 2, ... before each step). */
export function stepNumber(where: string, externals: Map<string, Float32Array> | undefined): number {
  const step = externals?.get('step');
  if (!step) throw new WgnnError(where, "needs the external buffer 'step' (its slot 1 holds the training step t), which was not given");
  const t = step[STEP_LAYOUT.t];
  if (!(Number.isInteger(t) && t >= 0 && t <= 2 ** 24)) throw new WgnnError(where, `the step number t = ${t} in 'step' slot ${STEP_LAYOUT.t} must be an integer in [0, 2^24]`);
  return t;
}

/** Whether element `index` is kept at step t. */
export function dropoutKeeps(attrs: DropoutAttrs, t: number, index: number): boolean {
  return dropoutBits(attrs.seed, t, index) / 2 ** 32 >= attrs.rate;
}

export function dropoutReference(where: string, x: HostTensor, attrs: DropoutAttrs, t: number): HostTensor {
  checkDataLength(where, 'x', x);
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < data.length; i++) data[i] = dropoutKeeps(attrs, t, i) ? x.data[i] / (1 - attrs.rate) : 0;
  return { shape: [...x.shape], data };
}
