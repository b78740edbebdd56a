// CPU reference of softmax / logSoftmax along one axis:
// softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x); logSoftmax = (x_i - max) - log(sum).
import type { HostTensor } from '../host-tensor.ts';

export function softmaxReference(x: HostTensor, axis: number, log: boolean): HostTensor {
  const shape = x.shape;
  const len = shape[axis];
  const inner = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const data = new Float32Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * len + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, x.data[at(k)]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(x.data[at(k)] - max);
      for (let k = 0; k < len; k++) {
        const shifted = x.data[at(k)] - max;
        data[at(k)] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
      }
    }
  }
  return { shape: [...shape], data };
}
