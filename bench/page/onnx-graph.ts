// A small builder for the benchmark's ONNX models: each method adds one node (and its weights as
// initializers, converted from the Keras layouts the workloads generate) and returns the output
// name. Serialized with src/onnx/build.ts, so ONNX Runtime gets the very arrays the others get.
import { attr, buildModel, type NodeSpec, type TensorSpec } from '../../src/onnx/build.ts';
import { hwioToOihw } from './data.ts';

export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private count = 0;

  private name(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  weight(dims: number[], data: Float32Array | number[], prefix = 'w'): string {
    const name = this.name(prefix);
    this.initializers.push({ name, dims, data: data instanceof Float32Array ? data : Float32Array.from(data) });
    return name;
  }

  ints(values: number[]): string {
    const name = this.name('shape');
    this.initializers.push({ name, dims: [values.length], elemType: 'int64', data: values });
    return name;
  }

  /** Adds a node; `wanted` says which outputs to produce (ONNX leaves the others as ''). */
  node(opType: string, inputs: string[], attributes: NodeSpec['attributes'] = {}, wanted: boolean[] = [true]): string[] {
    const names = wanted.map((w) => (w ? this.name(opType.toLowerCase()) : ''));
    this.nodes.push({ opType, inputs, outputs: names, attributes });
    return names;
  }

  op(opType: string, inputs: string[], attributes: NodeSpec['attributes'] = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  /** Conv from a Keras kernel [KH, KW, Cin, Cout]; pads [top, left, bottom, right]. */
  conv(x: string, kernel: Float32Array, shape: number[], bias: Float32Array | undefined, o: { stride?: number; pads?: number[] } = {}): string {
    const [kh, kw, ci, co] = shape;
    const inputs = [x, this.weight([co, ci, kh, kw], hwioToOihw(kernel, shape))];
    if (bias) inputs.push(this.weight([co], bias, 'b'));
    const stride = o.stride ?? 1;
    return this.op('Conv', inputs, { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([stride, stride]), pads: attr.ints(o.pads ?? [0, 0, 0, 0]) });
  }

  maxPool(x: string, k: number): string {
    return this.op('MaxPool', [x], { kernel_shape: attr.ints([k, k]), strides: attr.ints([k, k]) });
  }

  /** Gemm from a Keras dense kernel [in, units] and bias [units]. */
  dense(x: string, kernel: Float32Array, inUnits: number, units: number, bias: Float32Array): string {
    return this.op('Gemm', [x, this.weight([inUnits, units], kernel), this.weight([units], bias, 'b')]);
  }

  build(inputs: { name: string; shape: number[] }[], output: string): Uint8Array {
    return buildModel({ nodes: this.nodes, inputs, outputs: [{ name: output }], initializers: this.initializers, opset: 17 });
  }
}

/** ONNX gate block for each Keras block: LSTM Keras i,f,c,o -> ONNX i,o,f,c; GRU z,r,h in both. */
const KERAS_TO_ONNX_BLOCKS = { lstm: [0, 3, 1, 2], gru: [0, 1, 2] } as const;

/**
 * Keras recurrent weights (kernel [I, G*H], recurrent_kernel [H, G*H], bias [G*H]) in ONNX form:
 * W [1, G*H, I], R [1, G*H, H], B [1, 2*G*H] (input bias, then a zero recurrent bias). Written
 * here from the two specifications, independently of wgnn's own converter.
 */
export function kerasToOnnxRecurrent(cell: 'lstm' | 'gru', I: number, H: number, kernel: Float32Array, recurrent: Float32Array, bias: Float32Array) {
  const blocks = KERAS_TO_ONNX_BLOCKS[cell];
  const G = blocks.length;
  const w = new Float32Array(G * H * I);
  const r = new Float32Array(G * H * H);
  const b = new Float32Array(2 * G * H);
  blocks.forEach((from, to) => {
    for (let j = 0; j < H; j++) {
      const row = to * H + j;
      const col = from * H + j;
      for (let i = 0; i < I; i++) w[row * I + i] = kernel[i * G * H + col];
      for (let i = 0; i < H; i++) r[row * H + i] = recurrent[i * G * H + col];
      b[row] = bias[col];
    }
  });
  return { w, r, b };
}

/** Adds an ONNX LSTM/GRU on a [T, B, I] input; returns Y as [T, B, H] or the final Y_h as [B, H]. */
export function onnxRecurrent(g: OnnxGraph, cell: 'lstm' | 'gru', x: string, I: number, H: number, weights: { kernel: Float32Array; recurrent: Float32Array; bias: Float32Array }, returnSequences: boolean): string {
  const G = cell === 'lstm' ? 4 : 3;
  const { w, r, b } = kerasToOnnxRecurrent(cell, I, H, weights.kernel, weights.recurrent, weights.bias);
  const inputs = [x, g.weight([1, G * H, I], w), g.weight([1, G * H, H], r), g.weight([1, 2 * G * H], b)];
  // tfjs-layers and Keras 1 GRUs apply the reset gate before the recurrent product: linear_before_reset 0.
  const [y, yH] = g.node(cell === 'lstm' ? 'LSTM' : 'GRU', inputs, { hidden_size: { type: 'int', value: H } }, [returnSequences, !returnSequences]);
  return returnSequences ? g.op('Squeeze', [y, g.ints([1])]) : g.op('Squeeze', [yH, g.ints([0])]);
}
