// Builds an ONNX ModelProto (through the same generated protobuf code the importer decodes with):
// nodes in order, initializers, graph inputs and outputs, unique names for helper values.
import { onnx } from '../generated/onnx-pb.js';

const OPSET = 17;
const IR_VERSION = 8;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;

export type AttrValue = number | string | number[] | string[] | { floats: number[] } | { float: number };

function attribute(name: string, value: AttrValue): onnx.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return new onnx.AttributeProto({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'number') return new onnx.AttributeProto({ name, type: T.INT, i: value });
  if ('float' in value) return new onnx.AttributeProto({ name, type: T.FLOAT, f: value.float });
  if ('floats' in value) return new onnx.AttributeProto({ name, type: T.FLOATS, floats: value.floats });
  if (value.length > 0 && typeof value[0] === 'string') return new onnx.AttributeProto({ name, type: T.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
  return new onnx.AttributeProto({ name, type: T.INTS, ints: value as number[] });
}

function valueInfo(name: string, elemType: number, shape: (number | null)[] | undefined): onnx.ValueInfoProto {
  const dims = shape?.map((d, i) => new onnx.TensorShapeProto.Dimension(d === null ? { dimParam: i === 0 ? 'batch' : `dim${i}` } : { dimValue: d }));
  const tensorType = new onnx.TypeProto.Tensor({ elemType, ...(dims ? { shape: new onnx.TensorShapeProto({ dim: dims }) } : {}) });
  return new onnx.ValueInfoProto({ name, type: new onnx.TypeProto({ tensorType }) });
}

export class OnnxWriter {
  private readonly nodes: onnx.NodeProto[] = [];
  private readonly initializers: onnx.TensorProto[] = [];
  private readonly inputs: onnx.ValueInfoProto[] = [];
  private readonly outputs: onnx.ValueInfoProto[] = [];
  private readonly taken = new Set<string>();

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  /** Marks names the graph already uses (its values), so helpers never take them. */
  reserve(name: string): void {
    this.taken.add(name);
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue | undefined> = {}, name = outputs[0]): string[] {
    const attribute_ = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attribute(k, v!));
    this.nodes.push(new onnx.NodeProto({ opType, input: inputs, output: outputs, name: this.fresh(`${name}/${opType}`), attribute: attribute_ }));
    return outputs;
  }

  /** One output, named fresh from `base`. */
  op(opType: string, inputs: string[], base: string, attrs: Record<string, AttrValue | undefined> = {}): string {
    return this.node(opType, inputs, [this.fresh(base)], attrs)[0];
  }

  initializer(name: string, dims: readonly number[], data: Float32Array | Int32Array): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push(new onnx.TensorProto({ name, dims: [...dims], dataType: data instanceof Int32Array ? INT32 : FLOAT, rawData: bytes }));
    return name;
  }

  /** An int64 constant (shapes, axes), named fresh from `base`. */
  int64s(base: string, values: readonly number[]): string {
    const name = this.fresh(base);
    const view = new DataView(new ArrayBuffer(values.length * 8));
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push(new onnx.TensorProto({ name, dims: [values.length], dataType: INT64, rawData: new Uint8Array(view.buffer) }));
    return name;
  }

  /** A float constant named fresh from `base`. */
  floats(base: string, dims: readonly number[], data: Float32Array): string {
    return this.initializer(this.fresh(base), dims, data);
  }

  input(name: string, dtype: 'float32' | 'int32', shape: (number | null)[]): void {
    this.inputs.push(valueInfo(name, dtype === 'int32' ? INT32 : FLOAT, shape));
  }

  output(name: string, dtype: 'float32' | 'int32'): void {
    this.outputs.push(valueInfo(name, dtype === 'int32' ? INT32 : FLOAT, undefined));
  }

  encode(graphName: string, producerVersion: string): Uint8Array {
    const graph = new onnx.GraphProto({ name: graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs });
    const model = new onnx.ModelProto({
      irVersion: IR_VERSION,
      opsetImport: [new onnx.OperatorSetIdProto({ domain: '', version: OPSET })],
      producerName: 'wgnn',
      producerVersion,
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
