// Gradient rule of an activation node, and of the activation epilogue other ops carry (matmul,
// conv, binary): dx = dy * f'(.), from the output where the derivative is a function of it (so
// training need not keep the pre-activation alive), else from the input.
import type { GraphNode, ValueId } from '../../graph/ir.ts';
import type { GradBuilder, GradRule } from '../../train/grad.ts';
import { WgnnError } from '../../errors.ts';
import { usesOutput } from '../activation-grad/op.ts';
import type { ResolvedActivation } from './kinds.ts';

export const activationGrad: GradRule = (b, node, [dy]) => {
  const activation = node.attrs as ResolvedActivation;
  if (activation.kind === 'linear') return [dy];
  const v = usesOutput(activation) ? node.outputs[0] : node.inputs[0]!;
  return [b.node('activationGrad', `${node.name}/grad`, [dy, v], { activation })[0]];
};

/**
 * The gradient before a node's fused activation epilogue (its output is the activation's). Only
 * activations whose derivative follows from the output can be undone this way; the model API
 * keeps activations as nodes of their own, so training graphs meet the others there.
 */
export function epilogueGrad(b: GradBuilder, node: GraphNode, dy: ValueId): ValueId {
  const activation = (node.attrs as { activation?: ResolvedActivation }).activation;
  if (!activation || activation.kind === 'linear') return dy;
  if (!usesOutput(activation)) {
    throw new WgnnError(`${node.name} (${node.op})`, `its fused ${activation.kind} activation needs its input for the gradient; keep the activation a node of its own to train`);
  }
  return b.node('activationGrad', `${node.name}/epilogue_grad`, [dy, node.outputs[0]], { activation })[0];
}
