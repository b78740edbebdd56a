// The ONNX LayerNormalization and InstanceNormalization handlers on the CPU backend: which IR
// nodes they build (no transpose where the data is channels last and the normalized axes are
// contiguous there), Scale / B broadcast and permuted as constants and as tensors, the Mean /
// InvStdDev outputs, and the errors. Values against the references applied to the ONNX tensors.
import { describe, expect, it } from 'vitest';
import { createEngine, loadOnnx } from '../../src/index.ts';
import type { Graph } from '../../src/graph/ir.ts';
import { attr, buildModel, type ModelSpec } from '../../src/onnx/build.ts';
import { instanceNormReference, layerNormReference } from '../../src/ops/normalize/reference.ts';
import { expandReference } from '../../src/ops/strided-copy/reference.ts';
import { expectClose, reduction } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';
import { transpose } from './cnn-reference-helpers.ts';

const rng = new Random(630);
const W = rng.floats(4 * 3 * 3 * 3);
const CONV_B = rng.floats(4);
const conv = { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]) } };
const convInits = [{ name: 'w', dims: [4, 3, 3, 3], data: W }, { name: 'b', dims: [4], data: CONV_B }];
const X = { shape: [2, 3, 6, 5], data: rng.floats(2 * 3 * 6 * 5) };

/** The IR ops of the graph built for the model's static input shapes, in order. */
function irOps(graph: Graph): string[] {
  const built = graph.specialize ? graph.specialize(new Map(graph.inputs.map((id) => [id, graph.values[id].shape as number[]]))) : graph;
  return built.nodes.map((n) => n.op);
}

async function run(spec: ModelSpec, inputs: Record<string, { shape: number[]; data: Float32Array }>) {
  const graph = await loadOnnx(buildModel({ opset: 17, ...spec }));
  const outputs = await (await createEngine({ backend: 'cpu' })).compile(graph).run(inputs);
  return { ops: irOps(graph), outputs };
}

const t = (shape: number[], data: Float32Array) => ({ shape, data });

describe('ONNX normalization import', () => {
  it('Conv -> InstanceNormalization -> LayerNormalization(axis 1) stays channels last, Scale [C, 1, 1] broadcast', async () => {
    const [is, ib, ls, lb] = [rng.floats(4, 0.5, 2), rng.floats(4), rng.floats(4, 0.5, 2), rng.floats(120)];
    const { ops, outputs } = await run({
      nodes: [
        conv,
        { opType: 'InstanceNormalization', inputs: ['c', 'is', 'ib'], outputs: ['i'], attributes: { epsilon: attr.float(1e-3) } },
        { opType: 'LayerNormalization', inputs: ['i', 'ls', 'lb'], outputs: ['y', 'mean', 'inv'], attributes: { axis: attr.int(1) } },
      ],
      inputs: [{ name: 'x', shape: [2, 3, 6, 5] }],
      outputs: [{ name: 'c', shape: [2, 4, 6, 5] }, { name: 'y', shape: [2, 4, 6, 5] }, { name: 'mean', shape: [2, 1, 1, 1] }, { name: 'inv', shape: [2, 1, 1, 1] }],
      initializers: [...convInits, { name: 'is', dims: [4], data: is }, { name: 'ib', dims: [4], data: ib }, { name: 'ls', dims: [4, 1, 1], data: ls }, { name: 'lb', dims: [4, 6, 5], data: lb }],
    }, { x: X });
    // Transposes only where the data enters and leaves in ONNX layout (x; c and y), none around the norms.
    expect(ops.filter((op) => op !== 'reshape')).toEqual(['transpose', 'conv2d', 'instanceNorm', 'layerNorm', 'transpose', 'transpose']);
    const c = t([2, 4, 6, 5], outputs.c);
    const i = instanceNormReference(c, t([4], is), t([4], ib), 1e-3, 'channelsFirst');
    const scale = expandReference('test', t([4, 1, 1], ls), [4, 6, 5]);
    const expected = layerNormReference(i, scale, t([4, 6, 5], lb), 1, 1e-5);
    const info = { seed: 630, shape: [2, 4, 6, 5] };
    expectClose('y', outputs.y, expected.y.data, reduction(120), info);
    expectClose('mean', outputs.mean, expected.mean.data, reduction(120), info);
    expectClose('inv', outputs.inv, expected.invStdDev.data, reduction(120), info);
  });

  it("ConvNeXt's Transpose(0,2,3,1) -> LayerNormalization(-1) -> Transpose(0,3,1,2) normalizes rows of the NHWC data", async () => {
    const [ls, lb] = [rng.floats(4, 0.5, 2), rng.floats(4)];
    const { ops, outputs } = await run({
      nodes: [
        conv,
        { opType: 'Transpose', inputs: ['c'], outputs: ['h'], attributes: { perm: attr.ints([0, 2, 3, 1]) } },
        { opType: 'LayerNormalization', inputs: ['h', 'ls', 'lb'], outputs: ['n'], attributes: { epsilon: attr.float(1e-6) } },
        { opType: 'Transpose', inputs: ['n'], outputs: ['y'], attributes: { perm: attr.ints([0, 3, 1, 2]) } },
      ],
      inputs: [{ name: 'x', shape: [2, 3, 6, 5] }],
      outputs: [{ name: 'c', shape: [2, 4, 6, 5] }, { name: 'y', shape: [2, 4, 6, 5] }],
      initializers: [...convInits, { name: 'ls', dims: [4], data: ls }, { name: 'lb', dims: [4], data: lb }],
    }, { x: X });
    expect(ops.filter((op) => op === 'layerNorm')).toHaveLength(1);
    const nhwc = transpose(t([2, 4, 6, 5], outputs.c), [0, 2, 3, 1]);
    const expected = transpose(layerNormReference(nhwc, t([4], ls), t([4], lb), -1, 1e-6).y, [0, 3, 1, 2]);
    expectClose('y', outputs.y, expected.data, reduction(4), { seed: 630, shape: [2, 4, 6, 5] });
  });

  it('Scale and B as graph inputs: broadcast (plain data) and permuted (channels-last data), Mean alone', async () => {
    const [s1, b1, s2] = [rng.floats(4), rng.floats(4), rng.floats(120)];
    const y = { shape: [2, 3, 4], data: rng.floats(24) };
    const { outputs } = await run({
      nodes: [
        { opType: 'LayerNormalization', inputs: ['y', 's1', 'b1'], outputs: ['plain', 'mean', ''], attributes: { axis: attr.int(-2) } },
        conv,
        { opType: 'LayerNormalization', inputs: ['c', 's2'], outputs: ['last'], attributes: { axis: attr.int(1) } },
      ],
      inputs: [{ name: 'y', shape: [2, 3, 4] }, { name: 's1', shape: [1, 4] }, { name: 'b1', shape: [4] }, { name: 'x', shape: [2, 3, 6, 5] }, { name: 's2', shape: [4, 6, 5] }],
      outputs: [{ name: 'plain', shape: [2, 3, 4] }, { name: 'mean', shape: [2, 1, 1] }, { name: 'c', shape: [2, 4, 6, 5] }, { name: 'last', shape: [2, 4, 6, 5] }],
      initializers: convInits,
    }, { y, s1: t([1, 4], s1), b1: t([4], b1), x: X, s2: t([4, 6, 5], s2) });
    const plain = layerNormReference(y, expandReference('test', t([4], s1), [3, 4]), expandReference('test', t([4], b1), [3, 4]), -2, 1e-5);
    expectClose('plain', outputs.plain, plain.y.data, reduction(12), { seed: 630, shape: [2, 3, 4] });
    expectClose('mean', outputs.mean, plain.mean.data, reduction(12), { seed: 630, shape: [2, 1, 1] });
    const last = layerNormReference(t([2, 4, 6, 5], outputs.c), t([4, 6, 5], s2), undefined, 1, 1e-5);
    expectClose('last', outputs.last, last.y.data, reduction(120), { seed: 630, shape: [2, 4, 6, 5] });
  });

  it('rejects a Scale that does not broadcast to the normalized shape, and rank-2 instance norm', async () => {
    const ln = buildModel({
      opset: 17,
      nodes: [{ opType: 'LayerNormalization', inputs: ['y', 's'], outputs: ['z'], attributes: { axis: attr.int(1) } }],
      inputs: [{ name: 'y', shape: [2, 3, 4] }],
      outputs: [{ name: 'z', shape: [2, 3, 4] }],
      initializers: [{ name: 's', dims: [2, 4], data: rng.floats(8) }],
    });
    await expect(loadOnnx(ln)).rejects.toThrow(/Scale \[2, 4\] does not broadcast to the normalized shape \[3, 4\]/);
    const inorm = buildModel({
      opset: 6,
      nodes: [{ opType: 'InstanceNormalization', inputs: ['y', 's', 'b'], outputs: ['z'] }],
      inputs: [{ name: 'y', shape: [2, 3] }],
      outputs: [{ name: 'z', shape: [2, 3] }],
      initializers: [{ name: 's', dims: [3], data: rng.floats(3) }, { name: 'b', dims: [3], data: rng.floats(3) }],
    });
    await expect(loadOnnx(inorm)).rejects.toThrow(/InstanceNormalization\): input \[2, 3\] needs rank >= 3/);
  });
});
