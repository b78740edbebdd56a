// Model files are untrusted: truncated, corrupted or hostile bytes must give a WgnnError that says
// what is wrong (never a hang, a crash or a bare TypeError/RangeError), before any large allocation.
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { WgnnError } from '../../src/errors.ts';
import { attr, buildModel, encodeModel, modelProto, type ModelSpec } from '../../src/onnx/build.ts';
import { decodeModel, decodeTensor } from '../../src/onnx/decode.ts';
import { onnx } from '../../src/onnx/generated/onnx-pb.js';
import { listCases } from '../conformance/testdata.ts';
import { Random } from '../harness/random.ts';

const spec: ModelSpec = {
  inputs: [{ name: 'x', shape: [1, 3, 8, 8] }],
  outputs: [{ name: 'y', shape: [1, 4, 4, 4] }],
  initializers: [
    { name: 'W', dims: [4, 3, 3, 3], data: new Random(7).floats(108) },
    { name: 'B', dims: [4], data: [0.5, -0.5, 1, 2], encoding: 'typed' },
    { name: 'shape', dims: [2], elemType: 'int64', data: [1, -1], encoding: 'typed' },
  ],
  nodes: [
    { opType: 'Conv', name: 'conv', inputs: ['x', 'W', 'B'], outputs: ['c'], attributes: { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) } },
    { opType: 'LeakyRelu', name: 'act', inputs: ['c'], outputs: ['y'], attributes: { alpha: attr.float(0.1) } },
  ],
};
const good = buildModel(spec);

/** What decoding gives: 'ok', or the WgnnError's message; any other throw fails the test. */
function outcome(bytes: Uint8Array, decode: (b: Uint8Array) => unknown = decodeModel): string {
  try {
    decode(bytes);
    return 'ok';
  } catch (e) {
    if (e instanceof WgnnError) return e.message;
    throw new Error(`not a WgnnError: ${(e as Error)?.stack ?? e}`);
  }
}

/** The model of `spec` with one initializer's TensorProto changed by `edit`. */
function withInitializer(name: string, edit: (t: onnx.TensorProto) => void): Uint8Array {
  const m = modelProto(spec);
  edit(m.graph!.initializer.find((t) => t.name === name)!);
  return encodeModel(m);
}

describe('untrusted ONNX files', () => {
  it('the unmodified model decodes', () => {
    expect(outcome(good)).toBe('ok');
  });

  it('a cut at every byte of a built model is a WgnnError', () => {
    for (let n = 0; n < good.length; n++) {
      const msg = outcome(good.subarray(0, n));
      if (msg === 'ok') throw new Error(`the model cut to ${n} of ${good.length} bytes decoded without error`);
    }
  });

  it('cuts of a real test-data model are WgnnErrors', () => {
    const c = listCases().find((x) => x.name === 'test_Conv2d' && x.suite === 'pytorch-converted');
    if (!c) return; // the package is optional outside CI; onnx-decode.test.ts reports its absence
    const bytes = new Uint8Array(readFileSync(c.modelPath));
    const cuts = new Set([...Array(300).keys(), ...Array.from({ length: 300 }, (_, i) => Math.floor((i * bytes.length) / 300))]);
    for (const n of cuts) {
      if (n < bytes.length && outcome(bytes.subarray(0, n)) === 'ok') throw new Error(`cut at ${n} decoded`);
    }
  });

  it('seeded random byte flips never escape as anything but a WgnnError', () => {
    const seed = 1234;
    const rng = new Random(seed);
    const tally = { ok: 0, rejected: 0 };
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = good.slice();
      const flips = rng.int(1, 4);
      for (let f = 0; f < flips; f++) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
      try {
        tally[outcome(bytes) === 'ok' ? 'ok' : 'rejected']++;
      } catch (e) {
        throw new Error(`seed ${seed}, trial ${trial}: ${(e as Error).message}`);
      }
    }
    console.log(`random byte flips (seed ${seed}): ${tally.ok} still decode, ${tally.rejected} rejected with a WgnnError`);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('an initializer with dims [1e6, 1e6, 1e6] is rejected before allocating', () => {
    const bytes = withInitializer('W', (t) => { t.dims = [1e6, 1e6, 1e6]; });
    expect(outcome(bytes)).toMatch(/initializer "W": shape \[1000000, 1000000, 1000000\] has more than 2147483647 elements/);
    const wide = withInitializer('W', (t) => { t.dims = [0, 2 ** 40]; });
    expect(outcome(wide)).toMatch(/initializer "W": shape \[0, 1099511627776\] has more than/);
  });

  it('negative dims', () => {
    expect(outcome(withInitializer('W', (t) => { t.dims = [4, -3, 3, 3]; }))).toMatch(/initializer "W": dims\[1\] is -3; tensor dims must be >= 0/);
  });

  it('data whose length does not match the dims', () => {
    const short = withInitializer('W', (t) => { t.rawData = t.rawData.subarray(0, 100); });
    expect(outcome(short)).toMatch(/initializer "W": raw_data has 100 bytes but shape \[4, 3, 3, 3\] of float32 needs 432 \(108 x 4\)/);
    const typed = withInitializer('B', (t) => { t.floatData = [1, 2, 3]; });
    expect(outcome(typed)).toMatch(/initializer "B": float_data has 3 values but shape \[4\] needs 4/);
    const none = withInitializer('B', (t) => { t.floatData = []; });
    expect(outcome(none)).toMatch(/initializer "B": shape \[4\] needs 4 values but neither raw_data nor float_data holds any/);
    const both = withInitializer('B', (t) => { t.rawData = new Uint8Array(16); });
    expect(outcome(both)).toMatch(/initializer "B": float32 data must be in raw_data or float_data alone; found float_data, raw_data/);
    const wrongField = withInitializer('shape', (t) => { t.int64Data = []; t.int32Data = [1, -1]; });
    expect(outcome(wrongField)).toMatch(/initializer "shape": int64 data must be in raw_data or int64_data alone; found int32_data/);
  });

  it('external data names the initializer and the file it points to', () => {
    const bytes = withInitializer('W', (t) => {
      t.rawData = new Uint8Array(0);
      t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      t.externalData = [new onnx.StringStringEntryProto({ key: 'location', value: 'weights.bin' })];
    });
    expect(outcome(bytes)).toMatch(/initializer "W": data is stored outside the model \(external data, location "weights.bin"\)/);
  });

  it('unsupported and unknown element types', () => {
    expect(outcome(withInitializer('B', (t) => { t.dataType = 14; }))).toMatch(/initializer "B": element type complex64 is not a type wgnn computes in/);
    expect(outcome(withInitializer('B', (t) => { t.dataType = 99; }))).toMatch(/initializer "B": unknown or missing data_type 99/);
  });

  it('an int attribute beyond 2^53 and a duplicated attribute name the node', () => {
    const m = modelProto(spec);
    const strides = m.graph!.node[0].attribute[0];
    strides.ints = [{ low: 0, high: 1 << 28, unsigned: false } as never];
    expect(outcome(encodeModel(m))).toMatch(/node "conv" \(Conv\) attribute "strides": the value is 1152921504606846976, beyond/);
    const dup = modelProto(spec);
    dup.graph!.node[1].attribute.push(dup.graph!.node[1].attribute[0]);
    expect(outcome(encodeModel(dup))).toMatch(/node "act" \(LeakyRelu\) attribute "alpha": is given twice/);
  });

  it('absurd or negative declared input shapes name the input', () => {
    const big = buildModel({ ...spec, inputs: [{ name: 'x', shape: ['N', 1e6, 1e6, 1e6] }] });
    expect(outcome(big)).toMatch(/graph "main" input "x": shape \[1000000, 1000000, 1000000\] has more than/);
    const neg = buildModel({ ...spec, inputs: [{ name: 'x', shape: [1, -2] }] });
    expect(outcome(neg)).toMatch(/input "x": shape dim 1 is -2; dims must be >= 0/);
  });

  it('subgraphs nested past the protobuf depth limit (100) are rejected, not a stack overflow', () => {
    // Hand-nested bytes: the encoder refuses messages this deep, which is the point.
    const field = (no: number, body: Uint8Array) => protobuf.Writer.create().uint32((no << 3) | 2).bytes(body).finish();
    let graph: Uint8Array = new Uint8Array(0);
    for (let depth = 0; depth < 150; depth++) {
      const attribute = field(6, graph); // AttributeProto.g
      const node = field(5, attribute); // NodeProto.attribute
      graph = field(1, node); // GraphProto.node
    }
    const model = new Uint8Array([...field(7, graph), ...encodeModel(new onnx.ModelProto({ irVersion: 8, opsetImport: [new onnx.OperatorSetIdProto({ version: 17 })] }))]);
    expect(outcome(model)).toMatch(/cannot parse the model as ONNX protobuf \(max depth exceeded\)/);
  });

  it('empty, non-ONNX and random files', () => {
    expect(outcome(new Uint8Array(0))).toMatch(/the model file is empty/);
    expect(outcome(new TextEncoder().encode('{"not": "onnx"}'))).toMatch(/^onnx: /);
    expect(outcome(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toMatch(/^onnx: /); // PNG signature
    expect(outcome(new Uint8Array([8, 7]))).toMatch(/the file holds no graph/); // a valid protobuf: ir_version 7 only
    const rng = new Random(99);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: rng.int(1, 64) }, () => rng.int(0, 255));
      expect(outcome(bytes)).not.toBe('ok');
      outcome(bytes, decodeTensor); // a TensorProto may decode (every field is optional) but must not escape
    }
    expect(outcome(good, decodeTensor)).toMatch(/^onnx/);
  });
});
