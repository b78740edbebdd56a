// saveLayersModel against TensorFlow.js: what wgnn writes, tf.loadLayersModel (tfjs-layers 4.22,
// CPU backend) reads and predicts with as wgnn does, for models that came from TF.js and for a
// model built and trained in wgnn; and loadLayersModel reads it back, from memory and from disk.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, layers, loadLayersModel, model as functional, saveLayersModel, sequential, type Engine, type Model } from '../../src/index.ts';
import { loadLayersModel as loadLayersModelNode, writeLayersModel } from '../../src/node.ts';
import { expectClose, F32 } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';
import { loadTfjs, saveTfjsCase, TFJS_MODELS } from '../harness/tfjs-models.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
type Input = { shape: number[]; data: Float32Array | Int32Array };

let tf: Any;
let engine: Engine;

beforeAll(async () => {
  tf = await loadTfjs();
  engine = await createEngine({ backend: 'cpu' });
});

const predictWgnn = async (model: Model, inputs: Input[]) => Object.values(await engine.compile(model).run(inputs))[0];

/** What wgnn saved, loaded by TF.js from memory, and its prediction. */
async function predictTfjs(model: Model, inputs: Input[]): Promise<Float32Array> {
  const saved = saveLayersModel(model);
  const json = saved.modelJson as Any;
  const data = saved.weights['weights.bin'];
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: data.slice().buffer }));
  const x = inputs.map((i) => tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32'));
  return Float32Array.from(await loaded.predict(x.length === 1 ? x[0] : x).data());
}

describe('saveLayersModel: TF.js reads what wgnn writes', () => {
  for (const c of TFJS_MODELS) {
    it(`${c.name}: TF.js -> wgnn -> TF.js predicts as the original`, async () => {
      const { artifacts, inputs, outputs } = await saveTfjsCase(tf, c);
      const model = await loadLayersModel(artifacts);
      expectClose(`${c.name} after the round trip`, await predictTfjs(model, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
    });
  }

  it('a model built and trained in wgnn (conv, pooling, bidirectional LSTM merged by sum, a pooled branch, concatenation, batch norm) predicts the same in TF.js', async () => {
    const image = layers.input({ shape: [6, 6, 2], name: 'frames' });
    const conv = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(image);
    const rows = layers.reshape({ targetShape: [3, 9], name: 'rows' }).apply(layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(conv));
    const seq = layers.bidirectional(layers.lstm({ units: 4, name: 'rnn' }), { mergeMode: 'sum' }).apply(rows);
    const summary = layers.dense({ units: 3, activation: 'tanh', name: 'summary' }).apply(layers.globalAveragePooling2d({ name: 'gap' }).apply(conv));
    const joined = layers.concatenate({ name: 'join' }).apply([seq, summary]);
    const out = layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(layers.batchNormalization({ name: 'bn' }).apply(joined));
    const m = functional({ inputs: image, outputs: out, name: 'trained_in_wgnn' });
    const rng = new Random(5);
    const trainable = engine.compile(m, { optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    await trainable.fit({ data: rng.floats(8 * 72), shape: [8, 6, 6, 2] }, Float32Array.from({ length: 8 }, (_, i) => i % 2), { epochs: 2, batchSize: 4 });
    const inputs = [{ shape: [3, 6, 6, 2], data: rng.floats(3 * 72) }];
    const ours = await predictWgnn(m, inputs);
    expect(m.layer('bn').getWeights().movingMean.some((v) => v !== 0)).toBe(true);
    expectClose('trained in wgnn, predicted by TF.js', await predictTfjs(m, inputs), ours, F32, { seed: 5, shape: [ours.length] });
  });
});

describe('saveLayersModel: back into wgnn', () => {
  it('writes model.json and its shard to disk; loadLayersModel reads them back bit for bit, a GRU with reset_after included', async () => {
    const m = sequential([layers.gru({ units: 4, returnSequences: true, name: 'g' }), layers.timeDistributed(layers.dense({ units: 3, activation: 'tanh' }), { name: 'td' }), layers.lstm({ units: 2, name: 'l' })], { inputShape: [5, 3] });
    const rng = new Random(9);
    for (const layer of m.layers) {
      const shapes = layer.weightShapes();
      layer.setWeights(Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, rng.floats(s.reduce((p, d) => p * d, 1))])));
    }
    const dir = await mkdtemp(join(tmpdir(), 'wgnn-save-'));
    const file = await writeLayersModel(m, dir);
    const back = await loadLayersModelNode(file);
    const inputs = [{ shape: [2, 5, 3], data: rng.floats(30) }];
    expect(Array.from(await predictWgnn(back, inputs))).toEqual(Array.from(await predictWgnn(m, inputs)));
    expect(back.layer('g').weightShapes().bias).toEqual([2, 12]);
    const config = (saveLayersModel(m).modelJson as Any).modelTopology.config.layers;
    expect(config.find((l: Any) => l.name === 'g').config.reset_after).toBe(true);
  });

  it('a layer with no Keras counterpart is named', () => {
    const m = sequential([layers.conv2d({ filters: 4, kernelSize: 1 }), layers.depthToSpace({ blockSize: 2, name: 'shuffle' })], { inputShape: [2, 2, 1] });
    expect(() => saveLayersModel(m)).toThrow(/shuffle: a depthToSpace layer has no Keras counterpart/);
  });
});
