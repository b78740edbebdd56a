// Gradient rule of conv2d, Z = conv(x, w) + bias (then the epilogue's activation). Z is linear in
// x and in w, so with dZ = dL/dZ:
//   dx = the transposed convolution of dZ with w (same strides, dilations, pads, groups), cropped
//        or extended to x's size: each input pixel gathers the outputs and taps that read it;
//   dw = the correlation of x with dZ over every output pixel (conv2dBackwardFilter);
//   dbias = dZ summed over N, OH, OW.
// conv1d (height 1) and depthwise convolutions (groups = Cin) are conv2d nodes, so this one rule
// covers them. At stride 1, dx is a plain convolution of dZ with the spatially flipped weights,
// each group's channels swapped: it runs on conv2d's fast kernels (the implicit GEMMs) instead of
// the one-output-per-invocation transposed kernel (measured, Node on SwiftShader, dy [32,24,24,64]
// -> dx [32,26,26,32], 3x3: conv2d 243-313 ms, convTranspose2d 2092-4497 ms).
import type { ValueId } from '../../graph/ir.ts';
import type { GradBuilder, GradRule } from '../../train/grad.ts';
import { epilogueGrad } from '../activation/grad.ts';
import { LINEAR } from '../activation/kinds.ts';
import { convGeometry, type Conv2dAttrs, type ConvGeometry } from './op.ts';

/** `perm` of `id` as a transpose node, or as a reshape where it moves no data (only dims of 1 move). */
export function permute(b: GradBuilder, name: string, id: ValueId, perm: number[]): ValueId {
  const shape = b.shape(id);
  const moved = perm.filter((p) => shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || moved[i - 1] < p)) return b.reshape(name, id, perm.map((p) => shape[p]));
  return b.node('transpose', name, [id], { perm })[0];
}

/** Stride 1 with pads inside the dilated kernel: dx is a convolution with non-negative pads. */
function isFlippedConv(g: ConvGeometry): boolean {
  const [extentH, extentW] = [g.dilations[0] * (g.KH - 1), g.dilations[1] * (g.KW - 1)];
  const [top, left, bottom, right] = g.pads;
  return g.strides[0] === 1 && g.strides[1] === 1 && Math.max(top, bottom) <= extentH && Math.max(left, right) <= extentW;
}

/**
 * dx[n, ih, iw, g*CinG + ci] = sum dZ[n, oh, ow, g*CoutG + co] * w[kh, kw, ci, g*CoutG + co]
 * over ih = oh*sh - top + kh*dh (and likewise iw).
 */
function inputGrad(b: GradBuilder, name: string, dZ: ValueId, w: ValueId, g: ConvGeometry): ValueId {
  const [extentH, extentW] = [g.dilations[0] * (g.KH - 1), g.dilations[1] * (g.KW - 1)];
  if (isFlippedConv(g)) {
    // With kh' = KH-1-kh: oh = ih + (extentH - top) - kh'*dh, a stride-1 convolution of dZ padded by
    // extent - pad before and after, weights w'[kh', kw', co, g*CinG + ci] = w[kh, kw, ci, g*CoutG + co].
    const whole = (size: number) => ({ begin: 0, step: 1, size });
    const flipped = b.node('slice', `${name}/dx_flip`, [w], {
      axes: [{ begin: g.KH - 1, step: -1, size: g.KH }, { begin: g.KW - 1, step: -1, size: g.KW }, whole(g.CinG), whole(g.Cout)],
    })[0];
    const split = b.reshape(`${name}/dx_groups`, flipped, [g.KH, g.KW, g.CinG, g.groups, g.CoutG]);
    const swapped = permute(b, `${name}/dx_swap`, split, [0, 1, 4, 3, 2]);
    const weights = b.reshape(`${name}/dx_weights`, swapped, [g.KH, g.KW, g.CoutG, g.Cin]);
    const [top, left, bottom, right] = g.pads;
    const padding = [extentH - top, extentW - left, extentH - bottom, extentW - right];
    return b.node('conv2d', `${name}/dx`, [dZ, weights], { strides: [1, 1], dilations: g.dilations, padding, groups: g.groups, activation: LINEAR })[0];
  }
  // The transposed convolution with the forward's geometry; output padding restores the rows and
  // columns the forward's floor division dropped, so that the output is H x W exactly.
  const dropped = (size: number, axis: 0 | 1, extent: number) => (size + g.pads[axis] + g.pads[axis + 2] - extent - 1) % g.strides[axis];
  const outputPadding = [dropped(g.H, 0, extentH), dropped(g.W, 1, extentW)];
  const weights = permute(b, `${name}/dx_weights`, w, [3, 0, 1, 2]); // [Cout, KH, KW, CinG]
  return b.node('convTranspose2d', `${name}/dx`, [dZ, weights], {
    strides: g.strides, dilations: g.dilations, padding: [...g.pads], outputPadding, groups: g.groups, activation: LINEAR,
  })[0];
}

export const conv2dGrad: GradRule = (b, node, [dY], needs) => {
  const attrs = node.attrs as Conv2dAttrs;
  const [x, w, bias] = node.inputs as [ValueId, ValueId, ValueId | undefined];
  const g = convGeometry(`${node.name} (conv2d)`, { shape: b.shape(x), dtype: 'float32' }, { shape: b.shape(w), dtype: 'float32' }, attrs);
  const dZ = epilogueGrad(b, node, dY!);
  const grads: (ValueId | undefined)[] = [undefined, undefined, undefined];
  if (needs[0]) grads[0] = inputGrad(b, node.name, dZ, w, g);
  if (needs[1]) {
    const filterAttrs = { strides: g.strides, dilations: g.dilations, padding: [...g.pads], groups: g.groups, kernel: [g.KH, g.KW] };
    grads[1] = b.node('conv2dBackwardFilter', `${node.name}/dw`, [x, dZ], filterAttrs)[0];
  }
  if (bias !== undefined && needs[2]) grads[2] = b.sumTo(`${node.name}/dbias`, dZ, b.shape(bias));
  return grads;
};
