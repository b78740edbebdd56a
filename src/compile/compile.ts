// The compiler: one graph and one input signature in, a program out that the executor can run
// with no further decisions: the schedule (node order, each node's dispatches), where every
// value lives (constants in their own buffers, the rest at offsets in one arena), and the stats.
//   inferShapes -> fuse -> removeDeadNodes -> aliases (views) -> plans -> memory plan
import { WgnnError } from '../errors.ts';
import type { Graph, GraphNode, ValueId } from '../graph/ir.ts';
import { KERNEL_OPS, VIEW_OPS } from '../graph/ops.ts';
import type { OpPlan, PlanContext, TensorSpec } from '../ops/op.ts';
import { sizeOf } from '../shape.ts';
import { BYTES_PER_ELEMENT } from '../tensor-spec.ts';
import { fuse, removeDeadNodes, separateRepeatedInputs, type Fusions, type Program } from './fuse.ts';
import { inferShapes } from './infer.ts';
import { lowerForInference } from './lower.ts';
import { alignUp, planMemory, validateMemoryPlan, type Lifetime, type MemoryPlan } from './memory.ts';

/** Where a value's bytes are: a constant's own buffer, a range of the arena, or of an external buffer (training state). */
export type StorageRef =
  | { kind: 'constant'; id: ValueId; bytes: number }
  | { kind: 'arena'; offset: number; bytes: number }
  | { kind: 'external'; buffer: string; offset: number; bytes: number };

export interface CompiledStep {
  node: GraphNode;
  plan: OpPlan;
  inputs: (StorageRef | undefined)[];
  outputs: StorageRef[];
  scratch: StorageRef[];
  inputSpecs: (TensorSpec | undefined)[];
  outputSpecs: TensorSpec[];
}

export interface ProgramValue {
  id: ValueId;
  name: string;
  spec: TensorSpec;
  ref: StorageRef;
}

export interface CompiledProgram {
  steps: CompiledStep[];
  inputs: ProgramValue[];
  outputs: ProgramValue[];
  /** Constants the steps read, to upload once. */
  constants: { id: ValueId; name: string; data: Float32Array | Int32Array }[];
  memory: MemoryPlan;
  fusions: Fusions;
  dispatchCount: number;
}

const bytesOf = (spec: TensorSpec) => sizeOf(spec.shape) * BYTES_PER_ELEMENT[spec.dtype];

/** A working copy of the graph with its shapes for one signature; `optimize` fuses and prunes it. */
export function prepareProgram(graph: Graph, inputShapes: Map<ValueId, number[]>, optimize: boolean): { program: Program; fusions: CompiledProgram['fusions'] } {
  graph = specialized(graph, inputShapes);
  const order = topologicalOrder(graph);
  const program: Program = {
    values: graph.values.map((v) => ({ ...v })),
    nodes: order.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] })),
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
    specs: inferShapes(graph, inputShapes, order),
  };
  lowerForInference(program);
  const fusions = optimize ? fuse(program) : { batchNormFolds: 0, biasFusions: 0, activationFusions: 0 };
  removeDeadNodes(program);
  return { program, fusions };
}

/** The graph for this signature: its own nodes, or those its front-end builds for these shapes. */
function specialized(graph: Graph, inputShapes: Map<ValueId, number[]>): Graph {
  if (!graph.specialize) return graph;
  const concrete = graph.specialize(inputShapes);
  const same = concrete.inputs.length === graph.inputs.length && concrete.inputs.every((id, i) => id === graph.inputs[i] && concrete.values[id].name === graph.values[id].name);
  if (!same || concrete.outputs.length !== graph.outputs.length) throw new Error('a specialized graph must keep the inputs and outputs of its template');
  return concrete;
}

/** Nodes in an order where every input is computed before it is read (Kahn's algorithm, stable). */
function topologicalOrder(graph: Graph): GraphNode[] {
  const given = graph.values.filter((v) => v.data !== undefined || (v.external && v.producer === undefined));
  const ready = new Set<ValueId>([...graph.inputs, ...given.map((v) => v.id)]);
  const pending = [...graph.nodes];
  const ordered: GraphNode[] = [];
  while (pending.length) {
    const index = pending.findIndex((n) => n.inputs.every((id) => id === undefined || ready.has(id)));
    if (index < 0) throw new WgnnError(`${pending[0].name} (${pending[0].op})`, 'is part of a cycle or reads a value nothing computes');
    const [node] = pending.splice(index, 1);
    ordered.push(node);
    for (const id of node.outputs) ready.add(id);
  }
  return ordered;
}

/** Bytes if every value the graph (as written, before fusion) computes had its own buffer. */
function unfusedBytes(graph: Graph, inputShapes: Map<ValueId, number[]>, alignment: number): number {
  const { program } = prepareProgram(graph, inputShapes, false);
  const values = [...program.inputs, ...program.nodes.filter((n) => !VIEW_OPS.has(n.op)).flatMap((n) => n.outputs)].filter((id) => !program.values[id].external);
  return values.reduce((sum, id) => sum + alignUp(Math.max(bytesOf(program.specs.get(id)!), 4), alignment), 0);
}

export function compileProgram(graph: Graph, inputShapes: Map<ValueId, number[]>, ctx: PlanContext, alignment: number): CompiledProgram {
  const { program, fusions } = prepareProgram(graph, inputShapes, true);
  const specs = program.specs;
  // Constants and external values have memory of their own: no arena lifetime.
  const isConstant = (id: ValueId) => program.values[id].data !== undefined || program.values[id].external !== undefined;

  // Aliases: a view shares its input's memory; root(v) is the value that owns v's memory.
  // Elementwise ops do not run in place: Chrome rejects two overlapping writable bindings in one
  // dispatch, and every storage binding is writable (see program-runner.ts); fusion already
  // removes most standalone elementwise nodes.
  const rootOf = new Map<ValueId, ValueId>();
  const root = (id: ValueId): ValueId => rootOf.get(id) ?? id;
  for (const node of program.nodes) {
    if (VIEW_OPS.has(node.op)) rootOf.set(node.outputs[0], root(node.inputs[0]!));
  }
  separateRepeatedInputs(program, root);
  const kernels = program.nodes.filter((n) => !VIEW_OPS.has(n.op));

  // Plans, then lifetimes of every arena value (by root) and of each step's scratch.
  const plans = kernels.map((node) => {
    const def = KERNEL_OPS[node.op];
    const ins = node.inputs.map((id) => (id === undefined ? undefined : specs.get(id)));
    const outs = node.outputs.map((id) => specs.get(id)!);
    try {
      return def.plan(ins, outs, node.attrs, ctx);
    } catch (error) {
      if (error instanceof WgnnError) throw new WgnnError(`${node.name} (${node.op})`, error.message);
      throw error;
    }
  });
  const lifetimes = new Map<ValueId, Lifetime>();
  const touch = (id: ValueId, step: number) => {
    const r = root(id);
    if (isConstant(r)) return;
    const life = lifetimes.get(r) ?? { name: program.values[r].name, bytes: bytesOf(specs.get(r)!), start: step, end: step };
    life.start = Math.min(life.start, step);
    life.end = Math.max(life.end, step);
    lifetimes.set(r, life);
  };
  for (const id of program.inputs) touch(id, 0);
  kernels.forEach((node, step) => {
    for (const id of node.inputs) if (id !== undefined) touch(id, step);
    for (const id of node.outputs) touch(id, step);
  });
  for (const id of program.outputs) touch(id, kernels.length); // read back after the last step
  const scratchLifetimes = plans.flatMap((plan, step) => plan.scratchBytes.map((bytes, i) => ({ name: `${kernels[step].name}:scratch${i}`, bytes, start: step, end: step })));
  const arenaRoots = [...lifetimes.keys()];
  const memory = planMemory([...arenaRoots.map((r) => lifetimes.get(r)!), ...scratchLifetimes], alignment);
  validateMemoryPlan(memory);
  // The naive engine runs the graph as written, each value and each scratch in its own buffer.
  memory.naiveBytes = unfusedBytes(graph, inputShapes, alignment) + scratchLifetimes.reduce((sum, l) => sum + alignUp(Math.max(l.bytes, 4), alignment), 0);
  const placementOf = new Map(arenaRoots.map((r, i) => [r, memory.placements[i]]));

  const refOf = (id: ValueId): StorageRef => {
    const r = root(id);
    const bytes = bytesOf(specs.get(id)!);
    const external = program.values[r].external;
    if (external) return { kind: 'external', buffer: external.buffer, offset: external.offset * 4, bytes };
    if (isConstant(r)) return { kind: 'constant', id: r, bytes };
    return { kind: 'arena', offset: placementOf.get(r)!.offset, bytes };
  };
  const scratchRefs = scratchLifetimes.map((l, i) => ({ kind: 'arena' as const, offset: memory.placements[arenaRoots.length + i].offset, bytes: l.bytes }));
  let scratchIndex = 0;
  const steps: CompiledStep[] = kernels.map((node, step) => ({
    node,
    plan: plans[step],
    inputs: node.inputs.map((id) => (id === undefined ? undefined : refOf(id))),
    outputs: node.outputs.map(refOf),
    scratch: plans[step].scratchBytes.map(() => scratchRefs[scratchIndex++]),
    inputSpecs: node.inputs.map((id) => (id === undefined ? undefined : specs.get(id))),
    outputSpecs: node.outputs.map((id) => specs.get(id)!),
  }));

  const refs = [...steps.flatMap((s) => s.inputs), ...program.outputs.map(refOf)];
  const used = new Set(refs.filter((r) => r?.kind === 'constant').map((r) => (r as { id: ValueId }).id));
  const programValue = (id: ValueId): ProgramValue => ({ id, name: program.values[id].name, spec: specs.get(id)!, ref: refOf(id) });
  return {
    steps,
    inputs: program.inputs.map(programValue),
    outputs: program.outputs.map(programValue),
    constants: [...used].map((id) => ({ id, name: program.values[id].name, data: program.values[id].data as Float32Array | Int32Array })),
    memory,
    fusions,
    dispatchCount: plans.reduce((n, p) => n + p.dispatches.length, 0),
  };
}
