// What a host folder is: the ONNX semantics of one op computed on known values, for the nodes
// whose inputs are all known when the graph for a signature is built (shape computations above
// all). Shape and Size read only their input's shape, which is always known then.
import { WgnnError } from '../../errors.ts';
import type { Attributes } from '../context.ts';
import type { ArgReader } from '../args.ts';
import type { OnnxNode } from '../model.ts';
import type { HostValue } from './value.ts';

export interface FoldContext extends ArgReader {
  node: OnnxNode;
  /** The node's inputs; undefined where an optional input is omitted. */
  inputs: (HostValue | undefined)[];
  attrs: Attributes;
}

export interface Folder {
  fold(c: FoldContext): HostValue[];
  /** Reads only its first input's shape (Shape, Size): folds whatever computes that input. */
  shapeOnly?: boolean;
}

/** Input `index`, which the op needs (a missing one is a WgnnError naming the node). */
export function input(c: FoldContext, index: number): HostValue {
  const v = c.inputs[index];
  if (!v) throw new WgnnError(c.where, `input ${index} is required`);
  return v;
}
