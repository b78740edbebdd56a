// Gradient rule of convTranspose2d, Z = convT(x, w) + bias (then the epilogue's activation):
//   Z[n, ih*sh - top + kh*dh, iw*sw - left + kw*dw, g*CoutG + co] += x[n, ih, iw, ci] * w[ci, kh, kw, co].
// It is the adjoint of a convolution, so with dZ = dL/dZ both gradients are that convolution's ops
// on dZ, with the same strides, dilations, top/left pads and groups:
//   dx[n, ih, iw, ci] = sum dZ[n, ih*sh - top + kh*dh, ...] * w[ci, kh, kw, co]   = conv2d(dZ, w as [KH, KW, CoutG, Cin])
//   dw[ci, kh, kw, co] = sum x[n, ih, iw, ci] * dZ[n, ih*sh - top + kh*dh, ...]   = conv2dBackwardFilter with
//                        dZ as the convolution's input and x as its output gradient, transposed back
//   dbias = dZ summed over N, OH, OW.
// The convolution's bottom/right pads are chosen so that its output is x's H x W; where the output
// padding exceeds the bottom pad by a stride or more (it may reach the dilation), no pad >= 0 does,
// and the convolution's extra rows are cropped from dx (and x gets zero rows for dw: rows the
// forward never had).
import type { ValueId } from '../../graph/ir.ts';
import type { GradRule } from '../../train/grad.ts';
import { epilogueGrad } from '../activation/grad.ts';
import { LINEAR } from '../activation/kinds.ts';
import { convOutputSize } from '../conv2d/geometry.ts';
import { permute } from '../conv2d/grad.ts';
import { convTransposeGeometry, type ConvTranspose2dAttrs } from './op.ts';

export const convTranspose2dGrad: GradRule = (b, node, [dY], needs) => {
  const attrs = node.attrs as ConvTranspose2dAttrs;
  const [x, w, bias] = node.inputs as [ValueId, ValueId, ValueId | undefined];
  const g = convTransposeGeometry(`${node.name} (convTranspose2d)`, { shape: b.shape(x), dtype: 'float32' }, { shape: b.shape(w), dtype: 'float32' }, attrs);
  const { strides, dilations, groups } = attrs;
  const dZ = epilogueGrad(b, node, dY!);
  const [top, left, bottom, right] = g.pads;
  const pads = [top, left, Math.max(0, bottom - g.outputPadding[0]), Math.max(0, right - g.outputPadding[1])];
  const extraH = convOutputSize(g.OH, g.KH, strides[0], dilations[0], pads[0], pads[2]) - g.H;
  const extraW = convOutputSize(g.OW, g.KW, strides[1], dilations[1], pads[1], pads[3]) - g.W;
  const conv = { strides, dilations, padding: pads, groups };
  const grads: (ValueId | undefined)[] = [undefined, undefined, undefined];
  if (needs[0]) {
    const weights = permute(b, `${node.name}/dx_weights`, w, [1, 2, 3, 0]); // [KH, KW, CoutG, Cin]
    let dx = b.node('conv2d', `${node.name}/dx`, [dZ, weights], { ...conv, activation: LINEAR })[0];
    if (extraH > 0 || extraW > 0) {
      const whole = (size: number) => ({ begin: 0, step: 1, size });
      dx = b.node('slice', `${node.name}/dx_crop`, [dx], { axes: [whole(g.N), whole(g.H), whole(g.W), whole(g.Cin)] })[0];
    }
    grads[0] = dx;
  }
  if (needs[1]) {
    const dyOfConv = extraH > 0 || extraW > 0
      ? b.node('pad', `${node.name}/dw_rows`, [x], { mode: 'constant', pads: [0, 0, 0, 0, 0, extraH, extraW, 0], value: 0 })[0]
      : x;
    const dw = b.node('conv2dBackwardFilter', `${node.name}/dw`, [dZ, dyOfConv], { ...conv, kernel: [g.KH, g.KW] })[0]; // [KH, KW, CoutG, Cin]
    grads[1] = permute(b, `${node.name}/dw_layout`, dw, [3, 0, 1, 2]);
  }
  if (bias !== undefined && needs[2]) grads[2] = b.sumTo(`${node.name}/dbias`, dZ, b.shape(bias));
  return grads;
};
