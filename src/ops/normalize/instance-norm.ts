// instanceNorm: ONNX InstanceNormalization, each (batch entry, channel) normalized over the
// spatial positions, then scaled and shifted per channel, in one dispatch of
// shaders/normalize.wgsl. Works on either layout as it is: channels last [N, spatial..., C] (a
// line strides over C; neighbouring invocations take neighbouring channels) or channels first
// [N, C, spatial...] (a line is contiguous).
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { OpDefinition } from '../op.ts';
import { checkEpsilon, normalizePlan } from './dispatch.ts';
import { instanceNormReference, type ChannelLayout } from './reference.ts';

export interface InstanceNormAttrs {
  epsilon: number;
  layout: ChannelLayout;
}

/** N, C and the spatial size of x in `layout`. */
function dims(shape: readonly number[], layout: ChannelLayout): [number, number, number] {
  const r = shape.length;
  return layout === 'channelsFirst' ? [shape[0], shape[1], sizeOf(shape.slice(2))] : [shape[0], shape[r - 1], sizeOf(shape.slice(1, r - 1))];
}

export const instanceNormOp: OpDefinition<InstanceNormAttrs> = {
  name: 'instanceNorm',

  infer(where, [x, scale, bias], { epsilon, layout }) {
    if (!x || !scale) throw new WgnnError(where, 'needs x and scale');
    if (layout !== 'channelsFirst' && layout !== 'channelsLast') throw new WgnnError(where, `layout '${layout}' is not channelsFirst or channelsLast`);
    for (const [name, t] of [['x', x], ['scale', scale], ['bias', bias]] as const) {
      if (t && t.dtype !== 'float32') throw new WgnnError(where, `${name} must be float32, got ${t.dtype}`);
    }
    if (x.shape.length < 3) throw new WgnnError(where, `x ${formatShape(x.shape)} needs rank >= 3: batch, channels and at least one spatial axis`);
    const [, C] = dims(x.shape, layout);
    for (const [name, t] of [['scale', scale], ['bias', bias]] as const) {
      if (t && t.shape.join() !== `${C}`) throw new WgnnError(where, `${name} ${formatShape(t.shape)} must be [${C}], one value per channel of x ${formatShape(x.shape)} (${layout})`);
    }
    checkEpsilon(where, epsilon);
    return [{ shape: [...x.shape], dtype: 'float32' }];
  },

  plan([x, , bias], _outputs, { epsilon, layout }, ctx) {
    const [N, C, S] = dims(x!.shape, layout);
    const last = layout === 'channelsLast';
    const problem = { lines: N * C, len: S, inner: last ? C : 1, perPosition: false, channels: C, epsilon, hasBias: !!bias, stats: false };
    return normalizePlan('instanceNorm', problem, ctx);
  },

  reference([x, scale, bias], { epsilon, layout }) {
    return [instanceNormReference(x!, scale!, bias, epsilon, layout)];
  },
};
