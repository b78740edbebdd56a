// accumulate on host arrays: metrics[slot] += the sum of the values (summed in float64, the
// running sum stored as float32 like the GPU buffer).
import { WgnnError } from '../../errors.ts';
import type { HostTensor } from '../host-tensor.ts';

export function accumulateReference(values: HostTensor, slot: number, externals: Map<string, Float32Array>): void {
  const metrics = externals.get('metrics');
  if (!metrics) throw new WgnnError('accumulate', "needs the external buffer 'metrics', which was not given");
  if (slot >= metrics.length) throw new WgnnError('accumulate', `slot ${slot} is past the end of 'metrics' (${metrics.length} values)`);
  let sum = 0;
  for (const v of values.data) sum += v;
  metrics[slot] = Math.fround(metrics[slot] + sum);
}
