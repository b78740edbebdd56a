// Decodes every model and data file of Debian's libonnx-testdata (the ONNX backend test cases),
// then spot-checks cases whose contents are known. Values of every tensor were cross-checked once
// against onnx.numpy_helper (ONNX 1.23.1) while writing the decoder; here the checks are pinned.
import { describe, expect, it } from 'vitest';
import type { AttributeValue, OnnxModel, OnnxTensor } from '../../src/onnx/model.ts';
import { listCases, loadCase, TESTDATA_ROOT, type LoadedCase } from '../conformance/testdata.ts';

const cases = listCases();
// In CI the package is a dependency of the conformance suite: its absence is a failure, not a skip.
if (cases.length === 0 && process.env.CI) throw new Error(`libonnx-testdata is not installed at ${TESTDATA_ROOT}`);

function load(suite: string, name: string): LoadedCase {
  const c = cases.find((x) => x.suite === suite && x.name === name);
  if (!c) throw new Error(`test data case ${suite}/${name} is missing`);
  return loadCase(c);
}
const node = (m: OnnxModel, i = 0) => m.graph.nodes[i];
const attrs = (m: OnnxModel, i = 0): Record<string, AttributeValue> => ({ ...node(m, i).attributes });
const tensorOf = (l: LoadedCase, set: number, kind: 'inputs' | 'outputs', k: number): OnnxTensor => {
  const v = l.dataSets[set][kind][k];
  if (!('tensor' in v)) throw new Error(`${v.file} was not decoded: ${v.skipped}`);
  return v.tensor;
};

describe.skipIf(cases.length === 0)('ONNX test data decodes', () => {
  it('every model.onnx and every .pb; files map to graph values by position, as names confirm', () => {
    const failures: string[] = [];
    const skipped: Record<string, number> = {};
    let tensors = 0, initializers = 0, nodes = 0, dataSets = 0;
    for (const c of cases) {
      try {
        const l = loadCase(c);
        initializers += l.model.graph.initializers.length;
        nodes += l.model.graph.nodes.length;
        dataSets += l.dataSets.length;
        for (const v of l.dataSets.flatMap((d) => [...d.inputs, ...d.outputs])) {
          if (!('tensor' in v)) skipped[v.skipped] = (skipped[v.skipped] ?? 0) + 1;
          else if (v.tensor.name && v.tensor.name !== v.name) failures.push(`${v.file} holds "${v.tensor.name}", mapped to "${v.name}"`);
          else tensors++;
        }
      } catch (e) {
        failures.push(`${c.suite}/${c.name}: ${(e as Error).message}`);
      }
    }
    console.log(
      `libonnx-testdata: ${cases.length} models (${nodes} top-level nodes, ${initializers} initializers), ` +
        `${dataSets} data sets, ${tensors} tensor files decoded, not decoded: ${JSON.stringify(skipped)}, ` +
        `failures: ${failures.length}`,
    );
    expect(failures).toEqual([]);
    // SequenceProto / OptionalProto files: the model declares those values non-tensor.
    expect(Object.keys(skipped).sort()).toEqual(['optional value', 'sequence value']);
  });

  it('Conv with strides and padding: node, attributes and data', () => {
    const l = load('node', 'test_conv_with_strides_padding');
    expect(l.model.opsetImports).toEqual([{ domain: '', version: 11 }]);
    expect(node(l.model)).toMatchObject({ opType: 'Conv', domain: '', inputs: ['x', 'W'], outputs: ['y'] });
    expect(attrs(l.model)).toEqual({
      kernel_shape: { type: 'ints', value: [3, 3] },
      pads: { type: 'ints', value: [1, 1, 1, 1] },
      strides: { type: 'ints', value: [2, 2] },
    });
    expect(l.model.graph.inputs[0]).toEqual({ name: 'x', type: { kind: 'tensor', elemType: 'float32', shape: [1, 1, 7, 5] } });
    const x = tensorOf(l, 0, 'inputs', 0);
    expect([x.name, x.dtype, x.dims]).toEqual(['x', 'float32', [1, 1, 7, 5]]);
    expect(Array.from(x.data as Float32Array)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(Array.from(tensorOf(l, 0, 'outputs', 0).data as Float32Array).slice(0, 3)).toEqual([12, 27, 24]);
  });

  it('LSTM attributes and omitted optional inputs and outputs', () => {
    expect(attrs(load('node', 'test_lstm_batchwise').model)).toEqual({
      hidden_size: { type: 'int', value: 7 },
      layout: { type: 'int', value: 1 },
    });
    const peep = node(load('node', 'test_lstm_with_peepholes').model);
    expect(peep.inputs).toEqual(['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P']);
    expect(peep.outputs).toEqual(['', 'Y_h']);
  });

  it('initializers in raw_data and in typed fields', () => {
    const conv = load('pytorch-converted', 'test_Conv1d').model.graph.initializers[0]; // raw_data
    expect([conv.name, conv.dtype, conv.dims]).toEqual(['1', 'float32', [5, 4, 3]]);
    expect(conv.data.slice(0, 2)).toEqual(new Float32Array([-0.019612163305282593, -0.21915003657341003]));
    const seq = load('simple', 'test_sequence_model1').model.graph.initializers; // int64_data
    expect(seq.map((t) => [t.name, t.dtype, t.dims, Array.from(t.data as BigInt64Array)])).toEqual([
      ['pos', 'int64', [], [1n]],
      ['pos_at', 'int64', [], [2n]],
    ]);
  });

  it('converted element types keep the declared one', () => {
    const double = tensorOf(load('node', 'test_cast_DOUBLE_to_FLOAT'), 0, 'inputs', 0);
    expect([double.dtype, double.elemType, double.data[0]]).toEqual(['float32', 'float64', Math.fround(0.31542834639549255)]);
    const strings = tensorOf(load('simple', 'test_strnorm_model_monday_casesensintive_lower'), 0, 'inputs', 0);
    expect(strings.data).toEqual(['monday', 'tuesday', 'wednesday', 'thursday']);
    const u8 = tensorOf(load('node', 'test_add_uint8'), 0, 'inputs', 0);
    expect([u8.dtype, u8.elemType, Array.from(u8.data as Int32Array).slice(0, 3)]).toEqual(['int32', 'uint8', [12, 10, 12]]);
  });

  it('sequence-typed values are listed, not decoded as tensors', () => {
    const l = load('node', 'test_sequence_insert_at_back');
    expect(l.dataSets[0].inputs.map((v) => ('tensor' in v ? v.tensor.dtype : v.skipped))).toEqual(['sequence value', 'int64']);
  });
});
