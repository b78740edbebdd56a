// Gradient rule of pool2d (max, average, global): dX = pool2dBackward(x, dY) with the forward's
// attributes. x is kept for max pooling's argmax and, for average pooling, only for its shape.
import type { GradRule } from '../../train/grad.ts';

export const pool2dGrad: GradRule = (b, node, [dy]) => [b.node('pool2dBackward', `${node.name}/grad`, [node.inputs[0], dy], node.attrs)[0]];
