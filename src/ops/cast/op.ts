// cast: float32 <-> int32, and to booleans (float 0 and 1), elementwise (ONNX Cast on tensor
// data; shapes and constants are cast on the host by the importer). shaders/cast.wgsl.
import castWgsl from '../../../shaders/cast.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { sizeOf } from '../../shape.ts';
import type { DType } from '../../tensor-spec.ts';
import { spreadWorkgroups, type OpDefinition } from '../op.ts';
import { castReference, type CastTarget } from './reference.ts';

const SHADER = { name: 'cast.wgsl', code: castWgsl };
const TO_CODES: Record<CastTarget, number> = { float32: 0, int32: 1, bool: 2 };
const WG_SIZE = 256;

export interface CastAttrs {
  to: CastTarget;
}

export const castOutputType = (to: CastTarget): DType => (to === 'int32' ? 'int32' : 'float32');

export const castOp: OpDefinition<CastAttrs> = {
  name: 'cast',

  infer(where, [x], { to }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (!(to in TO_CODES)) throw new WgnnError(where, `cannot cast to '${String(to)}'; targets are float32, int32 and bool`);
    return [{ shape: [...x.shape], dtype: castOutputType(to) }];
  },

  plan([x], [out], { to }, ctx) {
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [
        {
          shader: SHADER,
          overrides: { FROM_INT: Number(x!.dtype === 'int32'), TO: TO_CODES[to], WG_SIZE },
          params: { count },
          bindings: [{ input: 0 }, { output: 0 }],
          workgroups: spreadWorkgroups('cast', Math.ceil(count / WG_SIZE), ctx.limits),
        },
      ],
    };
  },

  reference([x], { to }) {
    return [castReference(x!, to) as { shape: number[]; data: Float32Array }];
  },
};
