// CPU reference of movingAverage, from Keras 3's update of batch normalization's moving
// statistics (keras/src/layers/normalization/batch_normalization.py, call with training=True):
//   moving = moving * momentum + batch * (1 - momentum)
// on the host copy of the external buffer, elements [offset, offset + count), in float64 and
// rounded to float32 as the buffer holds them.
import { WgnnError } from '../../errors.ts';
import type { HostTensor } from '../host-tensor.ts';

export interface MovingAverageAttrs {
  /** The external buffer that holds the average. */
  buffer: string;
  /** Where the average starts in it, in floats. */
  offset: number;
  /** Keras's BatchNormalization default is 0.99. */
  momentum: number;
}

export function movingAverageReference(value: HostTensor, { buffer, offset, momentum }: MovingAverageAttrs, externals: Map<string, Float32Array>): void {
  const where = `movingAverage '${buffer}'`;
  const target = externals.get(buffer);
  if (!target) throw new WgnnError(where, `needs the external buffer '${buffer}', which was not given`);
  const count = value.data.length;
  if (offset + count > target.length) throw new WgnnError(where, `the average at [${offset}, ${offset + count}) runs past the end of '${buffer}' (${target.length} values)`);
  for (let i = 0; i < count; i++) target[offset + i] = target[offset + i] * momentum + value.data[i] * (1 - momentum);
}
