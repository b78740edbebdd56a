// CPU reference of the broadcasting binary ops: out[i] = a[ia] (op) b[ib], NumPy broadcasting.
import type { HostTensor } from '../host-tensor.ts';

/** prelu(x, slope) = x >= 0 ? x : slope * x (ONNX PRelu, the slope broadcast to x). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'prelu';

function apply(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'prelu': return x >= 0 ? x : x * y;
  }
}

export function binaryReference(op: BinaryOp, a: HostTensor, b: HostTensor): HostTensor {
  const rank = Math.max(a.shape.length, b.shape.length);
  const padded = (s: number[]) => [...new Array(rank - s.length).fill(1), ...s];
  const as = padded(a.shape);
  const bs = padded(b.shape);
  const shape = as.map((d, i) => Math.max(d, bs[i]));
  for (let i = 0; i < rank; i++) {
    if ((as[i] !== shape[i] && as[i] !== 1) || (bs[i] !== shape[i] && bs[i] !== 1)) {
      throw new Error(`binary ${op}: shapes [${a.shape}] and [${b.shape}] do not broadcast`);
    }
  }
  const total = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(total);
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < total; flat++) {
    // Walk the multi-index of the output and map it into each operand, clamping broadcast axes to 0.
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * as[d] + (as[d] === 1 ? 0 : index[d]);
      ib = ib * bs[d] + (bs[d] === 1 ? 0 : index[d]);
    }
    data[flat] = apply(op, a.data[ia], b.data[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { shape, data };
}
