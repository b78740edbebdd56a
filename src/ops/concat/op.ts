// concat: joins tensors along one axis (shaders/concat.wgsl, one copy dispatch per input).
import concatWgsl from '../../../shaders/concat.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, normalizeAxis, sizeOf } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { spreadWorkgroups, type Dispatch, type OpDefinition } from '../op.ts';

const SHADER = { name: 'concat.wgsl', code: concatWgsl };

export interface ConcatAttrs {
  axis: number;
}

/** The reference: walks the output and asks which input each element comes from. */
function concatReference(inputs: HostTensor[], axis: number): HostTensor {
  const shape = [...inputs[0].shape];
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
  const inner = sizeOf(shape.slice(axis + 1));
  const data = new Float32Array(sizeOf(shape));
  for (let flat = 0; flat < data.length; flat++) {
    const outer = Math.floor(flat / (inner * shape[axis]));
    let k = Math.floor(flat / inner) % shape[axis];
    const i = flat % inner;
    let t = 0;
    while (k >= inputs[t].shape[axis]) k -= inputs[t++].shape[axis];
    data[flat] = inputs[t].data[(outer * inputs[t].shape[axis] + k) * inner + i];
  }
  return { shape, data };
}

export const concatOp: OpDefinition<ConcatAttrs> = {
  name: 'concat',

  infer(where, inputs, { axis }) {
    if (inputs.length === 0 || inputs.some((t) => !t)) throw new WgnnError(where, 'needs at least one input, none missing');
    const first = inputs[0]!;
    const a = normalizeAxis(where, axis, first.shape.length);
    const shape = [...first.shape];
    shape[a] = 0;
    for (const t of inputs) {
      const ok = t!.shape.length === first.shape.length && t!.shape.every((d, i) => i === a || d === first.shape[i]);
      if (!ok) throw new WgnnError(where, `inputs ${inputs.map((x) => formatShape(x!.shape)).join(', ')} differ outside the concatenation axis ${a}`);
      shape[a] += t!.shape[a];
    }
    return [{ shape, dtype: first.dtype }];
  },

  plan(inputs, [out], { axis }, ctx) {
    const a = normalizeAxis('concat', axis, out.shape.length);
    const inner = sizeOf(out.shape.slice(a + 1));
    const dispatches: Dispatch[] = [];
    let axisStart = 0;
    inputs.forEach((t, index) => {
      const count = sizeOf(t!.shape);
      if (count > 0) {
        dispatches.push({
          shader: SHADER,
          overrides: { WG_SIZE: 256 },
          params: { count, len: t!.shape[a], inner, total: out.shape[a], axisStart },
          bindings: [{ input: index }, { output: 0 }],
          workgroups: spreadWorkgroups('concat', Math.ceil(count / 256), ctx.limits),
        });
      }
      axisStart += t!.shape[a];
    });
    return { scratchBytes: [], dispatches };
  },

  reference(inputs, { axis }) {
    return [concatReference(inputs as HostTensor[], normalizeAxis('concat', axis, inputs[0]!.shape.length))];
  },
};
