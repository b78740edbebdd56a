// exportOnnx: a wgnn model (built with the model API, loaded from Keras or TF.js, trained or not)
// as an ONNX model (opset 17) that onnxruntime and wgnn's own importer run with the same outputs.
// The graph the model compiles from is written op by op (./ops.ts); weights become initializers,
// the model's inputs keep their names and open dims (as symbolic dims), and outputs their names.
import { WgnnError } from '../../errors.ts';
import { inferShapes } from '../../compile/infer.ts';
import type { Graph, ValueId } from '../../graph/ir.ts';
import { Model } from '../../model/model.ts';
import { EXPORTERS, type ExportContext } from './ops.ts';
import { OnnxWriter } from './writer.ts';

const VERSION = '0.1.0';

export interface ExportOnnxOptions {
  /** The graph's name in the file (default: the model's). */
  name?: string;
}

/** The ONNX ModelProto bytes of `model` (or of a graph built from the model API's ops). */
export function exportOnnx(model: Model | Graph, options: ExportOnnxOptions = {}): Uint8Array {
  const graph = model instanceof Model ? model.snapshot() : model;
  const w = new OnnxWriter();
  for (const v of graph.values) w.reserve(v.name);

  // Shapes with open dims probed as 1: the exporters need ranks, and a transposed conv its sizes.
  const specs = inferShapes(graph, new Map(graph.inputs.map((id) => [id, graph.values[id].shape!.map((d) => d ?? 1)])));

  const written = new Set<ValueId>();
  const ctx: ExportContext = {
    w,
    graph,
    name(id) {
      const v = graph.values[id];
      if (v.data !== undefined && !written.has(id)) {
        written.add(id);
        w.initializer(v.name, v.shape as number[], v.data instanceof Int32Array ? v.data : Float32Array.from(v.data as ArrayLike<number>));
      }
      return v.name;
    },
    constant(node, id) {
      const v = graph.values[id];
      if (v.data === undefined) throw new WgnnError(node.name, `input '${v.name}' must be a constant (weights) to be exported`);
      return { shape: v.shape as number[], data: v.data instanceof Float32Array ? v.data : Float32Array.from(v.data as ArrayLike<number>) };
    },
    spec: (id) => specs.get(id)!,
  };

  for (const id of graph.inputs) {
    const v = graph.values[id];
    if (v.dtype !== 'float32' && v.dtype !== 'int32') throw new WgnnError(`input ${v.name}`, `dtype ${v.dtype} cannot be exported`);
    w.input(v.name, v.dtype, v.shape ?? []);
  }
  for (const node of graph.nodes) {
    const emit = EXPORTERS[node.op];
    if (!emit) throw new WgnnError(`${node.name} (${node.op})`, `has no ONNX export; exportable ops: ${Object.keys(EXPORTERS).join(', ')}`);
    emit(node, ctx);
  }
  for (const id of graph.outputs) {
    const v = graph.values[id];
    w.output(ctx.name(id), v.dtype === 'int32' ? 'int32' : 'float32');
  }
  return w.encode(options.name ?? (model instanceof Model ? model.name : 'graph'), VERSION);
}
