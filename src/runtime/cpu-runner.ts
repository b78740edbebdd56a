// Runs a graph on the CPU references, node by node, without fusion: the graph as written is
// the oracle for the compiled GPU program (so a wrong fusion cannot pass on both sides).
import { prepareProgram } from '../compile/compile.ts';
import { WgnnError } from '../errors.ts';
import type { Graph, ValueId } from '../graph/ir.ts';
import { KERNEL_OPS, VIEW_OPS } from '../graph/ops.ts';
import type { HostTensor } from '../ops/host-tensor.ts';
import type { TensorData } from '../tensor.ts';

export function runGraphOnCpu(graph: Graph, inputShapes: Map<ValueId, number[]>, inputs: TensorData[]): TensorData[] {
  const { program } = prepareProgram(graph, inputShapes, false);
  const values = new Map<ValueId, HostTensor>();
  const host = (id: ValueId): HostTensor => {
    const known = values.get(id);
    if (known) return known;
    const v = program.values[id];
    if (!v.data) throw new WgnnError(v.name, 'has no value (not computed)');
    return { shape: program.specs.get(id)!.shape, data: v.data as Float32Array };
  };
  program.inputs.forEach((id, i) => values.set(id, { shape: program.specs.get(id)!.shape, data: inputs[i] as Float32Array }));
  for (const node of program.nodes) {
    const ins = node.inputs.map((id) => (id === undefined ? undefined : host(id)));
    if (VIEW_OPS.has(node.op)) {
      values.set(node.outputs[0], { shape: program.specs.get(node.outputs[0])!.shape, data: ins[0]!.data });
      continue;
    }
    const outs = KERNEL_OPS[node.op].reference(ins, node.attrs);
    node.outputs.forEach((id, i) => values.set(id, { shape: program.specs.get(id)!.shape, data: outs[i].data }));
  }
  return program.outputs.map((id) => host(id).data);
}
