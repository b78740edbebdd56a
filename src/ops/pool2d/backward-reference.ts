// CPU reference of the pooling gradients, NHWC, written as a scatter from the definition: each
// output window (oh, ow) sends its dY to the input elements it was computed from.
//   max: y is the window's largest input tap, so dY goes to that one tap. Ties go to the FIRST
//        maximum in window order (kh outer, kw inner: row-major over the window), the element
//        PyTorch's max_pool2d (`val > maxval`), ONNX MaxPool's Indices and TF's argmax pick.
//        Padding is never a candidate; a window without an input tap sends nothing.
//   avg: y = sum(input taps) / divisor, so each input tap gets dY / divisor, the divisor counted
//        exactly as pool2dReference counts it (countIncludePad, ceil-mode overhang never counted).
// Global pooling is one window over all H*W positions: max -> dY to the first maximum in (h, w)
// row-major order; avg -> dY / (H*W) to every position.
// Sums in float64 and rounds to float32 once.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkRank } from '../reference-checks.ts';
import { globalPoolReference, pool2dReference, type PoolKind, type Pool2dReferenceAttrs } from './reference.ts';

const WHERE = 'pool2dBackwardReference';

function checkDy(where: string, dy: HostTensor, y: HostTensor): void {
  checkDataLength(where, 'dY', dy);
  if (dy.shape.join() !== y.shape.join()) throw new WgnnError(where, `dY ${formatShape(dy.shape)} must have the pooled output's shape ${formatShape(y.shape)}`);
}

/** x: [N, H, W, C], dY: [N, OH, OW, C] -> dX: [N, H, W, C]. */
export function pool2dBackwardReference(x: HostTensor, dy: HostTensor, attrs: Pool2dReferenceAttrs): HostTensor {
  // The forward validates x and the attributes and gives the output shape dY must have.
  checkDy(WHERE, dy, pool2dReference(x, attrs));
  const { kind, kernel, strides, dilations, pads, countIncludePad } = attrs;
  const [N, H, W, C] = x.shape;
  const [, OH, OW] = dy.shape;
  const [KH, KW] = kernel;
  const [top, left, bottom, right] = pads;
  const dx = new Float64Array(x.data.length);
  const at = (n: number, h: number, w: number, c: number) => ((n * H + h) * W + w) * C + c;

  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          const g = dy.data[((n * OH + oh) * OW + ow) * C + c];
          // The window's taps on the input, in window order, and its padded-tap count.
          const taps: number[] = [];
          let paddedTaps = 0;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * strides[0] - top + kh * dilations[0];
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * strides[1] - left + kw * dilations[1];
              if (ih >= -top && ih < H + bottom && iw >= -left && iw < W + right) paddedTaps++;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) taps.push(at(n, ih, iw, c));
            }
          }
          if (taps.length === 0) continue;
          if (kind === 'max') {
            let chosen = taps[0];
            for (const t of taps) if (x.data[t] > x.data[chosen]) chosen = t; // strict: the first maximum stays
            dx[chosen] += g;
          } else {
            const divisor = countIncludePad ? paddedTaps : taps.length;
            for (const t of taps) dx[t] += g / divisor;
          }
        }
      }
    }
  }
  return { shape: [...x.shape], data: Float32Array.from(dx) };
}

/** x: [N, H, W, C], dY: [N, 1, 1, C] -> dX: [N, H, W, C]. */
export function globalPoolBackwardReference(x: HostTensor, dy: HostTensor, kind: PoolKind): HostTensor {
  const where = 'globalPoolBackwardReference';
  checkRank(where, 'x', x, 4, '[N, H, W, C]');
  checkDy(where, dy, globalPoolReference(x, kind));
  const [N, H, W, C] = x.shape;
  const dx = new Float32Array(x.data.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const g = dy.data[n * C + c];
      const at = (i: number) => (n * H * W + i) * C + c;
      if (kind === 'avg') {
        for (let i = 0; i < H * W; i++) dx[at(i)] = g / (H * W);
      } else {
        let chosen = 0;
        for (let i = 1; i < H * W; i++) if (x.data[at(i)] > x.data[at(chosen)]) chosen = i;
        dx[at(chosen)] = g;
      }
    }
  }
  return { shape: [...x.shape], data: dx };
}
