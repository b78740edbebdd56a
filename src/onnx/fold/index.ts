// Folding while a signature's graph is built: a node whose inputs are all known (initializers,
// Constant nodes, values folded before, and for Shape and Size any input, whose shape is known)
// is computed here, on the host, and its outputs become constants. Ops that need a value when the
// plan is built (Reshape's shape, Slice's bounds, ConstantOfShape's shape) then find it; shape
// tensors never become GPU work.
import { describe, type ImportContext, Attributes } from '../context.ts';
import type { OnnxNode } from '../model.ts';
import type { Folder } from './folder.ts';
import { MATH_FOLDERS } from './math.ts';
import { MOVEMENT_FOLDERS } from './movement.ts';
import { SHAPE_FOLDERS } from './shape.ts';
import { WgnnError } from '../../errors.ts';
import { FOLD_BUDGET_ELEMENTS, fromOnnx, integers, MAX_FOLDED_ELEMENTS, toOnnx, type HostValue } from './value.ts';

export const FOLDERS: Record<string, Folder> = { ...SHAPE_FOLDERS, ...MOVEMENT_FOLDERS, ...MATH_FOLDERS };

/** The ops that are only ever computed on the host (their inputs must be known). */
export const HOST_ONLY_OPS = Object.keys(SHAPE_FOLDERS);

/** Computes `node` on the host if its inputs are known; true when it did. */
export function tryFold(ctx: ImportContext, node: OnnxNode): boolean {
  const folder = Object.hasOwn(FOLDERS, node.opType) ? FOLDERS[node.opType] : undefined;
  if (!folder) return false;
  const where = describe(node);
  let inputs: (HostValue | undefined)[];
  if (folder.shapeOnly) {
    // Shape and Size read the dims alone.
    inputs = [{ dims: ctx.onnxShape(node, 0), kind: 'float', data: new Float64Array(0), elemType: 'float32' }];
  } else {
    const known = node.inputs.map((name) => (name ? ctx.constant(name) : undefined));
    if (node.inputs.some((name, i) => name && !known[i])) return false;
    // Large weights are left to the GPU ops; folding is for shape-sized values.
    if (known.some((t) => t && t.dims.reduce((a, b) => a * b, 1) > MAX_FOLDED_ELEMENTS)) return false;
    inputs = known.map((t) => (t ? fromOnnx(where, t) : undefined));
  }
  let outputs: HostValue[];
  try {
    outputs = folder.fold({
      where,
      opset: ctx.opset,
      node,
      attrs: new Attributes(node),
      inputs,
      ints: (index, what) => (inputs[index] ? integers(inputs[index]!, where, what) : undefined),
    });
  } catch (error) {
    // A malformed file may reach a case no check names (a RangeError deep in the math): say where.
    if (error instanceof WgnnError) throw error;
    throw new WgnnError(where, `cannot be computed from its known inputs: ${(error as Error).message}`);
  }
  ctx.foldedElements += outputs.reduce((n, v) => n + v.data.length, 0);
  if (ctx.foldedElements > FOLD_BUDGET_ELEMENTS) {
    throw new WgnnError(where, `brings the values computed from shapes and constants to ${ctx.foldedElements} elements, more than ${FOLD_BUDGET_ELEMENTS}: refused as corrupt or hostile`);
  }
  outputs.forEach((value, k) => {
    const name = node.outputs[k];
    if (name) ctx.constants.set(name, toOnnx(name, value));
  });
  return true;
}
