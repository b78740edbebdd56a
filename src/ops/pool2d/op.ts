// pool2d: max and average pooling, NHWC (shaders/pool2d.wgsl): kernel, stride, dilation,
// explicit or same/valid padding, ceil mode, count_include_pad. Global pooling is a window the
// size of the input. Variants: 'vec4' where the channels are whole vec4s, else 'scalar'.
import poolWgsl from '../../../shaders/pool2d.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { resolvePads, type Pads, type Pair, type Padding } from '../conv2d/geometry.ts';
import { selectVec4Variant, spreadWorkgroups, vec4Shader, type OpDefinition, type PlanContext, type TensorSpec, type Vec4Variant } from '../op.ts';
import { globalPoolReference, pool2dReference, type PoolKind } from './reference.ts';

const SHADER = { name: 'pool2d.wgsl', code: poolWgsl };
const SHADER_VEC4 = vec4Shader(SHADER);
export type PoolVariant = Vec4Variant;

/**
 * Pure choice: 'vec4' (an invocation per 4 channels, the same shader over vec4s) where the channels
 * are whole vec4s, else 'scalar' (forced: variants.pool2d). Measured (Node): [64,30,30,16] 2x2/2
 * (the video model's first pool) 40 -> 14 ms p25; notes in bench/NOTES.md.
 */
export function selectPoolVariant(channels: number, ctx: Pick<PlanContext, 'forcedVariants'>): PoolVariant {
  return selectVec4Variant('pool2d', ctx, channels % 4 === 0, `channels that are a multiple of 4, got ${channels}`);
}

export type { PoolKind };

export interface Pool2dAttrs {
  kind: PoolKind;
  /** undefined: global pooling over the whole input. */
  kernel?: Pair;
  strides: Pair;
  dilations: Pair;
  padding: Padding;
  ceilMode: boolean;
  countIncludePad: boolean;
}

/** Output length along one axis. With ceil mode, a last window starting past the input and its
 * leading padding is dropped (PyTorch and ONNX). */
function outputLength(size: number, kernel: number, stride: number, dilation: number, begin: number, end: number, ceil: boolean): number {
  const span = size + begin + end - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  const steps = ceil ? Math.ceil(span / stride) : Math.floor(span / stride);
  return steps * stride >= size + begin && ceil ? steps : steps + 1;
}

export interface Geometry { N: number; H: number; W: number; C: number; kernel: Pair; pads: Pads; OH: number; OW: number }

/** The window and output sizes of a pooling of x (kernel undefined: the whole input); throws on bad sizes. */
export function geometry(where: string, x: TensorSpec, attrs: Pool2dAttrs): Geometry {
  if (x.shape.length !== 4) throw new WgnnError(where, `input ${formatShape(x.shape)} must be [N, H, W, C]`);
  const [N, H, W, C] = x.shape;
  const kernel = attrs.kernel ?? [H, W];
  if (kernel.some((k) => !Number.isInteger(k) || k < 1)) throw new WgnnError(where, `kernel [${kernel.join(', ')}] must be integers >= 1`);
  const pads = resolvePads(where, attrs.padding, [H, W], kernel, attrs.strides, attrs.dilations, 2);
  for (const [axis, size, k, d, begin, end] of [['height', H, kernel[0], attrs.dilations[0], pads[0], pads[2]], ['width', W, kernel[1], attrs.dilations[1], pads[1], pads[3]]] as const) {
    if (d * (k - 1) + 1 > size + begin + end) {
      throw new WgnnError(where, `window ${formatShape(kernel)} (dilation ${formatShape(attrs.dilations)}) is larger than the padded input ${formatShape(x.shape)} along the ${axis}: ${d * (k - 1) + 1} > ${size} + ${begin} + ${end}`);
    }
    if (begin >= d * (k - 1) + 1 || end >= d * (k - 1) + 1) {
      throw new WgnnError(where, `pads [${pads.join(', ')}] must be smaller than the window ${formatShape(kernel)} along the ${axis}`);
    }
  }
  const OH = outputLength(H, kernel[0], attrs.strides[0], attrs.dilations[0], pads[0], pads[2], attrs.ceilMode);
  const OW = outputLength(W, kernel[1], attrs.strides[1], attrs.dilations[1], pads[1], pads[3], attrs.ceilMode);
  return { N, H, W, C, kernel, pads, OH, OW };
}

export const pool2dOp: OpDefinition<Pool2dAttrs> = {
  name: 'pool2d',

  infer(where, [x], attrs) {
    if (!x) throw new WgnnError(where, 'needs an input');
    if (x.dtype !== 'float32') throw new WgnnError(where, `input must be float32, got ${x.dtype}`);
    const g = geometry(where, x, attrs);
    return [{ shape: [g.N, g.OH, g.OW, g.C], dtype: 'float32' }];
  },

  plan([x], [out], attrs, ctx) {
    const g = geometry('pool2d', x!, attrs);
    if (sizeOf(out.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const lanes = selectPoolVariant(g.C, ctx) === 'vec4' ? 4 : 1;
    const count = sizeOf(out.shape) / lanes;
    return {
      scratchBytes: [],
      dispatches: [{
        shader: lanes === 4 ? SHADER_VEC4 : SHADER,
        overrides: { MAX: Number(attrs.kind === 'max'), COUNT_INCLUDE_PAD: Number(attrs.countIncludePad), WG_SIZE: 64 },
        params: {
          count, H: g.H, W: g.W, C: g.C / lanes, OH: g.OH, OW: g.OW, KH: g.kernel[0], KW: g.kernel[1],
          strideH: attrs.strides[0], strideW: attrs.strides[1], dilationH: attrs.dilations[0], dilationW: attrs.dilations[1],
          padTop: g.pads[0], padLeft: g.pads[1], padBottom: g.pads[2], padRight: g.pads[3],
        },
        bindings: [{ input: 0 }, { output: 0 }],
        workgroups: spreadWorkgroups('pool2d', Math.ceil(count / 64), ctx.limits),
      }],
    };
  },

  reference([x], attrs) {
    if (!attrs.kernel) return [globalPoolReference(x!, attrs.kind)];
    const g = geometry('pool2d', { shape: x!.shape, dtype: 'float32' }, attrs);
    return [pool2dReference(x!, { ...attrs, kernel: g.kernel, pads: g.pads })];
  },
};
