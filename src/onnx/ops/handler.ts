// The shape of an ONNX op handler: it reads the node's inputs and attributes from the context,
// adds IR nodes, and defines the node's outputs.
import { WgnnError } from '../../errors.ts';
import { Attributes, describe, type ImportContext } from '../context.ts';
import type { OnnxNode } from '../model.ts';

export type Handler = (ctx: ImportContext, node: OnnxNode, attrs: Attributes) => void;

/** An input that must be a constant (weights, shape arguments); the importer can be told to freeze graph inputs. */
export class ConstantRequired extends WgnnError {
  constructor(readonly node: OnnxNode, readonly inputName: string, what: string) {
    super(describe(node), `input '${inputName}' (${what}) must be a constant: an initializer or a Constant node`);
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
