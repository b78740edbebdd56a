// Runs a graph on the CPU references, node by node, without fusion: the graph as written is
// the oracle for the compiled GPU program (so a wrong fusion cannot pass on both sides).
// External values (training's parameters, gradients, optimizer state) are views of the host
// arrays in `externals`: nodes read them there and write them back there.
import { prepareProgram } from '../compile/compile.ts';
import { WgnnError } from '../errors.ts';
import type { Graph, ValueId } from '../graph/ir.ts';
import { KERNEL_OPS, VIEW_OPS } from '../graph/ops.ts';
import type { HostTensor } from '../ops/host-tensor.ts';
import { sizeOf } from '../shape.ts';
import type { TensorData } from '../tensor.ts';

export function runGraphOnCpu(graph: Graph, inputShapes: Map<ValueId, number[]>, inputs: TensorData[], externals: Map<string, Float32Array> = new Map()): TensorData[] {
  const { program } = prepareProgram(graph, inputShapes, false);
  const values = new Map<ValueId, HostTensor>();
  const externalView = (id: ValueId): Float32Array | undefined => {
    const ref = program.values[id].external;
    if (!ref) return undefined;
    const buffer = externals.get(ref.buffer);
    if (!buffer) throw new WgnnError(program.values[id].name, `lives in external buffer '${ref.buffer}', which was not given`);
    return buffer.subarray(ref.offset, ref.offset + sizeOf(program.specs.get(id)!.shape));
  };
  const host = (id: ValueId): HostTensor => {
    const known = values.get(id);
    if (known) return known;
    const v = program.values[id];
    const data = (v.data as Float32Array | undefined) ?? externalView(id);
    if (!data) throw new WgnnError(v.name, 'has no value (not computed)');
    return { shape: program.specs.get(id)!.shape, data };
  };
  program.inputs.forEach((id, i) => values.set(id, { shape: program.specs.get(id)!.shape, data: inputs[i] as Float32Array }));
  for (const node of program.nodes) {
    const ins = node.inputs.map((id) => (id === undefined ? undefined : host(id)));
    if (VIEW_OPS.has(node.op)) {
      values.set(node.outputs[0], { shape: program.specs.get(node.outputs[0])!.shape, data: ins[0]!.data });
      continue;
    }
    const def = KERNEL_OPS[node.op];
    const outs = def.reference(ins, node.attrs, externals);
    def.referenceEffects?.(ins, node.attrs, externals);
    node.outputs.forEach((id, i) => {
      const target = externalView(id);
      if (target) target.set(outs[i].data);
      values.set(id, { shape: program.specs.get(id)!.shape, data: target ?? outs[i].data });
    });
  }
  return program.outputs.map((id) => host(id).data);
}
