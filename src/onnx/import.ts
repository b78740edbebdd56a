// loadOnnx: an ONNX model (bytes or a URL) to the wgnn graph IR. Constants become graph
// constants (weights re-laid-out once, here); graph inputs and outputs keep ONNX's layout and
// names, and layout changes inside follow context.ts. engine.compile(graph) then runs it.
import { WgnnError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import { Attributes, describe, ImportContext } from './context.ts';
import { decodeModel } from './decode.ts';
import type { OnnxModel, OnnxTensor, ValueInfo } from './model.ts';
import { CNN_HANDLERS } from './ops/cnn.ts';
import type { Handler } from './ops/handler.ts';
import { MATH_HANDLERS } from './ops/math.ts';
import { RECURRENT_HANDLERS } from './ops/recurrent.ts';
import { SHAPE_HANDLERS } from './ops/shape.ts';

export { ConstantRequired } from './ops/handler.ts';

const HANDLERS: Record<string, Handler> = { ...MATH_HANDLERS, ...CNN_HANDLERS, ...SHAPE_HANDLERS, ...RECURRENT_HANDLERS };

/** The ONNX ops the importer maps, sorted. */
export const SUPPORTED_ONNX_OPS = Object.keys(HANDLERS).sort();

export interface LoadOnnxOptions {
  /** Graph inputs to treat as constants (e.g. weights a test feeds as inputs), by name. */
  constants?: Record<string, OnnxTensor>;
  /** Sizes for symbolic dims (dim_param), e.g. { batch: 1 }; unnamed unknown dims stay open. */
  dims?: Record<string, number>;
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

function inputShape(where: string, info: ValueInfo, dims: Record<string, number>): (number | null)[] {
  if (info.type.kind !== 'tensor' || info.type.shape === null) throw new WgnnError(where, 'needs a tensor input with a known rank');
  return info.type.shape.map((d) => (typeof d === 'number' ? d : typeof d === 'string' && d in dims ? dims[d] : null));
}

export function importOnnx(model: OnnxModel, options: LoadOnnxOptions = {}): Graph {
  const opset = opsetOf(model);
  const ctx = new ImportContext(opset);
  const g = model.graph;
  for (const t of g.initializers) ctx.constants.set(t.name, t);
  for (const [name, t] of Object.entries(options.constants ?? {})) ctx.constants.set(name, { ...t, name });
  for (const info of g.inputs) {
    if (ctx.constants.has(info.name)) continue; // IR < 4 lists initializers as inputs too
    const where = `input ${info.name}`;
    const elem = info.type.kind === 'tensor' ? info.type.elemType : 'unknown';
    const dtype = elem === 'float32' || elem === 'float64' || elem === 'float16' ? 'float32' : elem === 'int64' || elem === 'int32' ? 'int32' : undefined;
    if (!dtype) throw new WgnnError(where, `has element type ${elem}; float and integer tensors are supported`);
    ctx.define(info.name, ctx.builder.input(info.name, inputShape(where, info, options.dims ?? {}), dtype));
  }
  for (const node of g.nodes) {
    const where = `${describe(node)} [opset ${opset}]`;
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw new WgnnError(where, `op domain '${node.domain}' is not supported (only the default ONNX domain)`);
    const handler = Object.hasOwn(HANDLERS, node.opType) ? HANDLERS[node.opType] : undefined;
    if (!handler) throw new WgnnError(where, `unsupported op ${node.opType} (opset ${opset}); supported: ${SUPPORTED_ONNX_OPS.join(', ')}`);
    try {
      handler(ctx, node, new Attributes(node));
    } catch (error) {
      if (error instanceof WgnnError && !error.message.includes('[opset')) error.message += ` [opset ${opset}]`;
      throw error;
    }
  }
  const outputs = g.outputs.map((info) => {
    if (!ctx.has(info.name)) throw new WgnnError(`output ${info.name}`, 'is not produced by any node');
    const node = { name: `output ${info.name}`, opType: 'Output', domain: '', inputs: [info.name], outputs: [info.name], attributes: {} };
    // Outputs leave in ONNX layout, each under its own name (a view when the value is shared).
    const plain = ctx.plain(node, 0);
    const named = ctx.builder.node('reshape', info.name, [plain], { shape: plain.shape.map((_, i) => 0) })[0];
    ctx.builder.graph.values[named.id].name = info.name;
    return named.id;
  });
  ctx.builder.graph.setOutputs(outputs);
  return ctx.builder.graph;
}
