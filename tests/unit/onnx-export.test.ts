// exportOnnx checked by two outside runtimes: onnxruntime (onnxruntime-web's wasm backend, in
// Node) and wgnn's own ONNX importer must both compute what the model computes. The TF.js fixtures
// (tests/fixtures/tfjs) are compared with TF.js's own predictions; models built (and trained) in
// wgnn cover the rest of the model API: reset_after GRUs, every Bidirectional merge, states
// returned, transposed and dilated convolutions, depth to space, explicit pads, more activations.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, exportOnnx, layers, loadLayersModel, loadOnnx, model as functional, sequential, type Engine, type Model } from '../../src/index.ts';
import { Graph } from '../../src/graph/ir.ts';
import { expectClose, type Tolerance } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';
import manifest from '../fixtures/tfjs/manifest.json';

type Input = { shape: number[]; data: Float32Array | Int32Array };
// Other summation orders (onnxruntime's kernels) than TF.js's or wgnn's reference.
const TOLERANCE: Tolerance = { atol: 2e-5, rtol: 2e-4 };

let engine: Engine;
beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  engine = await createEngine({ backend: 'cpu' });
});

/** Every output of the exported model in onnxruntime, in the model's output order. */
async function runOrt(bytes: Uint8Array, inputs: Input[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const feeds = Object.fromEntries(session.inputNames.map((n, i) => [n, new ort.Tensor(inputs[i].data instanceof Int32Array ? 'int32' : 'float32', inputs[i].data, inputs[i].shape)]));
  const results = await session.run(feeds);
  const outputs = session.outputNames.map((n) => Float32Array.from(results[n].data as Float32Array));
  await session.release();
  return outputs;
}

async function runWgnn(model: Model | Graph, inputs: Input[]): Promise<Float32Array[]> {
  return Object.values(await engine.compile(model).run(inputs));
}

/** The exported model, run by onnxruntime and by wgnn's importer, against `expected` per output. */
async function checkExport(label: string, model: Model, inputs: Input[], expected: Float32Array[]): Promise<void> {
  const bytes = exportOnnx(model);
  const viaOrt = await runOrt(bytes, inputs);
  const viaImport = await runWgnn(await loadOnnx(bytes), inputs);
  expect(viaOrt.length).toBe(expected.length);
  expected.forEach((e, k) => {
    expectClose(`${label} output ${k} in onnxruntime`, viaOrt[k], e, TOLERANCE, { seed: 0, shape: [e.length] });
    expectClose(`${label} output ${k} through wgnn's ONNX importer`, viaImport[k], e, TOLERANCE, { seed: 0, shape: [e.length] });
  });
}

function randomize(model: Model, seed: number): void {
  const rng = new Random(seed);
  for (const layer of model.layers) {
    const shapes = layer.weightShapes();
    layer.setWeights(Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, /variance/i.test(k) ? rng.floats(s.reduce((p, d) => p * d, 1), 0.5, 1.5) : rng.floats(s.reduce((p, d) => p * d, 1), -0.5, 0.5)])));
  }
}

describe('exportOnnx: the TF.js models', () => {
  for (const name of manifest.models) {
    it(`${name}: onnxruntime and wgnn's importer predict what TF.js predicted`, async () => {
      const dir = `tests/fixtures/tfjs/${name}`;
      const model = await loadLayersModel({ modelJson: await readFile(`${dir}/model.json`, 'utf8'), weights: { 'weights.bin': await readFile(`${dir}/weights.bin`) } });
      const data = JSON.parse(await readFile(`${dir}/data.json`, 'utf8')) as { inputs: { shape: number[]; dtype: string; data: number[] }[]; output: number[] };
      const inputs = data.inputs.map((i) => ({ shape: i.shape, data: i.dtype === 'int32' ? Int32Array.from(i.data) : Float32Array.from(i.data) }));
      await checkExport(name, model, inputs, [Float32Array.from(data.output)]);
    });
  }
});

describe('exportOnnx: models built in wgnn', () => {
  it('recurrent: a reset_after GRU, Bidirectional LSTMs merged by sum, ave and mul, an LSTM returning its states', async () => {
    const x = layers.input({ shape: [5, 3], name: 'sequence' });
    const gru = layers.gru({ units: 4, returnSequences: true, resetAfter: true, name: 'gru' }).apply(x);
    const sum = layers.bidirectional(layers.lstm({ units: 3, returnSequences: true, name: 'bi_sum' }), { mergeMode: 'sum' }).apply(gru);
    const ave = layers.bidirectional(layers.gru({ units: 3, returnSequences: true, resetAfter: false, name: 'bi_ave' }), { mergeMode: 'ave' }).apply(sum);
    const mul = layers.bidirectional(layers.simpleRNN({ units: 3, returnSequences: true, name: 'bi_mul' }), { mergeMode: 'mul' }).apply(ave);
    const [last, h, c] = layers.lstm({ units: 2, returnState: true, name: 'states' }).applyAll(mul);
    const m = functional({ inputs: x, outputs: [last, h, c, layers.bidirectional(layers.gru({ units: 2, name: 'bi_last' }), { mergeMode: 'ave' }).apply(mul)], name: 'recurrent' });
    randomize(m, 3);
    const inputs = [{ shape: [2, 5, 3], data: new Random(4).floats(30) }];
    await checkExport('recurrent', m, inputs, await runWgnn(m, inputs));
  });

  it('convolutions: transposed with output padding, dilated, explicit pads, 1-D, depthwise, depth to space, batch norm, more activations', async () => {
    const image = layers.input({ shape: [9, 7, 2], name: 'image' });
    let y = layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: [1, 2, 2, 1], activation: 'leakyRelu', name: 'dilated' }).apply(image);
    y = layers.depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, padding: 'same', strides: 2, activation: 'gelu', name: 'depthwise' }).apply(y);
    y = layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, outputPadding: 1, padding: 'valid', activation: 'mish', name: 'up' }).apply(y);
    y = layers.batchNormalization({ name: 'bn' }).apply(y);
    y = layers.conv2d({ filters: 8, kernelSize: 1, activation: 'hard_swish', name: 'to_blocks' }).apply(y);
    y = layers.depthToSpace({ blockSize: 2, name: 'shuffle' }).apply(y);
    y = layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'avg' }).apply(y);
    const rows = layers.reshape({ targetShape: [-1, 2], name: 'rows' }).apply(y);
    const seq = layers.conv1d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'hardSigmoid', name: 'conv1d' }).apply(rows);
    const out = layers.dense({ units: 2, activation: 'selu', name: 'out' }).apply(layers.globalMaxPooling2d({ name: 'gmax' }).apply(layers.reshape({ targetShape: [1, -1, 3], name: 'back' }).apply(seq)));
    const m = functional({ inputs: image, outputs: [out, layers.softmax({ name: 'probs' }).apply(out)], name: 'convolutions' });
    randomize(m, 5);
    const inputs = [{ shape: [2, 9, 7, 2], data: new Random(6).floats(2 * 9 * 7 * 2) }];
    await checkExport('convolutions', m, inputs, await runWgnn(m, inputs));
  });

  it('a model trained in wgnn exports its trained weights', async () => {
    const m = sequential([layers.embedding({ inputDim: 12, outputDim: 4 }), layers.lstm({ units: 5 }), layers.dropout({ rate: 0.3 }), layers.dense({ units: 3, activation: 'softmax' })], { inputShape: [6], inputDtype: 'int32' });
    const rng = new Random(8);
    const ids = { data: Int32Array.from({ length: 16 * 6 }, () => rng.int(0, 11)), shape: [16, 6] };
    const before = exportOnnx(m);
    await engine.compile(m, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' }).fit(ids, Float32Array.from({ length: 16 }, (_, i) => i % 3), { epochs: 3, batchSize: 8 });
    const inputs = [{ shape: [3, 6], data: ids.data.slice(0, 18) }];
    const trained = await runWgnn(m, inputs);
    expect((await runOrt(before, inputs))[0]).not.toEqual(trained[0]);
    await checkExport('trained', m, inputs, trained);
  });

  it('an op with no ONNX export is named', () => {
    const g = new Graph();
    const x = g.input('x', [null, 4]);
    const [y] = g.node('cast', 'to_int', [x], { to: 'int32' });
    g.setOutputs([y]);
    expect(() => exportOnnx(g)).toThrow(/to_int \(cast\): has no ONNX export; exportable ops: .*conv2d/);
  });
});
