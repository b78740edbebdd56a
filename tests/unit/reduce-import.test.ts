// The ONNX Reduce*/ArgMax/ArgMin handlers on channels-last data (a convolution's output): the
// reduction runs where the data lies, so a ReduceMean over H and W (GlobalAveragePool as
// MobileNet, ShuffleNet and MnasNet export it) adds no transpose; every layout the result can
// take gives the same values as reducing the ONNX-order tensor (on the CPU backend).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.ts';
import { attr, buildModel, type NodeSpec } from '../../src/onnx/build.ts';
import { decodeModel } from '../../src/onnx/decode.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { expectClose, F32 } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';

const SEED = 0x2ed;
const rng = new Random(SEED);
const W = rng.floats(4 * 3 * 3 * 3);
const X = rng.floats(2 * 3 * 5 * 6);

const W1 = rng.floats(5 * 4);

/** Conv (NCHW [2, 3, 5, 6] -> [2, 4, 3, 4]) then `tail`, which reads 'c' and writes 'y'. */
function convThen(tail: NodeSpec[], opset = 13) {
  return decodeModel(buildModel({
    nodes: [{ opType: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'] }, ...tail],
    inputs: [{ name: 'x', shape: [2, 3, 5, 6] }],
    outputs: [{ name: 'y' }],
    initializers: [{ name: 'w', dims: [4, 3, 3, 3], data: W }, { name: 'w1', dims: [5, 4, 1, 1], data: W1 }],
    opset,
  }));
}

/** The transposes of the imported graph, by name. */
function transposesOf(tail: NodeSpec[]): string[] {
  const template = importOnnx(convThen(tail));
  const graph = template.specialize!(new Map([[template.inputs[0], [2, 3, 5, 6]]]));
  return graph.nodes.filter((n) => n.op === 'transpose').map((n) => n.name);
}

async function run(tail: NodeSpec[], opset = 13): Promise<Float32Array> {
  const engine = await createEngine({ backend: 'cpu' });
  return (await engine.compile(importOnnx(convThen(tail, opset))).run({ x: X })).y as Float32Array;
}

/** The same op on the convolution's output moved to ONNX order first (an identity Transpose). */
const plainFirst = (node: NodeSpec): NodeSpec[] => [
  { opType: 'Transpose', inputs: ['c'], outputs: ['p'], attributes: { perm: attr.ints([0, 1, 2, 3]) } },
  { ...node, inputs: ['p', ...node.inputs.slice(1)] },
];

describe('ONNX reductions on a convolution output', () => {
  // The only transpose is the graph input's, NCHW -> NHWC for the convolution.
  it('ReduceMean over H, W (keepdims 0) adds no transpose', () => {
    expect(transposesOf([{ opType: 'ReduceMean', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(0) } }])).toEqual(['conv (Conv)/to_nhwc_0']);
  });

  it('ReduceMean over H, W (keepdims 1) into a 1x1 Conv adds no transpose', () => {
    const tail: NodeSpec[] = [
      { opType: 'ReduceMean', inputs: ['c'], outputs: ['m'], attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(1) } },
      { opType: 'Conv', name: 'squeeze', inputs: ['m', 'w1'], outputs: ['s'] },
      { opType: 'Flatten', inputs: ['s'], outputs: ['y'] },
    ];
    // Flatten reads ONNX order: the [2, 1, 1, 5] result needs no move (only dims of 1 change place: a view).
    expect(transposesOf(tail)).toEqual(['conv (Conv)/to_nhwc_0']);
  });

  const layouts: [string, NodeSpec][] = [
    ['ReduceMean H, W keepdims 0 (plain result)', { opType: 'ReduceMean', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(0) } }],
    ['ReduceSum H, W keepdims 1 (channels-last result)', { opType: 'ReduceSum', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([-1, 2]), keepdims: attr.int(1) } }],
    ['ReduceMax H keepdims 0 (channels-last rank-3 result [N, W, C])', { opType: 'ReduceMax', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([2]), keepdims: attr.int(0) } }],
    ['ReduceProd N keepdims 0 (result transposed to ONNX order)', { opType: 'ReduceProd', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([0]), keepdims: attr.int(0) } }],
    ['ReduceL2 N, H keepdims 0 (result transposed to ONNX order)', { opType: 'ReduceL2', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([0, 2]), keepdims: attr.int(0) } }],
    ['ReduceLogSumExp C keepdims 0', { opType: 'ReduceLogSumExp', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([1]), keepdims: attr.int(0) } }],
    ['ReduceMin all axes', { opType: 'ReduceMin', inputs: ['c'], outputs: ['y'], attributes: { keepdims: attr.int(0) } }],
    ['ArgMax C keepdims 0', { opType: 'ArgMax', inputs: ['c'], outputs: ['y'], attributes: { axis: attr.int(1), keepdims: attr.int(0) } }],
    ['ArgMin W keepdims 0 select_last_index', { opType: 'ArgMin', inputs: ['c'], outputs: ['y'], attributes: { axis: attr.int(3), keepdims: attr.int(0), select_last_index: attr.int(1) } }],
    ['ArgMax N keepdims 1', { opType: 'ArgMax', inputs: ['c'], outputs: ['y'], attributes: { axis: attr.int(0), keepdims: attr.int(1) } }],
  ];
  for (const [name, node] of layouts) {
    it(`${name}: same values as on ONNX-order data`, async () => {
      const expected = await run(plainFirst(node));
      expectClose(name, await run([node]), expected, F32, { seed: SEED, shape: [expected.length] });
    });
  }

  it('opset 18: axes as input 1, and noop_with_empty_axes', async () => {
    const axes = (values: number[]) => ({ opType: 'Constant', inputs: [], outputs: ['a'], attributes: { value: attr.tensor({ name: 'a', dims: [values.length], elemType: 'int64', data: values }) } });
    const reduceOver = (values: number[], noop: number): NodeSpec[] => [axes(values), { opType: 'ReduceMean', inputs: ['c', 'a'], outputs: ['y'], attributes: { keepdims: attr.int(0), noop_with_empty_axes: attr.int(noop) } }];
    const byAttribute = await run([{ opType: 'ReduceMean', inputs: ['c'], outputs: ['y'], attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(0) } }]);
    expectClose('axes input', await run(reduceOver([2, 3], 0), 18), byAttribute, F32, { seed: SEED, shape: [8] });
    const noop = await run(reduceOver([], 1), 18);
    const conv = await run([{ opType: 'Identity', inputs: ['c'], outputs: ['y'] }]);
    expectClose('noop', noop, conv, F32, { seed: SEED, shape: [conv.length] });
    expect((await run(reduceOver([], 0), 18)).length).toBe(1);
  });
});
