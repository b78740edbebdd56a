// CPU reference of the broadcasting binary ops: out[i] = a[ia] (op) b[ib], NumPy broadcasting.
import type { HostTensor } from '../host-tensor.ts';

/**
 * prelu(x, slope) = x >= 0 ? x : slope * x (ONNX PRelu, the slope broadcast to x); mod is C's
 * fmod (the sign of x, ONNX Mod with fmod = 1); comparisons and logic give booleans as 0 and 1,
 * and logic reads any nonzero value as true.
 */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'prelu' | 'pow' | 'max' | 'min' | 'mod'
  | 'equal' | 'less' | 'greater' | 'lessOrEqual' | 'greaterOrEqual' | 'and' | 'or' | 'xor';

export const BINARY_OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'prelu', 'pow', 'max', 'min', 'mod', 'equal', 'less', 'greater', 'lessOrEqual', 'greaterOrEqual', 'and', 'or', 'xor'];

function apply(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'prelu': return x >= 0 ? x : x * y;
    case 'pow': return x ** y;
    case 'max': return Math.max(x, y);
    case 'min': return Math.min(x, y);
    case 'mod': return x % y;
    case 'equal': return Number(x === y);
    case 'less': return Number(x < y);
    case 'greater': return Number(x > y);
    case 'lessOrEqual': return Number(x <= y);
    case 'greaterOrEqual': return Number(x >= y);
    case 'and': return Number(x !== 0 && y !== 0);
    case 'or': return Number(x !== 0 || y !== 0);
    case 'xor': return Number((x !== 0) !== (y !== 0));
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
