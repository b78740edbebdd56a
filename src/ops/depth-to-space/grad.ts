// Gradient rule of depthToSpace: every output element is one input element moved, so the gradient
// moves back the other way (space to depth). Written as views and one transpose, which have their
// own kernels and CPU reference: dy [N, H*b, W*b, C'] viewed as [N, H, b, W, b, C'] is permuted
// to [N, H, W, b, b, C'] (DCR: channel (by*b + bx)*C' + c) or [N, H, W, C', b, b] (CRD: channel
// c*b*b + by*b + bx), then viewed as [N, H, W, C'*b*b].
import type { GradRule } from '../../train/grad.ts';
import type { DepthToSpaceAttrs } from './op.ts';

export const depthToSpaceGrad: GradRule = (b, node, [dy]) => {
  const { blockSize: bs, mode } = node.attrs as DepthToSpaceAttrs;
  const [N, H, W, C] = b.shape(node.inputs[0]!);
  const cout = C / (bs * bs);
  const blocks = b.reshape(`${node.name}/grad/blocks`, dy!, [N, H, bs, W, bs, cout]);
  const perm = mode === 'DCR' ? [0, 1, 3, 2, 4, 5] : [0, 1, 3, 5, 2, 4];
  const moved = b.node('transpose', `${node.name}/grad`, [blocks], { perm })[0];
  return [b.reshape(`${node.name}/grad/depth`, moved, [N, H, W, C])];
};
