// Broadcasting binary ops (shaders/binary.wgsl): arithmetic, prelu, pow, max, min, mod, comparisons
// and logic (booleans as 0 and 1), NumPy broadcasting up to rank 8.
import binaryWgsl from '../../../shaders/binary.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { binaryReference, type BinaryOp } from './reference.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import { activationReference } from '../activation/reference.ts';

export type { BinaryOp };

const SHADER = { name: 'binary.wgsl', code: binaryWgsl };
const OP_CODES: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, prelu: 4, pow: 5, max: 6, min: 7, mod: 8,
  equal: 9, less: 10, greater: 11, lessOrEqual: 12, greaterOrEqual: 13, and: 14, or: 15, xor: 16,
};
const MAX_RANK = 8;
const WG_SIZE = 256;

export interface BinaryAttrs {
  op: BinaryOp;
  /** Applied to the result in the same dispatch; linear when absent. */
  activation?: ResolvedActivation;
}

/** Right-aligns `values` into MAX_RANK slots filled with `fill`. */
function padTo8(values: number[], fill: number): number[] {
  return [...new Array(MAX_RANK - values.length).fill(fill), ...values];
}

export const binaryOp: OpDefinition<BinaryAttrs> = {
  name: 'binary',

  infer(where, [a, b]) {
    if (!a || !b) throw new WgnnError(where, 'needs two inputs');
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      throw new WgnnError(where, `inputs must be float32, got ${a.dtype} and ${b.dtype}`);
    }
    const shape = broadcastShapes(where, a.shape, b.shape);
    if (shape.length > MAX_RANK) throw new WgnnError(where, `rank ${shape.length} of ${formatShape(shape)} exceeds ${MAX_RANK}`);
    return [{ shape, dtype: 'float32' }];
  },

  plan([a, b], [out], { op, activation }, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    const shape = padTo8(out.shape, 1);
    const aStrides = padTo8(broadcastStrides(a!.shape, out.shape), 0);
    const bStrides = padTo8(broadcastStrides(b!.shape, out.shape), 0);
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { OP: OP_CODES[op], ACTIVATION: activation?.code ?? 0, WG_SIZE },
          params: {
            count,
            shapeLo: shape.slice(0, 4), shapeHi: shape.slice(4),
            aStridesLo: aStrides.slice(0, 4), aStridesHi: aStrides.slice(4),
            bStridesLo: bStrides.slice(0, 4), bStridesHi: bStrides.slice(4),
            alpha: activation?.alpha ?? 0, beta: activation?.beta ?? 0,
          },
          bindings: [{ input: 0 }, { input: 1 }, { output: 0 }],
          workgroups: spreadWorkgroups(op, Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([a, b], { op, activation }) {
    const result = binaryReference(op, a!, b!);
    return [activation ? activationReference(result, activation) : result];
  },
};
