// The shape of an ONNX op handler: it reads the node's inputs and attributes from the context,
// adds IR nodes, and defines the node's outputs.
import { WgnnError } from '../../errors.ts';
import type { ArgReader } from '../args.ts';
import { Attributes, describe, intValues, type ImportContext } from '../context.ts';
import type { OnnxNode } from '../model.ts';

export type Handler = (ctx: ImportContext, node: OnnxNode, attrs: Attributes) => void;

/**
 * An input that must be known when the plan is built (weights, shape arguments) but depends on
 * tensor data. The importer can be told to freeze graph inputs as constants (`wgnn run` does,
 * for weights that a model takes as inputs).
 */
export class ConstantRequired extends WgnnError {
  constructor(readonly node: OnnxNode, readonly inputName: string, what: string) {
    super(describe(node), `input '${inputName}' (${what}) depends on tensor data; wgnn needs it when the plan is built: an initializer, a Constant node, or a value computed from shapes and constants`);
  }
}

export function requireConstant(ctx: ImportContext, node: OnnxNode, index: number, what: string) {
  const name = node.inputs[index];
  const c = ctx.constant(name);
  if (!c) throw new ConstantRequired(node, name, what);
  return c;
}

export function optionalInput(node: OnnxNode, index: number): boolean {
  return (node.inputs[index] ?? '') !== '';
}

/** Ops computed only on the host from known values (fold/): reaching a handler means an input was not known. */
export const hostOnly: Handler = (ctx, node) => {
  const unknown = node.inputs.findIndex((name) => name && !ctx.constant(name));
  throw new ConstantRequired(node, node.inputs[Math.max(unknown, 0)], `input ${Math.max(unknown, 0)} of ${node.opType}, which wgnn computes from shapes and constants only`);
};

/** Reads an op's integer arguments from attributes and from inputs that must be known. */
export function argReader(ctx: ImportContext, node: OnnxNode, attrs: Attributes): ArgReader {
  const where = describe(node);
  return { where, opset: ctx.opset, attrs, ints: (index, what) => (optionalInput(node, index) ? intValues(where, requireConstant(ctx, node, index, what)) : undefined) };
}
