// What the ONNX importer knows while it walks the nodes: every ONNX value name mapped to an IR
// value and its layout, the constants (initializers and Constant nodes) on the host, and the
// layout conversions. ONNX is NCHW; wgnn's convolution and pooling kernels are NHWC. A value is
// either 'plain' (the ONNX layout) or 'channelsLast' (the ONNX tensor with axis 1 moved last);
// convolutions produce channelsLast, and transposes are inserted only where an op needs the other.
import { WgnnError } from '../errors.ts';
import type { ValueId } from '../graph/ir.ts';
import { transposeOp } from '../ops/transpose/op.ts';
import { GraphBuilder, SymbolicTensor, type SymbolicShape } from '../model/builder.ts';
import type { AttributeValue, OnnxNode, OnnxTensor } from './model.ts';

export type Layout = 'plain' | 'channelsLast';

export interface Imported {
  tensor: SymbolicTensor;
  layout: Layout;
}

/** NCHW -> NHWC for rank r: [0, 2, ..., r-1, 1]. */
export const toChannelsLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
/** NHWC -> NCHW for rank r: [0, r-1, 1, ..., r-2]. */
export const toChannelsFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];

/** The IR axis of ONNX axis `a` (normalized) in a channelsLast tensor of rank r. */
export function channelsLastAxis(a: number, r: number): number {
  return a === 0 ? 0 : a === 1 ? r - 1 : a - 1;
}

/**
 * Host arrays derived from a model's constants (weights re-laid-out, converted, folded), kept
 * across the graphs of its input signatures: each signature's graph then shares the same arrays,
 * which the compiled model uploads once (its GPU weights are keyed by array). Keyed by the source
 * tensor's data array, which stays the same when the tensor object around it is re-made, and by
 * what was done to it.
 */
export class DerivedConstants {
  private readonly bySource = new WeakMap<object, Map<string, unknown>>();

  get<T>(source: OnnxTensor | object, key: string, make: () => T): T {
    const data = 'data' in source && typeof source.data === 'object' ? source.data : source;
    let entries = this.bySource.get(data);
    if (!entries) this.bySource.set(data, (entries = new Map()));
    if (!entries.has(key)) entries.set(key, make());
    return entries.get(key) as T;
  }
}

export class ImportContext {
  readonly builder = new GraphBuilder();
  private readonly values = new Map<string, Imported>();
  /** Values known on the host: initializers, Constant nodes, and what folding computed. */
  readonly constants = new Map<string, OnnxTensor>();
  /** ONNX values of type bool that live on the GPU (as float 0 and 1, so their dtype cannot tell). */
  readonly booleans = new Set<string>();
  /** Elements folded on the host so far (fold/: capped per signature). */
  foldedElements = 0;

  constructor(
    readonly opset: number,
    readonly derived: DerivedConstants = new DerivedConstants(),
  ) {}

  has(name: string): boolean {
    return this.values.has(name) || this.constants.has(name);
  }

  define(name: string, tensor: SymbolicTensor, layout: Layout = 'plain'): void {
    this.values.set(name, { tensor, layout });
  }

  /** The host value of a constant input (an initializer or a Constant node's output), if it is one. */
  constant(name: string): OnnxTensor | undefined {
    return this.constants.get(name);
  }

  /** The input as the IR has it, with its layout; constants become graph constants on first use. */
  get(node: OnnxNode, index: number): Imported {
    const name = node.inputs[index];
    const where = describe(node);
    if (!name) throw new WgnnError(where, `input ${index} is required`);
    const known = this.values.get(name);
    if (known) return known;
    const c = this.constants.get(name);
    if (!c) throw new WgnnError(where, `input '${name}' is not produced by any earlier node, initializer or graph input`);
    const imported = { tensor: this.constantTensor(name, c), layout: 'plain' as Layout };
    this.values.set(name, imported);
    return imported;
  }

  /** The ONNX shape of input `index` (all shapes are known when a signature's graph is built). */
  onnxShape(node: OnnxNode, index: number): number[] {
    const c = this.constants.get(node.inputs[index]);
    if (c) return [...c.dims];
    const v = this.get(node, index);
    const shape = v.tensor.shape.map((d) => {
      if (d === null) throw new WgnnError(describe(node), `input ${index} has an unknown dim`);
      return d;
    });
    return v.layout === 'channelsLast' ? toChannelsFirst(shape.length).map((a) => shape[a]) : shape;
  }

  /** The input in ONNX layout. */
  plain(node: OnnxNode, index: number): SymbolicTensor {
    const v = this.get(node, index);
    if (v.layout === 'plain') return v.tensor;
    return this.transpose(`${describe(node)}/to_nchw_${index}`, v.tensor, toChannelsFirst(v.tensor.shape.length));
  }

  /** The input with channels last (rank >= 3). */
  channelsLast(node: OnnxNode, index: number): SymbolicTensor {
    const v = this.get(node, index);
    if (v.layout === 'channelsLast') return v.tensor;
    const r = v.tensor.shape.length;
    if (r < 3) throw new WgnnError(describe(node), `input ${index} has rank ${r}; channels-first data needs rank >= 3`);
    return this.transpose(`${describe(node)}/to_nhwc_${index}`, v.tensor, toChannelsLast(r));
  }

  /** A transpose, or a view when it moves only dims of 1 (NCHW <-> NHWC of a 1x1 map, say). */
  transpose(name: string, x: SymbolicTensor, perm: number[]): SymbolicTensor {
    const dims = dimsOf(x);
    transposeOp.infer(name, [{ shape: dims, dtype: x.dtype }], { perm });
    const moved = perm.filter((a) => dims[a] !== 1);
    if (moved.every((a, i) => i === 0 || a > moved[i - 1])) return this.builder.node('reshape', name, [x], { shape: perm.map((a) => dims[a]) })[0];
    return this.builder.node('transpose', name, [x], { perm })[0];
  }

  /** A float constant transformed on the host (weights re-laid-out once, at load). */
  hostConstant(name: string, shape: number[], data: Float32Array | Int32Array): SymbolicTensor {
    const id = this.builder.constant(name, shape, data);
    return new SymbolicTensor(this.builder, id, shape);
  }

  /** A constant permuted on the host: out.shape[d] = shape[perm[d]]. */
  permutedConstant(name: string, t: OnnxTensor, perm: number[]): SymbolicTensor {
    const out = this.derived.get(t, `permuted [${t.dims}] by [${perm}]`, () => transposeOp.reference([{ shape: t.dims, data: floatData(name, t) }], { perm })[0]);
    return this.hostConstant(name, out.shape, out.data);
  }

  /** Floats stay as they are, integers become int32, booleans float 0/1 (how the GPU ops take them). */
  private constantTensor(name: string, t: OnnxTensor): SymbolicTensor {
    if (t.dtype === 'float32') return this.hostConstant(name, t.dims, t.data);
    if (t.dtype === 'int32' || t.dtype === 'int64') return this.hostConstant(name, t.dims, this.derived.get(t, 'int32', () => intData(name, t)));
    if (t.dtype === 'bool') return this.hostConstant(name, t.dims, this.derived.get(t, 'float', () => Float32Array.from(t.data)));
    throw new WgnnError(name, `constants of type ${t.elemType} are not supported as op inputs`);
  }
}

/** A tensor's dims: every one is known inside the importer, which builds a graph per input signature. */
export function dimsOf(t: SymbolicTensor): number[] {
  return t.shape as number[];
}

export function describe(node: OnnxNode): string {
  return `${node.name || node.outputs.find(Boolean) || '?'} (${node.opType})`;
}

export function floatData(where: string, t: OnnxTensor): Float32Array {
  if (t.dtype === 'float32') return t.data;
  if (t.dtype === 'int32') return Float32Array.from(t.data);
  if (t.dtype === 'int64') return Float32Array.from(t.data, Number);
  throw new WgnnError(where, `expected a numeric tensor, got ${t.elemType}`);
}

export function intData(where: string, t: OnnxTensor): Int32Array {
  if (t.dtype === 'int32') return t.data;
  if (t.dtype === 'int64') {
    return Int32Array.from(t.data, (v) => {
      if (v > 2147483647n || v < -2147483648n) throw new WgnnError(where, `int64 value ${v} does not fit in int32`);
      return Number(v);
    });
  }
  throw new WgnnError(where, `expected an integer tensor, got ${t.elemType}`);
}

/** Integer values of a constant (shape arguments, axes, pads), INT64 extremes as +-Infinity. */
export function intValues(where: string, t: OnnxTensor): number[] {
  if (t.dtype === 'int64') return Array.from(t.data, (v) => (v >= 2n ** 62n ? Infinity : v <= -(2n ** 62n) ? -Infinity : Number(v)));
  if (t.dtype === 'int32') return Array.from(t.data);
  throw new WgnnError(where, `expected integers, got ${t.elemType}`);
}

/** Typed attribute access with ONNX defaults. */
export class Attributes {
  constructor(private readonly node: OnnxNode) {}

  private get(name: string, type: AttributeValue['type']): AttributeValue | undefined {
    const a = this.node.attributes[name];
    if (a && a.type !== type) throw new WgnnError(describe(this.node), `attribute ${name} is a ${a.type}, expected ${type}`);
    return a;
  }

  int(name: string, fallback: number): number {
    return (this.get(name, 'int') as { value: number } | undefined)?.value ?? fallback;
  }
  float(name: string, fallback: number): number {
    return (this.get(name, 'float') as { value: number } | undefined)?.value ?? fallback;
  }
  string(name: string, fallback: string): string {
    return (this.get(name, 'string') as { value: string } | undefined)?.value ?? fallback;
  }
  ints(name: string): number[] | undefined {
    return (this.get(name, 'ints') as { value: number[] } | undefined)?.value;
  }
  floats(name: string): number[] | undefined {
    return (this.get(name, 'floats') as { value: number[] } | undefined)?.value;
  }
  strings(name: string): string[] | undefined {
    return (this.get(name, 'strings') as { value: string[] } | undefined)?.value;
  }
  tensor(name: string): OnnxTensor | undefined {
    return (this.get(name, 'tensor') as { value: OnnxTensor } | undefined)?.value;
  }
}

export type { SymbolicShape, ValueId };
