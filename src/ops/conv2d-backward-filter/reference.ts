// CPU reference of the filter (weight) gradient of a grouped 2-D convolution, NHWC, written
// from the definition. The forward is
//   y[n, oh, ow, co] = sum_{kh, kw, ci} x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*Cin_g + ci] * w[kh, kw, ci, co]
// (g = floor(co / Cout_g), taps outside x read zero), so y is linear in w and
//   dL/dw[kh, kw, ci, co] = sum_{n, oh, ow} dy[n, oh, ow, co] * x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*Cin_g + ci]
// with dy = dL/dy. Written as a scatter over (n, oh, ow, co) and the taps each output read, so it
// shares no loop structure with the gather kernels. Accumulates in float64, rounds once.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkPads, checkPositiveInts, checkRank } from '../reference-checks.ts';

export interface Conv2dBackwardFilterReferenceAttrs {
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right; only top and left place the taps (dy's size fixes the rest). */
  pads: [number, number, number, number];
  groups: number;
  /** [KH, KW]: the filter's spatial size, which x and dy alone do not determine. */
  kernel: [number, number];
}

const WHERE = 'conv2dBackwardFilterReference';

/** x: [N, H, W, Cin], dy: [N, OH, OW, Cout] -> dw: [KH, KW, Cin/groups, Cout]. */
export function conv2dBackwardFilterReference(x: HostTensor, dy: HostTensor, attrs: Conv2dBackwardFilterReferenceAttrs): HostTensor {
  const { strides, dilations, pads, groups, kernel } = attrs;
  checkRank(WHERE, 'x', x, 4, '[N, H, W, Cin]');
  checkRank(WHERE, 'dy', dy, 4, '[N, OH, OW, Cout]');
  checkPositiveInts(WHERE, 'strides', strides, 2);
  checkPositiveInts(WHERE, 'dilations', dilations, 2);
  checkPositiveInts(WHERE, 'groups', [groups], 1);
  checkPositiveInts(WHERE, 'kernel', kernel, 2);
  checkPads(WHERE, pads);
  const [N, H, W, Cin] = x.shape;
  const [dyN, OH, OW, Cout] = dy.shape;
  if (dyN !== N) throw new WgnnError(WHERE, `dy ${formatShape(dy.shape)} and x ${formatShape(x.shape)} have different batch sizes`);
  if (Cin % groups !== 0 || Cout % groups !== 0) {
    throw new WgnnError(WHERE, `groups=${groups} must divide Cin=${Cin} (x ${formatShape(x.shape)}) and Cout=${Cout} (dy ${formatShape(dy.shape)})`);
  }
  checkDataLength(WHERE, 'x', x);
  checkDataLength(WHERE, 'dy', dy);

  const [KH, KW] = kernel;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const [top, left] = pads;
  const CinG = Cin / groups;
  const CoutG = Cout / groups;
  const acc = new Float64Array(KH * KW * CinG * Cout);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let co = 0; co < Cout; co++) {
          const d = dy.data[((n * OH + oh) * OW + ow) * Cout + co];
          const g = Math.floor(co / CoutG);
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - top + kh * dh;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sw - left + kw * dw;
              if (iw < 0 || iw >= W) continue;
              for (let ci = 0; ci < CinG; ci++) {
                acc[((kh * KW + kw) * CinG + ci) * Cout + co] += d * x.data[((n * H + ih) * W + iw) * Cin + g * CinG + ci];
              }
            }
          }
        }
      }
    }
  }
  return { shape: [KH, KW, CinG, Cout], data: Float32Array.from(acc) };
}
