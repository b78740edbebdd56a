// CPU reference of a grouped 2-D convolution, NHWC, written from the definition:
//   y[n, oh, ow, co] = act( bias[co] + sum_{kh, kw, ci < Cin/groups}
//                          x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*Cin_g + ci] * w[kh, kw, ci, co] )
// with g = floor(co / Cout_g); taps that fall outside the input read zero (zero padding).
//   OH = floor((H + top + bottom - dh*(KH-1) - 1) / sh) + 1, and likewise OW.
// Depthwise is groups = Cin, Cout = Cin * multiplier: output channel c*multiplier + m reads input channel c.
// Accumulates in float64 (a JS number) and rounds to float32 once, when storing.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { applyActivation } from '../activation/reference.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkPads, checkPositiveInts, checkRank } from '../reference-checks.ts';

export interface Conv2dReferenceAttrs {
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right */
  pads: [number, number, number, number];
  groups: number;
  /** [Cout] */
  bias?: HostTensor;
  /** Applied to each output after the bias; undefined means identity. */
  activation?: ResolvedActivation;
}

const WHERE = 'conv2dReference';

/** x: [N, H, W, Cin], w: [KH, KW, Cin/groups, Cout] -> [N, OH, OW, Cout]. */
export function conv2dReference(x: HostTensor, w: HostTensor, attrs: Conv2dReferenceAttrs): HostTensor {
  const { strides, dilations, pads, groups, bias, activation } = attrs;
  checkRank(WHERE, 'x', x, 4, '[N, H, W, Cin]');
  checkRank(WHERE, 'w', w, 4, '[KH, KW, Cin/groups, Cout]');
  checkPositiveInts(WHERE, 'strides', strides, 2);
  checkPositiveInts(WHERE, 'dilations', dilations, 2);
  checkPositiveInts(WHERE, 'groups', [groups], 1);
  checkPads(WHERE, pads);
  const [N, H, W, Cin] = x.shape;
  const [KH, KW, CinG, Cout] = w.shape;
  if (Cin % groups !== 0 || Cout % groups !== 0) {
    throw new WgnnError(WHERE, `groups=${groups} must divide Cin=${Cin} (x ${formatShape(x.shape)}) and Cout=${Cout} (w ${formatShape(w.shape)})`);
  }
  if (CinG !== Cin / groups) {
    throw new WgnnError(WHERE, `w ${formatShape(w.shape)} must be [KH, KW, Cin/groups=${Cin / groups}, Cout] for x ${formatShape(x.shape)} and groups=${groups}`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== Cout)) {
    throw new WgnnError(WHERE, `bias ${formatShape(bias.shape)} must be [Cout=${Cout}]`);
  }
  checkDataLength(WHERE, 'x', x);
  checkDataLength(WHERE, 'w', w);
  if (bias) checkDataLength(WHERE, 'bias', bias);

  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const [top, left, bottom, right] = pads;
  const OH = Math.floor((H + top + bottom - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + left + right - dw * (KW - 1) - 1) / sw) + 1;
  if (!(OH > 0 && OW > 0)) {
    throw new WgnnError(
      WHERE,
      `output size ${OH}x${OW} <= 0: x ${formatShape(x.shape)}, w ${formatShape(w.shape)}, pads [${pads.join(', ')}], ` +
        `dilations [${dilations.join(', ')}]; the dilated kernel must fit inside the padded input`,
    );
  }
  const CoutG = Cout / groups;

  const y = new Float32Array(N * OH * OW * Cout);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let co = 0; co < Cout; co++) {
          const g = Math.floor(co / CoutG);
          let acc = bias ? bias.data[co] : 0;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - top + kh * dh;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sw - left + kw * dw;
              if (iw < 0 || iw >= W) continue;
              for (let ci = 0; ci < CinG; ci++) {
                const xv = x.data[((n * H + ih) * W + iw) * Cin + g * CinG + ci];
                const wv = w.data[((kh * KW + kw) * CinG + ci) * Cout + co];
                acc += xv * wv;
              }
            }
          }
          y[((n * OH + oh) * OW + ow) * Cout + co] = activation ? applyActivation(acc, activation) : acc;
        }
      }
    }
  }
  return { shape: [N, OH, OW, Cout], data: y };
}
