// CPU reference of DepthToSpace (ONNX, opset 13), translated to NHWC:
//   y[n, h*bs + by, w*bs + bx, c] = x[n, h, w, ic] with, for Cout = C / (bs*bs),
//   DCR (ONNX default): ic = (by*bs + bx)*Cout + c   (ONNX: reshape [N, bs, bs, Cout, H, W], perm [0, 3, 4, 1, 5, 2])
//   CRD (PyTorch PixelShuffle): ic = c*bs*bs + by*bs + bx  (reshape [N, Cout, bs, bs, H, W], perm [0, 1, 4, 2, 5, 3])
import { WgnnError } from '../../errors.ts';
import { formatShape } from '../../shape.ts';
import type { HostTensor } from '../host-tensor.ts';
import { checkDataLength, checkPositiveInts, checkRank } from '../reference-checks.ts';

export type DepthToSpaceMode = 'DCR' | 'CRD';

const WHERE = 'depthToSpaceReference';

/** x: [N, H, W, C] -> [N, H*bs, W*bs, C/(bs*bs)]. */
export function depthToSpaceReference(x: HostTensor, blockSize: number, mode: DepthToSpaceMode): HostTensor {
  checkRank(WHERE, 'x', x, 4, '[N, H, W, C]');
  checkPositiveInts(WHERE, 'blockSize', [blockSize], 1);
  if (mode !== 'DCR' && mode !== 'CRD') throw new WgnnError(WHERE, `mode '${String(mode)}' must be 'DCR' or 'CRD'`);
  checkDataLength(WHERE, 'x', x);
  const [N, H, W, C] = x.shape;
  const bs = blockSize;
  if (C % (bs * bs) !== 0) {
    throw new WgnnError(WHERE, `channels of x ${formatShape(x.shape)} must be a multiple of blockSize^2 = ${bs * bs}`);
  }
  const Cout = C / (bs * bs);
  const OH = H * bs;
  const OW = W * bs;

  const y = new Float32Array(N * OH * OW * Cout);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++) {
        for (let by = 0; by < bs; by++) {
          for (let bx = 0; bx < bs; bx++) {
            for (let c = 0; c < Cout; c++) {
              const ic = mode === 'DCR' ? (by * bs + bx) * Cout + c : c * bs * bs + by * bs + bx;
              y[((n * OH + h * bs + by) * OW + w * bs + bx) * Cout + c] = x.data[((n * H + h) * W + w) * C + ic];
            }
          }
        }
      }
    }
  }
  return { shape: [N, OH, OW, Cout], data: y };
}
