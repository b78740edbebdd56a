// CPU reference of 2-D max and average pooling, NHWC, and of global pooling.
//
// Window of output (oh, ow): rows oh*sh - top + kh*dh for kh < KH (columns likewise).
// Output size (ONNX MaxPool/AveragePool, PyTorch pooling_output_shape):
//   OH = floor((H + top + bottom - dh*(KH-1) - 1) / sh) + 1        (ceil instead of floor if ceilMode)
//   and, with ceilMode, if (OH-1)*sh >= H + top then OH -= 1: a last window that would start inside
//   the bottom padding or beyond is dropped ("sliding windows that would start in the right padded
//   region are ignored", ONNX AveragePool doc and torch.nn.AvgPool2d note).
// max: padding is -infinity, so it never wins; a window with no input element gives -Infinity.
// avg: sum of the input elements in the window (padding adds zero) divided by
//   countIncludePad=false: the number of taps on the input, 0 <= row < H (and columns);
//   countIncludePad=true:  the number of taps inside the padded input, -top <= row < H + bottom.
//   Taps past the padded input, which exist only because of ceilMode, are never counted. This is
//   PyTorch's avg_pool2d divisor (aten AvgPoolKernel.cpp: ih1 = min(ih0 + kH, H + padH),
//   pool_size = (ih1 - ih0) * (iw1 - iw0)), extended tap by tap to dilation and asymmetric pads, and
//   what onnx.reference and onnxruntime agree on after onnx/onnx#5276.
//   A window with no counted tap gives 0.
// Accumulates in float64 and rounds to float32 once, when storing.
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkPads, checkPositiveInts, checkRank } from '../reference-checks.ts';

export type PoolKind = 'max' | 'avg';

export interface Pool2dReferenceAttrs {
  kind: PoolKind;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** top, left, bottom, right */
  pads: [number, number, number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
}

const WHERE = 'pool2dReference';

/** Output length along one axis; exported so tests can state known PyTorch/ONNX sizes. */
export function pooledSize(
  size: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceilMode: boolean,
): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBegin) out -= 1;
  return out;
}

/** x: [N, H, W, C] -> [N, OH, OW, C]. */
export function pool2dReference(x: HostTensor, attrs: Pool2dReferenceAttrs): HostTensor {
  const { kind, kernel, strides, dilations, pads, ceilMode, countIncludePad } = attrs;
  checkRank(WHERE, 'x', x, 4, '[N, H, W, C]');
  checkPositiveInts(WHERE, 'kernel', kernel, 2);
  checkPositiveInts(WHERE, 'strides', strides, 2);
  checkPositiveInts(WHERE, 'dilations', dilations, 2);
  checkPads(WHERE, pads);
  if (kind !== 'max' && kind !== 'avg') throw new WgnnError(WHERE, `kind '${String(kind)}' must be 'max' or 'avg'`);
  checkDataLength(WHERE, 'x', x);

  const [N, H, W, C] = x.shape;
  const [KH, KW] = kernel;
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  const [top, left, bottom, right] = pads;
  const OH = pooledSize(H, KH, sh, dh, top, bottom, ceilMode);
  const OW = pooledSize(W, KW, sw, dw, left, right, ceilMode);
  if (!(OH > 0 && OW > 0)) {
    throw new WgnnError(
      WHERE,
      `output size ${OH}x${OW} <= 0: x ${formatShape(x.shape)}, kernel [${kernel.join(', ')}], dilations [${dilations.join(', ')}], ` +
        `pads [${pads.join(', ')}]; the dilated window must fit inside the padded input`,
    );
  }

  const y = new Float32Array(N * OH * OW * C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          let max = -Infinity;
          let sum = 0;
          let inputTaps = 0;
          let paddedTaps = 0;
          for (let kh = 0; kh < KH; kh++) {
            const ih = oh * sh - top + kh * dh;
            for (let kw = 0; kw < KW; kw++) {
              const iw = ow * sw - left + kw * dw;
              if (ih >= -top && ih < H + bottom && iw >= -left && iw < W + right) paddedTaps++;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              const v = x.data[((n * H + ih) * W + iw) * C + c];
              inputTaps++;
              sum += v;
              max = Math.max(max, v); // Math.max propagates NaN, as PyTorch's max pooling does
            }
          }
          const divisor = countIncludePad ? paddedTaps : inputTaps;
          y[((n * OH + oh) * OW + ow) * C + c] = kind === 'max' ? max : divisor > 0 ? sum / divisor : 0;
        }
      }
    }
  }
  return { shape: [N, OH, OW, C], data: y };
}

/** x: [N, H, W, C] -> [N, 1, 1, C]: the max or the mean over all H*W positions of each channel. */
export function globalPoolReference(x: HostTensor, kind: PoolKind): HostTensor {
  const where = 'globalPoolReference';
  checkRank(where, 'x', x, 4, '[N, H, W, C]');
  if (kind !== 'max' && kind !== 'avg') throw new WgnnError(where, `kind '${String(kind)}' must be 'max' or 'avg'`);
  checkDataLength(where, 'x', x);
  const [N, H, W, C] = x.shape;
  if (H * W === 0) throw new WgnnError(where, `x ${formatShape(x.shape)} has no spatial positions to pool`);
  const y = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let max = -Infinity;
      let sum = 0;
      for (let i = 0; i < H * W; i++) {
        const v = x.data[(n * H * W + i) * C + c];
        sum += v;
        max = Math.max(max, v);
      }
      y[n * C + c] = kind === 'max' ? max : sum / (H * W);
    }
  }
  return { shape: [N, 1, 1, C], data: y };
}
