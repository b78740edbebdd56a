// Fusion passes over a compiled program (one input signature):
//   - batch norm after a convolution or dense layer folds into its weights and bias, once;
//   - an activation after conv / dense / transposed conv / batch norm / add-sub-mul-div moves
//     into that op's epilogue (same dispatch).
// A pass only fires when the intermediate value has no other consumer and is not a graph output.
import type { GraphNode, GraphValue, ValueId } from '../graph/ir.ts';
import { LINEAR, type ResolvedActivation } from '../ops/activation/kinds.ts';
import type { Specs } from './infer.ts';

export interface Program {
  values: GraphValue[];
  nodes: GraphNode[];
  inputs: ValueId[];
  outputs: ValueId[];
  specs: Specs;
}

/** Ops with an `activation` attribute that runs in their own dispatch. */
const EPILOGUE_OPS = new Set(['matmul', 'conv2d', 'convTranspose2d', 'channelAffine', 'binary']);

function consumers(program: Program, id: ValueId): GraphNode[] {
  return program.nodes.filter((n) => n.inputs.includes(id));
}

function soleConsumer(program: Program, id: ValueId): GraphNode | undefined {
  if (program.outputs.includes(id)) return undefined;
  const users = consumers(program, id);
  return users.length === 1 && users[0].inputs.filter((i) => i === id).length === 1 ? users[0] : undefined;
}

const isLinear = (a: ResolvedActivation | undefined) => a === undefined || a.kind === 'linear';

function addConstant(program: Program, name: string, shape: number[], data: Float32Array): ValueId {
  const id = program.values.length;
  program.values.push({ id, name, dtype: 'float32', shape, data });
  program.specs.set(id, { shape, dtype: 'float32' });
  return id;
}

/** Replaces `second` by `first`: first now writes second's outputs. */
function absorb(program: Program, first: GraphNode, second: GraphNode): void {
  first.outputs = second.outputs;
  for (const id of second.outputs) program.values[id].producer = first.id;
  program.nodes = program.nodes.filter((n) => n !== second);
}

function foldBatchNorm(program: Program, node: GraphNode): boolean {
  if (node.op !== 'conv2d' && node.op !== 'matmul') return false;
  const attrs = node.attrs as { activation: ResolvedActivation; transposeB?: boolean };
  const bn = soleConsumer(program, node.outputs[0]);
  if (!bn || bn.op !== 'channelAffine' || !isLinear(attrs.activation) || attrs.transposeB) return false;
  const [weightId, biasId] = [node.inputs[1]!, node.inputs[2]];
  const weights = program.values[weightId];
  const bias = biasId === undefined ? undefined : program.values[biasId];
  const [scale, shift] = [program.values[bn.inputs[1]!].data, program.values[bn.inputs[2]!].data];
  const C = program.specs.get(node.outputs[0])!.shape.at(-1)!;
  const weightShape = program.specs.get(weightId)!.shape;
  if (!weights.data || (bias && (!bias.data || program.specs.get(bias.id)!.shape.join() !== `${C}`)) || !scale || !shift || weightShape.at(-1) !== C) return false;
  const w = weights.data as Float32Array;
  const folded = w.map((v, i) => v * scale[i % C]);
  const newBias = new Float32Array(C).map((_, c) => ((bias?.data as Float32Array | undefined)?.[c] ?? 0) * scale[c] + shift[c]);
  node.inputs = [node.inputs[0], addConstant(program, `${weights.name}*${bn.name}`, weightShape, folded), addConstant(program, `${bn.name}:bias`, [C], newBias)];
  node.attrs = { ...(node.attrs as object), activation: (bn.attrs as { activation: ResolvedActivation }).activation };
  absorb(program, node, bn);
  return true;
}

function fuseActivation(program: Program, node: GraphNode): boolean {
  if (!EPILOGUE_OPS.has(node.op) || !isLinear((node.attrs as { activation?: ResolvedActivation }).activation)) return false;
  const next = soleConsumer(program, node.outputs[0]);
  if (!next || next.op !== 'activation') return false;
  node.attrs = { ...(node.attrs as object), activation: next.attrs as ResolvedActivation };
  absorb(program, node, next);
  return true;
}

/** Runs the passes to a fixed point; returns how many fusions happened, by kind. */
export function fuse(program: Program): { batchNormFolds: number; activationFusions: number } {
  const counts = { batchNormFolds: 0, activationFusions: 0 };
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of [...program.nodes]) {
      if (!program.nodes.includes(node)) continue;
      if (foldBatchNorm(program, node)) counts.batchNormFolds++, (changed = true);
      else if (fuseActivation(program, node)) counts.activationFusions++, (changed = true);
    }
  }
  return counts;
}

/** Drops nodes whose results nobody uses (dropout left as identity, unused final states). */
export function removeDeadNodes(program: Program): void {
  const needed = new Set(program.outputs);
  const kept: GraphNode[] = [];
  for (const node of [...program.nodes].reverse()) {
    if (node.outputs.some((id) => needed.has(id))) {
      kept.push(node);
      for (const id of node.inputs) if (id !== undefined) needed.add(id);
    }
  }
  program.nodes = kept.reverse();
}

/**
 * A node that reads one value through two inputs (add(x, x), matmul(t, t)) gets a copy for the
 * second: every storage binding is writable, and WebGPU rejects two writable bindings of the same
 * memory in one dispatch. Views count as the value they view.
 */
export function separateRepeatedInputs(program: Program, rootOf: (id: ValueId) => ValueId): number {
  let copies = 0;
  for (const node of [...program.nodes]) {
    const seen = new Set<ValueId>();
    node.inputs = node.inputs.map((id) => {
      if (id === undefined) return id;
      const root = rootOf(id);
      if (!seen.has(root)) {
        seen.add(root);
        return id;
      }
      const copy = program.values.length;
      program.values.push({ id: copy, name: `${program.values[id].name}:copy`, dtype: program.values[id].dtype });
      program.specs.set(copy, program.specs.get(id)!);
      const copyNode: GraphNode = { id: -1 - copies, name: `${node.name}/copy`, op: 'activation', inputs: [id], outputs: [copy], attrs: { ...LINEAR } };
      program.values[copy].producer = copyNode.id;
      program.nodes.splice(program.nodes.indexOf(node), 0, copyNode);
      copies++;
      return copy;
    });
  }
  return copies;
}
