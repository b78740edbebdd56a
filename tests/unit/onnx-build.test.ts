// The model builder and the decoder against each other: every data encoding, element type and
// attribute type the builder writes comes back as written.
import { describe, expect, it } from 'vitest';
import { attr, buildModel, buildTensor, encodeModel, encodeTensor, modelProto, tensorProto, type ModelSpec } from '../../src/onnx/build.ts';
import { decodeModel, decodeTensor } from '../../src/onnx/decode.ts';
import { Random } from '../harness/random.ts';

const rng = new Random(20240611);
const W = rng.floats(2 * 3 * 3 * 3);
const B = rng.floats(2);

const convSpec: ModelSpec = {
  inputs: [{ name: 'x', shape: ['N', 3, null, 5] }],
  outputs: [{ name: 'y', shape: ['N', 2, null, 3] }],
  initializers: [
    { name: 'W', dims: [2, 3, 3, 3], data: W },
    { name: 'B', dims: [2], data: B, encoding: 'typed' },
  ],
  nodes: [
    {
      opType: 'Conv', name: 'conv1', inputs: ['x', 'W', 'B'], outputs: ['c'],
      attributes: { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), auto_pad: attr.string('NOTSET') },
    },
    { opType: 'LeakyRelu', inputs: ['c'], outputs: ['y'], attributes: { alpha: attr.float(0.25) } },
  ],
  opset: 17,
};

describe('ONNX builder -> decoder', () => {
  it('a small CNN with raw and typed initializers, symbolic dims and typed attributes', () => {
    const m = decodeModel(buildModel(convSpec));
    expect(m.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(m.irVersion).toBe(8);
    expect(m.graph.inputs).toEqual([{ name: 'x', type: { kind: 'tensor', elemType: 'float32', shape: ['N', 3, null, 5] } }]);
    const [w, b] = m.graph.initializers;
    expect([w.name, w.dims, w.dtype, w.elemType]).toEqual(['W', [2, 3, 3, 3], 'float32', 'float32']);
    expect(w.data).toEqual(W);
    expect(b.data).toEqual(B);
    expect({ ...m.graph.nodes[0].attributes }).toEqual({
      strides: { type: 'ints', value: [2, 2] },
      pads: { type: 'ints', value: [1, 1, 1, 1] },
      auto_pad: { type: 'string', value: 'NOTSET' },
    });
    expect(m.graph.nodes[1]).toMatchObject({ name: '', opType: 'LeakyRelu', inputs: ['c'], outputs: ['y'] });
    expect(m.graph.nodes[1].attributes.alpha).toEqual({ type: 'float', value: 0.25 });
  });

  it('raw_data at every byte alignment decodes to the same values (it is copied)', () => {
    const bytes = buildModel(convSpec);
    for (const offset of [1, 2, 3, 5]) {
      const shifted = new Uint8Array(bytes.length + offset);
      shifted.set(bytes, offset);
      expect(decodeModel(shifted.subarray(offset)).graph.initializers[0].data).toEqual(W);
    }
  });

  it('ArrayBuffer and Node Buffer inputs', () => {
    const bytes = buildModel(convSpec);
    expect(decodeModel(bytes.slice().buffer).graph.initializers[0].data).toEqual(W);
    expect(decodeModel(Buffer.from(bytes)).graph.initializers[0].data).toEqual(W);
  });

  it('int64 exact in raw_data and int64_data, including the extremes', () => {
    const values = new BigInt64Array([0n, -1n, 2n ** 62n + 1n, -(2n ** 63n), 2n ** 63n - 1n]);
    for (const encoding of ['raw', 'typed'] as const) {
      const t = decodeTensor(buildTensor({ name: 'i', dims: [5], elemType: 'int64', data: values, encoding }));
      expect([t.dtype, t.data]).toEqual(['int64', values]);
    }
  });

  it('narrow ints widen to int32, float64 rounds to float32, bool is 0/1', () => {
    for (const encoding of ['raw', 'typed'] as const) {
      const i8 = decodeTensor(buildTensor({ name: 'a', dims: [3], elemType: 'int8', data: [-128, 5, 127], encoding }));
      expect([i8.dtype, i8.elemType, Array.from(i8.data as Int32Array)]).toEqual(['int32', 'int8', [-128, 5, 127]]);
      const u8 = decodeTensor(buildTensor({ name: 'b', dims: [2], elemType: 'uint8', data: [255, 0], encoding }));
      expect(Array.from(u8.data as Int32Array)).toEqual([255, 0]);
      const f64 = decodeTensor(buildTensor({ name: 'c', dims: [2], elemType: 'float64', data: [0.1, -1e300], encoding }));
      expect([f64.dtype, f64.elemType, Array.from(f64.data as Float32Array)]).toEqual(['float32', 'float64', [Math.fround(0.1), -Infinity]]);
      const i32 = decodeTensor(buildTensor({ name: 'd', dims: [1, 2], elemType: 'int32', data: [-(2 ** 31), 2 ** 31 - 1], encoding }));
      expect(Array.from(i32.data as Int32Array)).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    }
    const bool = tensorProto({ name: 'e', dims: [3], elemType: 'bool', data: [0, 1, 1] });
    bool.rawData = new Uint8Array([0, 2, 1]); // any non-zero byte is true
    expect(Array.from(decodeTensor(encodeTensor(bool)).data as Uint8Array)).toEqual([0, 1, 1]);
  });

  it('float16 and bfloat16 bit patterns widen exactly to float32', () => {
    const half = [0x3c00, 0xc000, 0x7c00, 0x0001, 0x7bff, 0x8000];
    const halfValues = [1, -2, Infinity, 2 ** -24, 65504, -0];
    const bf = [0x3f80, 0xc040, 0xff80, 0x0001];
    const bfValues = [1, -3, -Infinity, 2 ** -133];
    for (const [dataType, bits, want] of [[10, half, halfValues], [16, bf, bfValues]] as const) {
      const raw = tensorProto({ name: 'h', dims: [bits.length], data: [] });
      raw.dataType = dataType;
      raw.rawData = new Uint8Array(new Uint16Array(bits).buffer);
      const typed = tensorProto({ name: 'h', dims: [bits.length], data: [], encoding: 'typed' });
      typed.dataType = dataType;
      typed.int32Data = [...bits];
      for (const t of [raw, typed]) {
        const out = decodeTensor(encodeTensor(t));
        expect([out.dtype, Array.from(out.data as Float32Array)]).toEqual(['float32', want]);
      }
    }
  });

  it('INT64_MAX and INT64_MIN attributes are +-Infinity (Slice-1 "to the end")', () => {
    const m = decodeModel(buildModel({
      inputs: [{ name: 'x', shape: [4] }], outputs: [{ name: 'y' }],
      nodes: [{ opType: 'Slice', inputs: ['x'], outputs: ['y'], attributes: { starts: attr.ints([1]), ends: attr.ints([Infinity]), axes: attr.ints([-Infinity]) } }],
      opset: 9,
    }));
    expect({ ...m.graph.nodes[0].attributes }).toEqual({
      starts: { type: 'ints', value: [1] },
      ends: { type: 'ints', value: [Infinity] },
      axes: { type: 'ints', value: [-Infinity] },
    });
  });

  it('tensor and strings attributes, and a non-default domain', () => {
    const m = modelProto({
      inputs: [], outputs: [{ name: 'y' }],
      nodes: [
        { opType: 'Constant', inputs: [], outputs: ['y'], attributes: { value: attr.tensor({ name: 'v', dims: [2], elemType: 'int64', data: [3, -4] }) } },
        { opType: 'Custom', domain: 'com.example', inputs: ['y'], outputs: ['z'], attributes: { names: attr.strings(['a', 'é']), f: attr.floats([0.5]) } },
      ],
    });
    const g = decodeModel(encodeModel(m)).graph;
    const value = g.nodes[0].attributes.value;
    expect(value.type === 'tensor' && [value.value.dims, value.value.data]).toEqual([[2], new BigInt64Array([3n, -4n])]);
    expect(g.nodes[1].domain).toBe('com.example');
    expect({ ...g.nodes[1].attributes }).toEqual({ names: { type: 'strings', value: ['a', 'é'] }, f: { type: 'floats', value: [0.5] } });
  });
});
