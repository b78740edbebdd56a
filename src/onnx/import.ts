// loadOnnx: an ONNX model (bytes or a URL) to the wgnn graph IR. The graph is built per input
// signature: with every shape known, the importer computes the model's shape subgraphs on the
// host (fold/) and hands their results to the ops that take shapes, so dynamic batch and sequence
// dims need no guessing. loadOnnx returns a template that names the inputs and outputs; the
// compiler asks it for the graph of each signature it plans (Graph.specialize). Constants become
// graph constants (weights re-laid-out once for all signatures); graph inputs and outputs keep
// ONNX's layout and names, and layout changes inside follow context.ts.
import { WgnnError } from '../errors.ts';
import { Graph, type ValueId } from '../graph/ir.ts';
import type { DType } from '../tensor-spec.ts';
import { Attributes, DerivedConstants, describe, ImportContext } from './context.ts';
import { decodeModel } from './decode.ts';
import { HOST_ONLY_OPS, tryFold } from './fold/index.ts';
import type { OnnxModel, OnnxTensor, ValueInfo } from './model.ts';
import { CNN_HANDLERS } from './ops/cnn.ts';
import { ELEMENTWISE_HANDLERS } from './ops/elementwise.ts';
import { hostOnly, type Handler } from './ops/handler.ts';
import { MATH_HANDLERS } from './ops/math.ts';
import { NORMALIZATION_HANDLERS } from './ops/normalization.ts';
import { RECURRENT_HANDLERS } from './ops/recurrent.ts';
import { RESIZE_HANDLERS } from './ops/resize.ts';
import { REDUCE_HANDLERS } from './ops/reduce.ts';
import { SHAPE_HANDLERS } from './ops/shape.ts';

export { ConstantRequired } from './ops/handler.ts';

const HANDLERS: Record<string, Handler> = {
  ...MATH_HANDLERS, ...ELEMENTWISE_HANDLERS, ...CNN_HANDLERS, ...SHAPE_HANDLERS, ...RECURRENT_HANDLERS, ...RESIZE_HANDLERS, ...REDUCE_HANDLERS, ...NORMALIZATION_HANDLERS,
  ...Object.fromEntries(HOST_ONLY_OPS.map((op) => [op, hostOnly])),
};

/** The ONNX ops the importer maps, sorted; every op the host folder computes is among them. */
export const SUPPORTED_ONNX_OPS = Object.keys(HANDLERS).sort();

export interface LoadOnnxOptions {
  /** Graph inputs to treat as constants (e.g. weights a test feeds as inputs), by name. */
  constants?: Record<string, OnnxTensor>;
  /** Sizes for symbolic dims (dim_param), e.g. { batch: 1 }; unnamed unknown dims stay open. */
  dims?: Record<string, number>;
  /**
   * Input shapes, by name, to build the graph for at load (`wgnn run` knows them), so that its
   * errors surface there. Without them a model with open dims is built per shape on first use.
   */
  shapes?: Record<string, number[]>;
}

export async function loadOnnx(source: Uint8Array | ArrayBuffer | string | URL, options: LoadOnnxOptions = {}): Promise<Graph> {
  if (typeof source === 'string' || source instanceof URL) {
    const response = await fetch(source);
    if (!response.ok) throw new WgnnError('loadOnnx', `fetching ${String(source)} failed: ${response.status} ${response.statusText}`);
    source = await response.arrayBuffer();
  }
  return importOnnx(decodeModel(source), options);
}

function opsetOf(model: OnnxModel): number {
  const entry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry?.version ?? 1;
}

interface DeclaredInput {
  name: string;
  shape: (number | null)[];
  dtype: DType;
  /** A bool input: float 0 and 1 on the GPU. */
  bool: boolean;
}

/** Graph inputs that are not constants, with their declared shapes (named dims sized by `dims`). */
function declaredInputs(model: OnnxModel, constants: Set<string>, dims: Record<string, number>): DeclaredInput[] {
  return model.graph.inputs.filter((info) => !constants.has(info.name)).map((info: ValueInfo) => {
    const where = `input ${info.name}`;
    if (info.type.kind !== 'tensor' || info.type.shape === null) throw new WgnnError(where, 'needs a tensor input with a known rank');
    const elem = info.type.elemType;
    const dtype = ['float32', 'float64', 'float16', 'bool'].includes(elem) ? 'float32' : ['int64', 'int32'].includes(elem) ? 'int32' : undefined;
    if (!dtype) throw new WgnnError(where, `has element type ${elem}; float, integer and boolean tensors are supported`);
    const shape = info.type.shape.map((d) => (typeof d === 'number' ? d : typeof d === 'string' && d in dims ? dims[d] : null));
    return { name: info.name, shape, dtype, bool: elem === 'bool' };
  });
}

/** Unsupported ops and domains fail at load, naming the node, before any signature is built. */
function checkOps(model: OnnxModel, opset: number): void {
  for (const node of model.graph.nodes) {
    const where = `${describe(node)} [opset ${opset}]`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw new WgnnError(where, `op domain '${node.domain}' is not supported (only the default ONNX domain)`);
    if (!Object.hasOwn(HANDLERS, node.opType)) {
      throw new WgnnError(where, `unsupported op ${node.opType} (opset ${opset}); supported: ${SUPPORTED_ONNX_OPS.join(', ')}`);
    }
  }
}

export function importOnnx(model: OnnxModel, options: LoadOnnxOptions = {}): Graph {
  const opset = opsetOf(model);
  checkOps(model, opset);
  const constants = new Map<string, OnnxTensor>(model.graph.initializers.map((t) => [t.name, t]));
  for (const [name, t] of Object.entries(options.constants ?? {})) constants.set(name, { ...t, name });
  const declared = declaredInputs(model, new Set(constants.keys()), options.dims ?? {});

  const template = new Graph();
  for (const d of declared) template.input(d.name, d.shape, d.dtype);
  template.setOutputs(model.graph.outputs.map((o) => template.declareOutput(o.name, 'float32')));
  const derived = new DerivedConstants();
  const built = new Map<string, Graph>();
  template.specialize = (inputShapes: Map<ValueId, number[]>) => {
    const shapes = template.inputs.map((id) => inputShapes.get(id)!);
    const key = shapes.map((s) => s.join('x')).join('|');
    let graph = built.get(key);
    if (!graph) {
      graph = buildForShapes(model, opset, constants, declared, shapes, derived);
      built.set(key, graph);
    }
    return graph;
  };

  // Shapes known now (static inputs, or given): build at once, so errors surface at load.
  const given = declared.map((d) => options.shapes?.[d.name] ?? (d.shape.every((x) => x !== null) ? (d.shape as number[]) : undefined));
  if (given.every((s) => s !== undefined)) {
    declared.forEach((d, i) => {
      const s = given[i]!;
      if (s.length !== d.shape.length || s.some((x, k) => d.shape[k] !== null && d.shape[k] !== x)) {
        throw new WgnnError(`input ${d.name}`, `shape [${s.join(', ')}] does not match the declared [${d.shape.map((x) => x ?? '?').join(', ')}]`);
      }
    });
    template.specialize(new Map(template.inputs.map((id, i) => [id, given[i]!])));
  }
  return template;
}

/** The graph for one signature: every node imported (or folded) with all shapes known. */
function buildForShapes(model: OnnxModel, opset: number, constants: Map<string, OnnxTensor>, declared: DeclaredInput[], shapes: number[][], derived: DerivedConstants): Graph {
  const ctx = new ImportContext(opset, derived);
  for (const [name, t] of constants) ctx.constants.set(name, t);
  declared.forEach((d, i) => {
    ctx.define(d.name, ctx.builder.input(d.name, shapes[i], d.dtype));
    if (d.bool) ctx.booleans.add(d.name);
  });
  for (const node of model.graph.nodes) {
    try {
      if (!tryFold(ctx, node)) HANDLERS[node.opType](ctx, node, new Attributes(node));
    } catch (error) {
      if (error instanceof WgnnError && !error.message.includes('[opset')) error.message += ` [opset ${opset}]`;
      throw error;
    }
  }
  const outputs = model.graph.outputs.map((info) => {
    if (!ctx.has(info.name)) throw new WgnnError(`output ${info.name}`, 'is not produced by any node');
    const node = { name: `output ${info.name}`, opType: 'Output', domain: '', inputs: [info.name], outputs: [info.name], attributes: {} };
    // Outputs leave in ONNX layout, each under its own name (a view when the value is shared).
    const plain = ctx.plain(node, 0);
    const named = ctx.builder.node('reshape', info.name, [plain], { shape: plain.shape.map(() => 0) })[0];
    ctx.builder.graph.values[named.id].name = info.name;
    return named.id;
  });
  ctx.builder.graph.setOutputs(outputs);
  return ctx.builder.graph;
}
