// where: out = condition ? x : y elementwise, NumPy broadcasting of all three (ONNX Where).
// The condition is a float32 tensor of booleans (0 and 1: how wgnn holds them; any nonzero is
// true); x and y share a dtype, float32 or int32 (shaders/where.wgsl).
import whereWgsl from '../../../shaders/where.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { whereReference } from './reference.ts';

const SHADER = { name: 'where.wgsl', code: whereWgsl };
const MAX_RANK = 8;
const WG_SIZE = 256;

const padTo8 = (values: number[], fill: number) => [...new Array(MAX_RANK - values.length).fill(fill), ...values];

export const whereOp: OpDefinition<Record<string, never>> = {
  name: 'where',

  infer(where, [condition, x, y]) {
    if (!condition || !x || !y) throw new WgnnError(where, 'needs a condition, x and y');
    if (condition.dtype !== 'float32') throw new WgnnError(where, `the condition must be a float32 tensor of booleans, got ${condition.dtype}`);
    if (x.dtype !== y.dtype) throw new WgnnError(where, `x and y must have one dtype, got ${x.dtype} and ${y.dtype}`);
    const shape = broadcastShapes(where, broadcastShapes(where, condition.shape, x.shape), y.shape);
    if (shape.length > MAX_RANK) throw new WgnnError(where, `rank of ${formatShape(shape)} exceeds ${MAX_RANK}`);
    return [{ shape, dtype: x.dtype }];
  },

  plan(inputs, [out], _attrs, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    const [c, x, y] = inputs.map((t) => padTo8(broadcastStrides(t!.shape, out.shape), 0));
    const shape = padTo8(out.shape, 1);
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { WG_SIZE },
          params: {
            count,
            shapeLo: shape.slice(0, 4), shapeHi: shape.slice(4),
            cStridesLo: c.slice(0, 4), cStridesHi: c.slice(4),
            xStridesLo: x.slice(0, 4), xStridesHi: x.slice(4),
            yStridesLo: y.slice(0, 4), yStridesHi: y.slice(4),
          },
          bindings: [{ input: 0 }, { input: 1 }, { input: 2 }, { output: 0 }],
          workgroups: spreadWorkgroups('where', Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([condition, x, y]) {
    return [whereReference(condition!, x!, y!)];
  },
};
