// What a node costs, for profiles and roofline fractions: floating-point operations (a
// multiply-add counts 2) and the minimum bytes it must move (read every input, write every output).
import type { GraphNode } from '../graph/ir.ts';
import type { TensorSpec } from '../ops/op.ts';
import type { RecurrentAttrs } from '../ops/recurrent/attrs.ts';
import { sizeOf } from '../shape.ts';

const GATES = { lstm: 4, gru: 3, simpleRnn: 1 } as const;

export function nodeCost(node: GraphNode, inputs: (TensorSpec | undefined)[], outputs: TensorSpec[]): { flops: number; bytes: number } {
  const bytes = [...inputs, ...outputs].reduce((sum, t) => sum + (t ? sizeOf(t.shape) * 4 : 0), 0);
  const out = sizeOf(outputs[0]?.shape ?? []);
  let flops = out;
  if (node.op === 'matmul') {
    const a = inputs[0]!.shape;
    const transposed = (node.attrs as { transposeA: boolean }).transposeA;
    flops = 2 * out * (transposed ? a[a.length - 2] : a[a.length - 1]);
  } else if (node.op === 'conv2d') {
    const [KH, KW, CinG] = inputs[1]!.shape;
    flops = 2 * out * KH * KW * CinG;
  } else if (node.op === 'convTranspose2d') {
    const [, KH, KW, CoutG] = inputs[1]!.shape;
    flops = 2 * sizeOf(inputs[0]!.shape) * KH * KW * CoutG;
  } else if (node.op === 'pool2d') {
    const k = (node.attrs as { kernel?: number[] }).kernel ?? inputs[0]!.shape.slice(1, 3);
    flops = out * k[0] * k[1];
  } else if (node.op === 'recurrent') {
    const a = node.attrs as RecurrentAttrs;
    const steps = sizeOf(inputs[0]!.shape) / a.inputSize; // T * B
    flops = 2 * steps * a.numDirections * GATES[a.cell] * a.hiddenSize * (a.inputSize + a.hiddenSize);
  }
  return { flops, bytes };
}
