// Fusion passes over a compiled program (one input signature):
//   - batch norm after a convolution or dense layer folds into its weights and bias, once;
//   - the exact GELU written out (x * 0.5 * (1 + erf(x / sqrt 2))) becomes one gelu activation;
//   - a constant row added after a matmul becomes its bias;
//   - an activation after conv / dense / transposed conv / batch norm / add-sub-mul-div moves
//     into that op's epilogue (same dispatch);
//   - in training, relu's gradient after a pooling gradient joins it (pool2dBackward reluMask).
// A pass only fires when the intermediate value has no other consumer and is not a graph output.
import type { GraphNode, GraphValue, ValueId } from '../graph/ir.ts';
import { ACTIVATIONS, LINEAR, type ResolvedActivation } from '../ops/activation/kinds.ts';
import { KERNEL_OPS } from '../graph/ops.ts';
import type { Specs } from './infer.ts';
import { memoizedByArrays } from './memo.ts';

export interface Program {
  values: GraphValue[];
  nodes: GraphNode[];
  inputs: ValueId[];
  outputs: ValueId[];
  specs: Specs;
}

export interface Fusions {
  batchNormFolds: number;
  /** Constant rows added after a matmul that became its bias. */
  biasFusions: number;
  activationFusions: number;
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

const NO_BIAS = {};

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
  const { folded, newBias } = memoizedByArrays([w, scale, shift, bias?.data ?? NO_BIAS], () => ({
    folded: w.map((v, i) => v * scale[i % C]),
    newBias: new Float32Array(C).map((_, c) => ((bias?.data as Float32Array | undefined)?.[c] ?? 0) * scale[c] + shift[c]),
  }));
  node.inputs = [node.inputs[0], addConstant(program, `${weights.name}*${bn.name}`, weightShape, folded), addConstant(program, `${bn.name}:bias`, [C], newBias)];
  node.attrs = { ...(node.attrs as object), activation: (bn.attrs as { activation: ResolvedActivation }).activation };
  absorb(program, node, bn);
  return true;
}

/**
 * A dense layer exported as MatMul then Add of a constant row (PyTorch's nn.Linear on inputs of
 * rank 3 or more) takes the row as its bias: one dispatch instead of two.
 */
function fuseBias(program: Program, node: GraphNode): boolean {
  if (node.op !== 'matmul' || node.inputs[2] !== undefined || !isLinear((node.attrs as { activation?: ResolvedActivation }).activation)) return false;
  const add = soleConsumer(program, node.outputs[0]);
  if (!add || add.op !== 'binary' || (add.attrs as { op: string }).op !== 'add') return false;
  const rowId = add.inputs.find((id) => id !== node.outputs[0]);
  const out = program.specs.get(node.outputs[0])!.shape;
  const row = rowId === undefined ? undefined : program.values[rowId];
  const rowShape = rowId === undefined ? [] : program.specs.get(rowId)!.shape;
  const N = out.at(-1)!;
  const isRow = row?.data && rowShape.at(-1) === N && rowShape.slice(0, -1).every((d) => d === 1) && rowShape.length <= out.length;
  if (!isRow) return false;
  node.inputs = [node.inputs[0], node.inputs[1], addConstant(program, row.name, [N], row.data as Float32Array)];
  node.attrs = { ...(node.attrs as object), activation: (add.attrs as { activation?: ResolvedActivation }).activation ?? LINEAR };
  absorb(program, node, add);
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

/** The value `id` views (through reshapes), and whether every reshape on the way is its input's only use. */
function viewedValue(program: Program, id: ValueId): { root: ValueId; soleUses: boolean } {
  let soleUses = true;
  for (let producer = producerOf(program, id); producer?.op === 'reshape'; producer = producerOf(program, id)) {
    id = producer.inputs[0]!;
    soleUses &&= soleConsumer(program, id) === producer;
  }
  return { root: id, soleUses };
}

const producerOf = (program: Program, id: ValueId) => program.nodes.find((n) => n.outputs.includes(id));

/**
 * The gradient of conv(relu) -> pooling (the Keras CNN's pattern): the pooling gradient of the
 * relu's output y, then relu's gradient dX * (y > 0), become one pool2dBackward with reluMask,
 * where the pooling gradient is all of y's gradient (the relu gradient's only source). Reshapes
 * between them (TimeDistributed's) are views of the same elements: the relu gradient's node then
 * becomes a reshape of what it read.
 */
function fuseReluIntoPoolGrad(program: Program, node: GraphNode): boolean {
  if (node.op !== 'activationGrad' || (node.attrs as { activation: ResolvedActivation }).activation.kind !== 'relu') return false;
  const [dy, y] = node.inputs;
  if (soleConsumer(program, dy!) !== node) return false;
  const gradient = viewedValue(program, dy!);
  const pool = producerOf(program, gradient.root);
  if (!gradient.soleUses || pool?.op !== 'pool2dBackward' || (pool.attrs as { reluMask?: boolean }).reluMask) return false;
  if (viewedValue(program, pool.inputs[0]!).root !== viewedValue(program, y!).root) return false;
  pool.attrs = { ...(pool.attrs as object), reluMask: true };
  if (gradient.root === dy) {
    absorb(program, pool, node);
  } else {
    node.op = 'reshape';
    node.inputs = [dy];
    node.attrs = { shape: [...program.specs.get(node.outputs[0])!.shape], allowZero: true };
  }
  return true;
}

/** The single value of a scalar constant, if `id` is one. */
function scalarConstant(program: Program, id: ValueId | undefined): number | undefined {
  const data = id === undefined ? undefined : program.values[id].data;
  return data && data.length === 1 ? data[0] : undefined;
}

/** The input of a binary node `op` that is not the scalar constant `value` (either side), if the other is. */
function withScalar(program: Program, node: GraphNode | undefined, op: string, value: number): ValueId | undefined {
  if (!node || node.op !== 'binary' || (node.attrs as { op: string; activation?: ResolvedActivation }).op !== op || !isLinear((node.attrs as { activation?: ResolvedActivation }).activation)) return undefined;
  const [a, b] = node.inputs;
  const near = (id: ValueId | undefined) => {
    const v = scalarConstant(program, id);
    return v !== undefined && Math.abs(v - value) <= 1e-6 * Math.abs(value);
  };
  return near(b) ? a : op !== 'div' && near(a) ? b : undefined;
}

/**
 * The exact GELU as exporters write it, x * 0.5 * (1 + erf(x / sqrt 2)) (PyTorch's nn.GELU, in
 * either multiplication order), becomes one gelu activation, which can then join its producer's
 * epilogue: five dispatches become none.
 */
function fuseGelu(program: Program, erf: GraphNode): boolean {
  if (erf.op !== 'activation' || (erf.attrs as ResolvedActivation).kind !== 'erf') return false;
  const scaled = program.nodes.find((n) => n.outputs[0] === erf.inputs[0]);
  const x = withScalar(program, scaled, 'div', Math.SQRT2) ?? withScalar(program, scaled, 'mul', Math.SQRT1_2);
  const plusOne = soleConsumer(program, erf.outputs[0]);
  if (x === undefined || !scaled || soleConsumer(program, scaled.outputs[0]) !== erf || withScalar(program, plusOne, 'add', 1) !== erf.outputs[0]) return false;
  // x * (1 + erf) * 0.5, or x * 0.5 first.
  const first = soleConsumer(program, plusOne!.outputs[0]);
  if (!first || first.op !== 'binary' || (first.attrs as { op: string }).op !== 'mul' || !isLinear((first.attrs as { activation?: ResolvedActivation }).activation)) return false;
  const other = first.inputs.find((id) => id !== plusOne!.outputs[0]);
  const half = other === x ? soleConsumer(program, first.outputs[0]) : program.nodes.find((n) => n.outputs[0] === other);
  const halfInput = withScalar(program, half, 'mul', 0.5);
  const chain = other === x ? halfInput === first.outputs[0] : halfInput === x && soleConsumer(program, other!) === first;
  if (!chain) return false;
  const last = other === x ? half! : first;
  const gelu: GraphNode = { ...erf, inputs: [x], outputs: last.outputs, attrs: { ...(erf.attrs as ResolvedActivation), kind: 'gelu', code: ACTIVATIONS.gelu.code } };
  for (const id of last.outputs) program.values[id].producer = gelu.id;
  const removed = new Set([scaled, plusOne!, first, half!, erf]);
  program.nodes = program.nodes.flatMap((n) => (n === last ? [gelu] : removed.has(n) ? [] : [n]));
  return true;
}

/** Runs the passes to a fixed point; returns how many fusions happened, by kind. */
export function fuse(program: Program): Fusions {
  const counts: Fusions = { batchNormFolds: 0, biasFusions: 0, activationFusions: 0 };
  // Patterns first: the epilogue pass would otherwise take the erf into the division before it.
  for (const node of [...program.nodes]) if (program.nodes.includes(node) && fuseGelu(program, node)) counts.activationFusions++;
  let changed = true;
  while (changed) {
    changed = false;
    for (const node of [...program.nodes]) {
      if (!program.nodes.includes(node)) continue;
      if (foldBatchNorm(program, node)) counts.batchNormFolds++, (changed = true);
      else if (fuseBias(program, node)) counts.biasFusions++, (changed = true);
      else if (fuseActivation(program, node)) counts.activationFusions++, (changed = true);
      else if (fuseReluIntoPoolGrad(program, node)) counts.activationFusions++, (changed = true);
    }
  }
  return counts;
}

/**
 * Drops nodes whose results nobody uses (dropout left as identity, unused final states); nodes
 * with effects (an optimizer's update) or that write external values (gradients) stay.
 */
export function removeDeadNodes(program: Program): void {
  const needed = new Set(program.outputs);
  const kept: GraphNode[] = [];
  for (const node of [...program.nodes].reverse()) {
    const effect = KERNEL_OPS[node.op]?.effects || node.outputs.some((id) => program.values[id].external);
    if (effect || node.outputs.some((id) => needed.has(id))) {
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
