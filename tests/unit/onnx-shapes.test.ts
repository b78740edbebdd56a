// Shape computation in imported graphs: the graph is built per input signature with shape
// subgraphs folded on the host, plans come from the shapes given (never from a guessed batch
// dim), and bad shape arithmetic is one clear error naming the node, before any allocation.
import { describe, expect, it } from 'vitest';
import { createEngine, loadOnnx, WgnnError } from '../../src/index.ts';
import { attr, buildModel, type ModelSpec, type TensorSpec } from '../../src/onnx/build.ts';
import { FOLDERS } from '../../src/onnx/fold/index.ts';
import { SUPPORTED_ONNX_OPS } from '../../src/onnx/import.ts';
import { lstmReference } from '../../src/ops/lstm/reference.ts';
import { Random } from '../harness/random.ts';

const rng = new Random(20261201);
const int64 = (name: string, values: number[], dims = [values.length]): TensorSpec => ({ name, dims, elemType: 'int64', data: BigInt64Array.from(values, BigInt) });

async function cpu(spec: ModelSpec) {
  const engine = await createEngine({ backend: 'cpu' });
  return engine.compile(await loadOnnx(buildModel(spec)));
}

/** The error message of `run`, which must be a WgnnError on one line. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(WgnnError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected a WgnnError');
}

describe('shape subgraphs are computed per input signature', () => {
  // x.view(x.size(0), -1) as PyTorch writes it: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
  const flatten: ModelSpec = {
    inputs: [{ name: 'x', shape: ['N', 2, 3] }],
    outputs: [{ name: 'y', shape: ['N', 6] }],
    initializers: [int64('zero', [0], []), int64('minus1', [-1]), int64('axes', [0])],
    nodes: [
      { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
      { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['n'], attributes: { axis: attr.int(0) } },
      { opType: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
      { opType: 'Concat', inputs: ['n1', 'minus1'], outputs: ['shape'], attributes: { axis: attr.int(0) } },
      { opType: 'Reshape', name: 'flatten', inputs: ['x', 'shape'], outputs: ['y'] },
    ],
  };

  it('a dynamic batch gets a plan per size, with no shape work left in it', async () => {
    const compiled = await cpu(flatten);
    for (const n of [1, 3, 5]) {
      const x = rng.floats(n * 6);
      const { y } = await compiled.run({ x: { data: x, shape: [n, 2, 3] } });
      expect(Array.from(y)).toEqual(Array.from(x));
      const program = await compiled.program([[n, 2, 3]]);
      expect(program.steps.map((s) => s.node.op)).toEqual([]); // the reshape is a view; Shape..Concat were folded
      expect(program.outputs[0].spec.shape).toEqual([n, 6]);
    }
  });

  it('an open dim that is not the batch: Gemm with transA and a symbolic K (plans use the shapes given)', async () => {
    const [K, M, N] = [4, 3, 5];
    const w = rng.floats(K * N);
    const compiled = await cpu({
      inputs: [{ name: 'a', shape: ['K', M] }],
      outputs: [{ name: 'y', shape: [M, N] }],
      initializers: [{ name: 'w', dims: [K, N], data: w }],
      nodes: [{ opType: 'Gemm', inputs: ['a', 'w'], outputs: ['y'], attributes: { transA: attr.int(1) } }],
    });
    const a = rng.floats(K * M);
    const { y } = await compiled.run({ a: { data: a, shape: [K, M] } });
    const expected = Array.from({ length: M * N }, (_, i) => {
      const [m, n] = [Math.floor(i / N), i % N];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += a[k * M + m] * w[k * N + n];
      return sum;
    });
    expect(Array.from(y).map((v, i) => Math.abs(v - expected[i]))).toSatisfy((d: number[]) => d.every((e) => e < 1e-5));
  });

  it('LSTM with initial_h given and initial_c omitted: the missing state is zeros', async () => {
    const [T, B, I, H] = [3, 2, 2, 3];
    const [w, r, b, h0] = [rng.floats(4 * H * I), rng.floats(4 * H * H), rng.floats(8 * H), rng.floats(B * H)];
    const compiled = await cpu({
      inputs: [{ name: 'x', shape: [T, B, I] }, { name: 'h0', shape: [1, B, H] }],
      outputs: [{ name: 'yh', shape: [1, B, H] }],
      initializers: [{ name: 'W', dims: [1, 4 * H, I], data: w }, { name: 'R', dims: [1, 4 * H, H], data: r }, { name: 'B', dims: [1, 8 * H], data: b }],
      nodes: [{ opType: 'LSTM', inputs: ['x', 'W', 'R', 'B', '', 'h0'], outputs: ['', 'yh'], attributes: { hidden_size: attr.int(H) } }],
    });
    const x = rng.floats(T * B * I);
    const { yh } = await compiled.run({ x, h0 });
    const t = (shape: number[], data: Float32Array) => ({ shape, data });
    const expected = lstmReference({ x: t([T, B, I], x), w: t([1, 4 * H, I], w), r: t([1, 4 * H, H], r), b: t([1, 8 * H], b), initialH: t([1, B, H], h0), initialC: t([1, B, H], new Float32Array(B * H)) }, { hiddenSize: H, direction: 'forward' });
    expect(Array.from(yh).every((v, i) => Math.abs(v - expected.yH.data[i]) < 1e-6)).toBe(true);
  });
});

describe('one model, many signatures', () => {
  it('every signature\'s plan shares the weight arrays (uploaded once), batch norm folds and recurrent weights included', async () => {
    const [C, H] = [3, 4];
    const compiled = await cpu({
      inputs: [{ name: 'x', shape: ['N', 2, 5, 1] }],
      outputs: [{ name: 'y' }],
      initializers: [
        { name: 'w', dims: [C, 2, 3, 1], data: rng.floats(C * 6) },
        { name: 'b', dims: [C], data: rng.floats(C) },
        ...['scale', 'shift', 'mean'].map((name) => ({ name, dims: [C], data: rng.floats(C) })),
        { name: 'var', dims: [C], data: rng.floats(C, 0.5, 2) },
        { name: 'W', dims: [1, 4 * H, C], data: rng.floats(4 * H * C) },
        { name: 'R', dims: [1, 4 * H, H], data: rng.floats(4 * H * H) },
        int64('axes3', [3]),
      ],
      nodes: [
        { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'] },
        { opType: 'BatchNormalization', inputs: ['c', 'scale', 'shift', 'mean', 'var'], outputs: ['n'] },
        { opType: 'Squeeze', inputs: ['n', 'axes3'], outputs: ['s'] },
        { opType: 'Transpose', inputs: ['s'], outputs: ['t'], attributes: { perm: attr.ints([2, 0, 1]) } },
        { opType: 'LSTM', inputs: ['t', 'W', 'R'], outputs: ['', 'y'], attributes: { hidden_size: attr.int(H) } },
      ],
    });
    const arrays = async (n: number) => new Set((await compiled.program([[n, 2, 5, 1]])).constants.map((c) => c.data));
    const [one, two] = [await arrays(1), await arrays(2)];
    expect(one.size).toBeGreaterThanOrEqual(5); // conv weights and bias (batch norm folded in), the LSTM's three
    for (const data of one) expect(two.has(data)).toBe(true);
  });

  it('every op the host folder computes also has a handler (for tensor data)', () => {
    expect(Object.keys(FOLDERS).filter((op) => !SUPPORTED_ONNX_OPS.includes(op))).toEqual([]);
  });
});

describe('bad shape arithmetic is one clear error, before allocation', () => {
  const shapeOf = (nodes: ModelSpec['nodes'], initializers: TensorSpec[] = [], input = [2, 3]): ModelSpec => ({
    inputs: [{ name: 'x', shape: input }],
    outputs: [{ name: 'y' }],
    initializers,
    nodes,
  });

  it('a computed shape with a negative dim (ConstantOfShape of Shape - 10)', async () => {
    const message = await failure(() => cpu(shapeOf([
      { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
      { opType: 'Sub', inputs: ['s', 'ten'], outputs: ['d'] },
      { opType: 'ConstantOfShape', name: 'zeros', inputs: ['d'], outputs: ['y'] },
    ], [int64('ten', [10])])));
    expect(message).toMatch(/^zeros \(ConstantOfShape\): computes a shape \[-8, -7\] with an invalid dimension -8.*\[opset 17\]$/);
  });

  it('an absurd computed size (ConstantOfShape of [1e6, 1e6])', async () => {
    const message = await failure(() => cpu(shapeOf([{ opType: 'ConstantOfShape', name: 'huge', inputs: ['dims'], outputs: ['y'] }], [int64('dims', [1e6, 1e6])])));
    expect(message).toMatch(/^huge \(ConstantOfShape\): computes a \[1000000, 1000000\] tensor \(1000000000000 elements\).*refused/);
  });

  it('Reshape with two -1s', async () => {
    const message = await failure(() => cpu(shapeOf([{ opType: 'Reshape', name: 'r', inputs: ['x', 'shape'], outputs: ['y'] }], [int64('shape', [-1, -1])])));
    expect(message).toMatch(/^r \(Reshape\): cannot reshape \[2, 3\] to \[-1, -1\]: more than one -1/);
  });

  it('Slice with step 0', async () => {
    const message = await failure(() => cpu(shapeOf([{ opType: 'Slice', name: 's', inputs: ['x', 'starts', 'ends', 'axes', 'steps'], outputs: ['y'] }], [int64('starts', [0]), int64('ends', [2]), int64('axes', [1]), int64('steps', [0])])));
    expect(message).toMatch(/^s \(Slice\): step 0 on axis 1 is not allowed/);
  });

  it('Resize to a zero size and to an absurd one', async () => {
    const resize = (sizes: number[]) => shapeOf([{ opType: 'Resize', name: 'up', inputs: ['x', '', '', 'sizes'], outputs: ['y'] }], [int64('sizes', sizes)], [1, 1, 4, 4]);
    expect(await failure(() => cpu(resize([1, 1, 0, 8])))).toMatch(/^up \(Resize\): .*(zero|0|positive)/i);
    expect(await failure(() => cpu(resize([1, 1, 1e6, 1e6])))).toMatch(/^up \(Resize\) output: shape \[1, 1, 1000000, 1000000\] has more than 2147483647 elements/);
  });

  it('Tile to an absurd size', async () => {
    const message = await failure(() => cpu({ ...shapeOf([{ opType: 'Tile', name: 't', inputs: ['x', 'repeats'], outputs: ['y'] }], [int64('repeats', [1e6, 1e6])]), inputs: [{ name: 'x', shape: ['N', 3] }] }).then((c) => c.run({ x: { data: new Float32Array(6), shape: [2, 3] } })));
    expect(message).toMatch(/^t \(Tile\) \(tile\): shape \[2000000, 3000000\] has 6000000000000 elements, more than 2\^31 \[opset 17\]$/);
  });

  it('a shape that depends on tensor data names the node and the input', async () => {
    const message = await failure(() => cpu({
      inputs: [{ name: 'x', shape: [2, 3] }, { name: 'n', shape: [2], elemType: 'int64' }],
      outputs: [{ name: 'y' }],
      nodes: [{ opType: 'Reshape', name: 'r', inputs: ['x', 'n'], outputs: ['y'] }],
    }));
    expect(message).toMatch(/^r \(Reshape\): input 'n' \(shape\) depends on tensor data; wgnn needs it when the plan is built/);
  });

  it('many large folds: a total budget stops them (ConstantOfShape of 2^24 then Adds)', async () => {
    const big = 2 ** 24;
    const message = await failure(() => cpu(shapeOf([
      { opType: 'ConstantOfShape', inputs: ['dims'], outputs: ['z0'] },
      ...[1, 2, 3, 4, 5].map((k) => ({ opType: 'Add', name: `add${k}`, inputs: [`z${k - 1}`, `z${k - 1}`], outputs: [k === 5 ? 'y' : `z${k}`] })),
    ], [int64('dims', [big])])));
    expect(message).toMatch(/^add\d \(Add\): brings the values computed from shapes and constants to \d+ elements, more than 33554432/);
  });

  it('folding that cannot be computed is a WgnnError naming the node (a NaN cast to an integer)', async () => {
    const message = await failure(() => cpu(shapeOf([{ opType: 'Cast', name: 'c', inputs: ['nan'], outputs: ['y'], attributes: { to: attr.int(7) } }], [{ name: 'nan', dims: [1], data: [NaN] }])));
    expect(message).toMatch(/^(c \(Cast\)|y): .*NaN/);
  });

  it('Dropout\'s mask is made on the GPU, never as a host array of the data\'s size', async () => {
    const compiled = await cpu({
      inputs: [{ name: 'x', shape: [1] }],
      outputs: [{ name: 'y' }, { name: 'mask' }],
      initializers: [int64('shape', [2 ** 30])],
      nodes: [
        { opType: 'Expand', inputs: ['x', 'shape'], outputs: ['e'] },
        { opType: 'Dropout', inputs: ['e'], outputs: ['y', 'mask'] },
      ],
    });
    const program = await compiled.program([[1]]);
    expect(program.constants.every((c) => c.data.length <= 1)).toBe(true);
    expect(program.steps.map((s) => s.node.op)).toEqual(['expand', 'expand']);
  });

  it('an op outside the list names the node, the op and the opset at load', async () => {
    const message = await failure(() => cpu(shapeOf([{ opType: 'NonMaxSuppression', name: 'nms', inputs: ['x'], outputs: ['y'] }])));
    expect(message).toMatch(/^nms \(NonMaxSuppression\) \[opset 17\]: unsupported op NonMaxSuppression \(opset 17\)/);
  });
});
