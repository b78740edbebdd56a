// convTranspose2d: grouped 2-D transposed convolution (ConvTranspose2d / Conv2DTranspose), NHWC,
// weights [Cin, KH, KW, Cout/groups], fused bias + activation (shaders/conv_transpose2d.wgsl).
//   OH = sh*(H-1) + outputPadding + dh*(KH-1) + 1 - top - bottom
// 'same' padding gives OH = H * sh (Keras): the kernel overhang is split as pads, or, when the
// kernel is shorter than the stride, the missing rows are added as output padding at the end.
import convTransposeWgsl from '../../../shaders/conv_transpose2d.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import { resolvePads, type Pads, type Pair, type Padding } from '../conv2d/geometry.ts';
import { spreadWorkgroups, type OpDefinition, type TensorSpec } from '../op.ts';
import { convTranspose2dReference } from './reference.ts';

const SHADER = { name: 'conv_transpose2d.wgsl', code: convTransposeWgsl };

export interface ConvTranspose2dAttrs {
  strides: Pair;
  dilations: Pair;
  padding: Padding;
  outputPadding: Pair;
  groups: number;
  activation: ResolvedActivation;
}

export interface ConvTransposeGeometry {
  N: number; H: number; W: number; Cin: number; CinG: number; KH: number; KW: number;
  Cout: number; CoutG: number; OH: number; OW: number; pads: Pads; outputPadding: Pair;
}

/** Pads and output padding for 'same' along one axis: output = size * stride. */
function sameAxis(kernel: number, stride: number, dilation: number): [begin: number, end: number, extra: number] {
  const total = (kernel - 1) * dilation + 1 - stride;
  if (total < 0) return [0, 0, -total];
  return [Math.floor(total / 2), total - Math.floor(total / 2), 0];
}

/** Sizes, resolved pads and output padding (with what 'same' adds) of a transposed convolution. */
export function convTransposeGeometry(where: string, x: TensorSpec, w: TensorSpec, attrs: ConvTranspose2dAttrs): ConvTransposeGeometry {
  if (x.shape.length !== 4) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, H, W, Cin]`);
  if (w.shape.length !== 4) throw new WgnnError(where, `weights ${formatShape(w.shape)} must be [Cin, KH, KW, Cout/groups]`);
  const [N, H, W, Cin] = x.shape;
  const [wCin, KH, KW, CoutG] = w.shape;
  const { groups, strides, dilations } = attrs;
  if (!Number.isInteger(groups) || groups < 1 || Cin % groups !== 0) {
    throw new WgnnError(where, `input channels ${Cin} of ${formatShape(x.shape)} are not divisible by groups ${groups}`);
  }
  if (wCin !== Cin || KH < 1 || KW < 1 || CoutG < 1) {
    throw new WgnnError(where, `weights ${formatShape(w.shape)} do not match input ${formatShape(x.shape)}: expected [${Cin}, KH, KW, Cout/groups]`);
  }
  let pads: Pads;
  let outputPadding = attrs.outputPadding;
  if (attrs.padding === 'same' || attrs.padding === 'same-upper' || attrs.padding === 'same-lower') {
    const [t, b, eh] = sameAxis(KH, strides[0], dilations[0]);
    const [l, r, ew] = sameAxis(KW, strides[1], dilations[1]);
    pads = attrs.padding === 'same-lower' ? [b, r, t, l] : [t, l, b, r];
    outputPadding = [outputPadding[0] + eh, outputPadding[1] + ew];
  } else {
    pads = resolvePads(where, attrs.padding, [H, W], [KH, KW], strides, dilations, 2);
  }
  if (outputPadding.some((p, i) => !Number.isInteger(p) || p < 0 || (p >= strides[i] && p >= dilations[i]))) {
    throw new WgnnError(where, `output padding [${outputPadding.join(', ')}] must be >= 0 and smaller than the stride or the dilation`);
  }
  const OH = strides[0] * (H - 1) + outputPadding[0] + dilations[0] * (KH - 1) + 1 - pads[0] - pads[2];
  const OW = strides[1] * (W - 1) + outputPadding[1] + dilations[1] * (KW - 1) + 1 - pads[1] - pads[3];
  if (OH < 1 || OW < 1) {
    throw new WgnnError(where, `output size ${OH}x${OW} is not positive: input ${H}x${W}, kernel ${KH}x${KW}, stride ${strides.join('x')}, pads [${pads.join(', ')}] crop more than the full output`);
  }
  return { N, H, W, Cin, CinG: Cin / groups, KH, KW, Cout: CoutG * groups, CoutG, OH, OW, pads, outputPadding };
}

export const convTranspose2dOp: OpDefinition<ConvTranspose2dAttrs> = {
  name: 'convTranspose2d',

  infer(where, [x, w, bias], attrs) {
    if (!x || !w) throw new WgnnError(where, 'needs an input and weights');
    const g = convTransposeGeometry(where, x, w, attrs);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== g.Cout)) {
      throw new WgnnError(where, `bias ${formatShape(bias.shape)} must be [${g.Cout}] (one per output channel)`);
    }
    return [{ shape: [g.N, g.OH, g.OW, g.Cout], dtype: 'float32' }];
  },

  plan([x, w, bias], [out], attrs, ctx) {
    const g = convTransposeGeometry('convTranspose2d', x!, w!, attrs);
    const count = sizeOf(out.shape);
    if (count === 0) return { scratchBytes: [], dispatches: [] };
    return {
      scratchBytes: [],
      dispatches: [{
        shader: SHADER,
        overrides: { HAS_BIAS: Number(!!bias), ACTIVATION: attrs.activation.code, WG_SIZE: 64 },
        params: {
          count, H: g.H, W: g.W, Cin: g.Cin, CinG: g.CinG, Cout: g.Cout, CoutG: g.CoutG, OH: g.OH, OW: g.OW, KH: g.KH, KW: g.KW,
          strideH: attrs.strides[0], strideW: attrs.strides[1], dilationH: attrs.dilations[0], dilationW: attrs.dilations[1],
          padTop: g.pads[0], padLeft: g.pads[1], alpha: attrs.activation.alpha, beta: attrs.activation.beta,
        },
        bindings: [{ input: 0 }, { input: 1 }, bias ? { input: 2 } : { unused: true }, { output: 0 }],
        workgroups: spreadWorkgroups('convTranspose2d', Math.ceil(count / 64), ctx.limits),
      }],
    };
  },

  reference([x, w, bias], attrs) {
    const g = convTransposeGeometry('convTranspose2d', { shape: x!.shape, dtype: 'float32' }, { shape: w!.shape, dtype: 'float32' }, attrs);
    return [convTranspose2dReference(x!, w!, {
      strides: attrs.strides, dilations: attrs.dilations, pads: g.pads, outputPadding: g.outputPadding,
      groups: attrs.groups, bias, activation: attrs.activation,
    })];
  },
};
