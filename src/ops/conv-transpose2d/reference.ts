// CPU reference of a grouped 2-D transposed convolution, NHWC (ONNX ConvTranspose / PyTorch
// ConvTranspose2d semantics), written as a scatter: every input pixel, times every kernel tap,
// adds into one output pixel:
//   y[n, ih*sh - top + kh*dh, iw*sw - left + kw*dw, g*Cout_g + co] += x[n, ih, iw, ci] * w[ci, kh, kw, co]
// for g = floor(ci / Cin_g); contributions landing outside the output are dropped (that is what
// the pads crop). Then y = act(y + bias).
//   OH = sh*(H-1) + outputPadding_h + dh*(KH-1) + 1 - top - bottom, and likewise OW.
// The scatter form is deliberately different from a gather-style kernel, so the two check each other.
// Accumulates in float64 and rounds to float32 once, when storing.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import { applyActivation } from '../activation/reference.ts';
import type { ResolvedActivation } from '../activation/kinds.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkPads, checkRank, checkPositiveInts } from '../reference-checks.ts';

export interface ConvTranspose2dReferenceAttrs {
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right: rows and columns cropped from the full output */
  pads: [number, number, number, number];
  /** extra rows (bottom) and columns (right) added to the output size */
  outputPadding: [number, number];
  groups: number;
  /** [Cout] */
  bias?: HostTensor;
  /** Applied to each output after the bias; undefined means identity. */
  activation?: ResolvedActivation;
}

const WHERE = 'convTranspose2dReference';

/** x: [N, H, W, Cin], w: [Cin, KH, KW, Cout/groups] -> [N, OH, OW, Cout]. */
export function convTranspose2dReference(x: HostTensor, w: HostTensor, attrs: ConvTranspose2dReferenceAttrs): HostTensor {
  const { strides, dilations, pads, outputPadding, groups, bias, activation } = attrs;
  checkRank(WHERE, 'x', x, 4, '[N, H, W, Cin]');
  checkRank(WHERE, 'w', w, 4, '[Cin, KH, KW, Cout/groups]');
  checkPositiveInts(WHERE, 'strides', strides, 2);
  checkPositiveInts(WHERE, 'dilations', dilations, 2);
  checkPositiveInts(WHERE, 'groups', [groups], 1);
  checkPads(WHERE, pads);
  if (outputPadding.length !== 2 || outputPadding.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new WgnnError(WHERE, `outputPadding [${outputPadding.join(', ')}] must be 2 integers >= 0`);
  }
  const [N, H, W, Cin] = x.shape;
  const [wCin, KH, KW, CoutG] = w.shape;
  if (wCin !== Cin) {
    throw new WgnnError(WHERE, `w ${formatShape(w.shape)} must be [Cin=${Cin}, KH, KW, Cout/groups] for x ${formatShape(x.shape)}`);
  }
  if (Cin % groups !== 0) {
    throw new WgnnError(WHERE, `groups=${groups} must divide Cin=${Cin} (x ${formatShape(x.shape)})`);
  }
  const Cout = CoutG * groups;
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== Cout)) {
    throw new WgnnError(WHERE, `bias ${formatShape(bias.shape)} must be [Cout=${Cout}] (w ${formatShape(w.shape)}, groups=${groups})`);
  }
  checkDataLength(WHERE, 'x', x);
  checkDataLength(WHERE, 'w', w);
  if (bias) checkDataLength(WHERE, 'bias', bias);

  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const [top, left, bottom, right] = pads;
  const OH = sh * (H - 1) + outputPadding[0] + dh * (KH - 1) + 1 - top - bottom;
  const OW = sw * (W - 1) + outputPadding[1] + dw * (KW - 1) + 1 - left - right;
  if (!(OH > 0 && OW > 0)) {
    throw new WgnnError(
      WHERE,
      `output size ${OH}x${OW} <= 0: x ${formatShape(x.shape)}, w ${formatShape(w.shape)}, pads [${pads.join(', ')}] crop more than the full output`,
    );
  }
  const CinG = Cin / groups;

  const acc = new Float64Array(N * OH * OW * Cout);
  for (let n = 0; n < N; n++) {
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        for (let ci = 0; ci < Cin; ci++) {
          const g = Math.floor(ci / CinG);
          const xv = x.data[((n * H + ih) * W + iw) * Cin + ci];
          for (let kh = 0; kh < KH; kh++) {
            const oh = ih * sh - top + kh * dh;
            if (oh < 0 || oh >= OH) continue;
            for (let kw = 0; kw < KW; kw++) {
              const ow = iw * sw - left + kw * dw;
              if (ow < 0 || ow >= OW) continue;
              for (let co = 0; co < CoutG; co++) {
                const wv = w.data[((ci * KH + kh) * KW + kw) * CoutG + co];
                acc[((n * OH + oh) * OW + ow) * Cout + g * CoutG + co] += xv * wv;
              }
            }
          }
        }
      }
    }
  }

  const y = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i++) {
    const v = acc[i] + (bias ? bias.data[i % Cout] : 0);
    y[i] = activation ? applyActivation(v, activation) : v;
  }
  return { shape: [N, OH, OW, Cout], data: y };
}
