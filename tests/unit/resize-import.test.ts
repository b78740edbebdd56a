// The ONNX Resize and Upsample handler: on a convolution's channels-last output it resizes where
// the data lies (no transpose between them) with the same values as on ONNX-order data; the
// opset differences (Upsample's scales attribute, Resize-10's rounding, opset 18's axes and
// keep_aspect_ratio_policy); and its errors, which name the node and shapes before anything is
// allocated. Runs on the CPU backend.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.ts';
import { attr, buildModel, type AttributeSpec, type NodeSpec, type TensorSpec } from '../../src/onnx/build.ts';
import { decodeModel } from '../../src/onnx/decode.ts';
import { ConstantRequired, importOnnx } from '../../src/onnx/import.ts';
import { expectClose, F32 } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';

const SEED = 0x5e12e;
const rng = new Random(SEED);
const W = rng.floats(4 * 3 * 3 * 3);
const X = rng.floats(2 * 3 * 5 * 6);

const floats = (name: string, data: number[]): TensorSpec => ({ name, dims: [data.length], data: Float32Array.from(data) });
const int64s = (name: string, data: number[]): TensorSpec => ({ name, dims: [data.length], elemType: 'int64', data: BigInt64Array.from(data, BigInt) });

/** Conv (NCHW [2, 3, 5, 6] -> [2, 4, 3, 4], channels-last inside wgnn) then `tail`, which reads 'c' and writes 'y'. */
function convThen(tail: NodeSpec[], initializers: TensorSpec[] = [], opset = 13) {
  return decodeModel(buildModel({
    nodes: [{ opType: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'] }, ...tail],
    inputs: [{ name: 'x', shape: [2, 3, 5, 6] }],
    outputs: [{ name: 'y' }],
    initializers: [{ name: 'w', dims: [4, 3, 3, 3], data: W }, ...initializers],
    opset,
  }));
}

const resizeNode = (inputs: string[], attributes: Record<string, AttributeSpec> = {}, opType = 'Resize'): NodeSpec => ({ opType, name: 'up', inputs: ['c', ...inputs], outputs: ['y'], attributes });

async function run(tail: NodeSpec[], initializers: TensorSpec[], opset: number): Promise<Float32Array> {
  const engine = await createEngine({ backend: 'cpu' });
  return (await engine.compile(importOnnx(convThen(tail, initializers, opset))).run({ x: X })).y as Float32Array;
}

/** The same node on the convolution's output moved to ONNX order first (an identity Transpose). */
const plainFirst = (node: NodeSpec): NodeSpec[] => [
  { opType: 'Transpose', inputs: ['c'], outputs: ['p'], attributes: { perm: attr.ints([0, 1, 2, 3]) } },
  { ...node, inputs: ['p', ...node.inputs.slice(1)] },
];

interface Variant {
  name: string;
  node: NodeSpec;
  initializers: TensorSpec[];
  opset: number;
}

const variants: Variant[] = [
  { name: 'nearest, scales [1, 1, 2, 2] (nn.Upsample)', node: resizeNode(['', 's'], { mode: attr.string('nearest') }), initializers: [floats('s', [1, 1, 2, 2])], opset: 13 },
  { name: 'linear align_corners, sizes [2, 4, 7, 5]', node: resizeNode(['', '', 'z'], { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('align_corners') }), initializers: [int64s('z', [2, 4, 7, 5])], opset: 13 },
  { name: 'cubic, scales [1, 1, 1.7, 0.6]', node: resizeNode(['', 's'], { mode: attr.string('cubic') }), initializers: [floats('s', [1, 1, 1.7, 0.6])], opset: 13 },
  {
    name: 'linear tf_crop_and_resize, roi on every axis (the channel roi moves last)',
    node: resizeNode(['r', '', 'z'], { mode: attr.string('linear'), coordinate_transformation_mode: attr.string('tf_crop_and_resize'), extrapolation_value: attr.float(-2) }),
    initializers: [floats('r', [0, 0.2, 0.1, -0.1, 1, 0.7, 1.2, 0.8]), int64s('z', [2, 3, 4, 6])],
    opset: 13,
  },
  { name: 'opset 18 axes [3, 2] with sizes, keep_aspect_ratio_policy not_larger', node: resizeNode(['', '', 'z'], { mode: attr.string('linear'), axes: attr.ints([3, 2]), keep_aspect_ratio_policy: attr.string('not_larger') }), initializers: [int64s('z', [10, 9])], opset: 18 },
  { name: 'Upsample opset 9 (scales input), linear', node: resizeNode(['s'], { mode: attr.string('linear') }, 'Upsample'), initializers: [floats('s', [1, 1, 2, 1.5])], opset: 9 },
];

describe('ONNX Resize on a convolution output', () => {
  it('resizes the channels-last tensor directly: the resize reads the convolution output', () => {
    const template = importOnnx(convThen([variants[0].node], variants[0].initializers));
    const graph = template.specialize!(new Map([[template.inputs[0], [2, 3, 5, 6]]]));
    const resize = graph.nodes.find((n) => n.op === 'resize')!;
    const producer = graph.nodes.find((n) => n.outputs.includes(resize.inputs[0]!))!;
    expect(producer.op).toBe('conv2d');
    expect(resize.attrs).toMatchObject({ sizes: [2, 6, 8, 4], scales: [1, 2, 2, 1] });
  });

  for (const v of variants) {
    it(`${v.name}: same values as on ONNX-order data`, async () => {
      const expected = await run(plainFirst(v.node), v.initializers, v.opset);
      expectClose(v.name, await run([v.node], v.initializers, v.opset), expected, F32, { seed: SEED, shape: [expected.length] });
    });
  }

  it('opset 18 not_larger: scale min(10 / 4, 9 / 3) = 2.5 gives [2, 4, 8, 10]', () => {
    const v = variants[4];
    const template = importOnnx(convThen([v.node], v.initializers, 18));
    const graph = template.specialize!(new Map([[template.inputs[0], [2, 3, 5, 6]]]));
    expect(graph.nodes.find((n) => n.op === 'resize')!.attrs).toMatchObject({ sizes: [2, 8, 10, 4], scales: [1, 2.5, 2.5, 1] });
  });
});

/** A Resize or Upsample on graph input x (ONNX layout), run on the CPU backend. */
async function onInput(shape: number[], data: number[], node: Omit<NodeSpec, 'inputs' | 'outputs'> & { inputs: string[] }, initializers: TensorSpec[], opset: number) {
  const model = decodeModel(buildModel({ nodes: [{ ...node, inputs: ['x', ...node.inputs], outputs: ['y'] }], inputs: [{ name: 'x', shape }], outputs: [{ name: 'y' }], initializers, opset }));
  const engine = await createEngine({ backend: 'cpu' });
  return Array.from((await engine.compile(importOnnx(model)).run({ x: Float32Array.from(data) })).y as Float32Array);
}

describe('ONNX Resize and Upsample across opsets', () => {
  it('Upsample opset 7 takes scales as an attribute (the ONNX upsample_nearest example)', async () => {
    const y = await onInput([1, 1, 2, 2], [1, 2, 3, 4], { opType: 'Upsample', inputs: [], attributes: { scales: attr.floats([1, 1, 2, 3]) } }, [], 7);
    expect(y).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
  });

  it('Resize opset 10 is asymmetric and rounds a downsampled axis up: x / 0.6 = 1.67 picks 2', async () => {
    const y = await onInput([1, 1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8], { opType: 'Resize', inputs: ['s'] }, [floats('s', [1, 1, 0.6, 0.6])], 10);
    expect(y).toEqual([1, 3]);
  });

  it('Resize opset 10 linear is asymmetric', async () => {
    const y = await onInput([1, 1, 1, 2], [1, 2], { opType: 'Resize', inputs: ['s'], attributes: { mode: attr.string('linear') } }, [floats('s', [1, 1, 1, 2])], 10);
    expect(y).toEqual([1, 1.5, 2, 2]);
  });
});

describe('ONNX Resize errors', () => {
  const importWith = (inputs: string[], attributes: Record<string, AttributeSpec>, initializers: TensorSpec[], opset = 13) => () => importOnnx(convThen([resizeNode(inputs, attributes)], initializers, opset));
  it('rejects zero, negative and emptying scales, and zero sizes, naming the node and the input shape', () => {
    expect(importWith(['', 's'], {}, [floats('s', [1, 1, 0, 2])])).toThrow(/up \(Resize\): scale 0 on axis 2 of input \[2, 4, 3, 4\] must be a finite number > 0/);
    expect(importWith(['', 's'], {}, [floats('s', [1, 1, -2, 2])])).toThrow(/scale -2 on axis 2/);
    expect(importWith(['', 's'], {}, [floats('s', [1, 1, 0.2, 2])])).toThrow(/scale 0.2\d* on axis 2 of input \[2, 4, 3, 4\] leaves no output element/);
    expect(importWith(['', '', 'z'], {}, [int64s('z', [2, 4, 0, 8])])).toThrow(/size 0 on axis 2 of input \[2, 4, 3, 4\] must be an integer >= 1/);
  });
  it('rejects an absurd output before allocating it', () => {
    expect(importWith(['', 's'], {}, [floats('s', [1, 1, 1e5, 1e5])])).toThrow(/up \(Resize\) output: shape \[2, 4, 300000, 400000\] has more than 2147483647 elements/);
  });
  it('needs exactly one of scales and sizes, with one value per axis', () => {
    expect(importWith(['', 's', 'z'], {}, [floats('s', [1, 1, 2, 2]), int64s('z', [2, 4, 6, 8])])).toThrow(/needs exactly one of scales and sizes, got both/);
    expect(importWith(['', '', ''], {}, [])).toThrow(/got neither/);
    expect(importWith(['', 's'], {}, [floats('s', [2, 2])])).toThrow(/scales \[2, 2\] must give one value per resized axis \(4\)/);
  });
  it('rejects antialias, unknown modes and tf_crop_and_resize without roi', () => {
    expect(importWith(['', 's'], { mode: attr.string('linear'), antialias: attr.int(1) }, [floats('s', [1, 1, 0.5, 0.5])], 18)).toThrow(/up \(Resize\): antialias=1 is not supported/);
    expect(importWith(['', 's'], { mode: attr.string('area') }, [floats('s', [1, 1, 2, 2])])).toThrow(/mode 'area' is not supported/);
    expect(importWith(['', 's'], { nearest_mode: attr.string('banker') }, [floats('s', [1, 1, 2, 2])])).toThrow(/nearest_mode 'banker' is not supported/);
    expect(importWith(['', '', 'z'], { coordinate_transformation_mode: attr.string('tf_crop_and_resize') }, [int64s('z', [2, 4, 6, 8])])).toThrow(/tf_crop_and_resize needs roi with 8 values/);
  });
  it('needs sizes known when the plan is built', () => {
    const model = decodeModel(buildModel({
      nodes: [{ opType: 'Resize', name: 'up', inputs: ['x', '', '', 'z'], outputs: ['y'] }],
      inputs: [{ name: 'x', shape: [1, 1, 2, 2] }, { name: 'z', elemType: 'int64', shape: [4] }],
      outputs: [{ name: 'y' }],
      opset: 13,
    }));
    expect(() => importOnnx(model)).toThrow(ConstantRequired);
  });
});
