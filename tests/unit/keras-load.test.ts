// loadLayersModel against TensorFlow.js itself: models built and saved by tfjs-layers (on its CPU
// backend) load into wgnn and predict what TF.js predicts (wgnn's CPU reference here; the same
// models on WebGPU in tests/gpu/cases/keras.ts). Then the other writers' forms: Keras 3
// configs, tf.keras weight names with a reset_after GRU, quantized weights, files on disk, and
// every kind of bad file, each with the error a user should see.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, layers, loadLayersModel, registerKerasLayer, sequential, type Engine, type Model } from '../../src/index.ts';
import { Dense } from '../../src/model/layers/core.ts';
import { loadLayersModel as loadLayersModelNode } from '../../src/node.ts';
import { expectClose, F32 } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';
import { fixtureFiles, loadTfjs, saveTfjsCase, TFJS_FIXTURE_ROOT, TFJS_MODELS } from '../harness/tfjs-models.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

let tf: Any;
let engine: Engine;
const saved = new Map<string, Awaited<ReturnType<typeof saveTfjsCase>>>();

beforeAll(async () => {
  tf = await loadTfjs();
  engine = await createEngine({ backend: 'cpu' });
  for (const c of TFJS_MODELS) saved.set(c.name, await saveTfjsCase(tf, c));
});

async function predict(model: Model, inputs: { shape: number[]; data: Float32Array | Int32Array }[]): Promise<Float32Array> {
  const compiled = engine.compile(model);
  return Object.values(await compiled.run(inputs))[0];
}

/** A layers-model model.json and one shard holding every weight, from TF.js artifacts. */
function modelJsonOf(artifacts: Any, paths = ['group1-shard1of1.bin']) {
  return { format: 'layers-model', modelTopology: structuredClone(artifacts.modelTopology), weightsManifest: [{ paths, weights: structuredClone(artifacts.weightSpecs) }] };
}

describe('loadLayersModel: TF.js round trips', () => {
  for (const c of TFJS_MODELS) {
    it(`${c.name} predicts what TF.js predicts`, async () => {
      const { artifacts, inputs, outputs } = saved.get(c.name)!;
      const model = await loadLayersModel(artifacts);
      expectClose(`${c.name} wgnn vs TF.js`, await predict(model, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
    });
  }

  it('the committed fixtures (tests/fixtures/tfjs, for the GPU cases) are what TF.js saves today', async () => {
    for (const c of TFJS_MODELS) {
      for (const [file, bytes] of Object.entries(fixtureFiles(saved.get(c.name)!))) {
        const committed = new Uint8Array(await readFile(`${TFJS_FIXTURE_ROOT}/${c.name}/${file}`));
        expect(Buffer.compare(committed, bytes), `${c.name}/${file} differs: rerun npx tsx tests/fixtures/make_tfjs_fixtures.ts`).toBe(0);
      }
    }
  });

  it('reads model.json and shards from disk (wgnn/node), and in-memory parts by path', async () => {
    const { artifacts, inputs, outputs } = saved.get('stacked_lstm')!;
    const bytes = new Uint8Array(artifacts.weightData);
    const half = Math.floor(bytes.length / 2) + 1;
    const json = modelJsonOf(artifacts, ['weights/a.bin', 'weights/b.bin']);
    const dir = await mkdtemp(join(tmpdir(), 'wgnn-tfjs-'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'weights')));
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await writeFile(join(dir, 'weights/a.bin'), bytes.subarray(0, half));
    await writeFile(join(dir, 'weights/b.bin'), bytes.subarray(half));
    const fromDisk = await loadLayersModelNode(join(dir, 'model.json'));
    expectClose('from disk', await predict(fromDisk, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
    const fromParts = await loadLayersModel({ modelJson: JSON.stringify(json), weights: { 'weights/a.bin': bytes.slice(0, half), 'weights/b.bin': bytes.slice(half).buffer } });
    expectClose('from parts', await predict(fromParts, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
  });
});

/** float32 -> IEEE half (round to nearest even), written here independently of the loader. */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp <= 0) return sign | Math.round((mant | 0x800000) / 2 ** (14 - exp));
  let h = sign | (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return h;
}

describe('loadLayersModel: quantized weights', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`dequantizes ${dtype} weights`, async () => {
      const { artifacts } = saved.get('stacked_lstm')!;
      const all = new Float32Array(artifacts.weightData);
      const specs = structuredClone(artifacts.weightSpecs) as Any[];
      const chunks: Uint8Array[] = [];
      const expected = new Map<string, Float32Array>();
      let at = 0;
      for (const spec of specs) {
        const size = spec.shape.reduce((p: number, d: number) => p * d, 1);
        const values = all.subarray(at, at + size);
        at += size;
        if (dtype === 'float16') {
          const codes = Uint16Array.from(values, toHalf);
          chunks.push(new Uint8Array(codes.buffer));
          spec.quantization = { dtype };
          expected.set(spec.name, Float32Array.from(codes, halfValue));
        } else {
          const levels = dtype === 'uint8' ? 255 : 65535;
          const min = Math.min(...values);
          const scale = (Math.max(...values) - min) / levels || 1;
          const codes = Array.from(values, (v) => Math.round((v - min) / scale));
          chunks.push(dtype === 'uint8' ? Uint8Array.from(codes) : new Uint8Array(Uint16Array.from(codes).buffer));
          spec.quantization = { dtype, scale, min };
          expected.set(spec.name, Float32Array.from(codes, (q) => q * scale + min));
        }
      }
      const weights = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((offset, c) => (weights.set(c, offset), offset + c.length), 0);
      const model = await loadLayersModel({ modelJson: { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['q.bin'], weights: specs }] }, weights });
      const lstm = model.layers[0];
      const name = lstm.name!;
      expect(Array.from(lstm.getWeights().recurrentKernel)).toEqual(Array.from(expected.get(`${name}/recurrent_kernel`)!));
      expect(Array.from(model.layers[2].getWeights().bias)).toEqual(Array.from(expected.get(`${model.layers[2].name}/bias`)!));
    });
  }
});

function halfValue(h: number): number {
  const e = (h >> 10) & 31;
  const m = h & 1023;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

/** A Keras 3 config of the same model: batch_shape, DTypePolicy dtypes, {args, kwargs} calls, a bare output triple. */
function toKeras3(topology: Any): Any {
  const t = structuredClone(topology);
  t.keras_version = '3.5.0';
  const tensor = ([layer, node, index]: Any[]) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: [layer, node, index] } });
  for (const layer of t.config.layers) {
    layer.module = 'keras.layers';
    layer.registered_name = null;
    layer.config.dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    if (layer.config.batch_input_shape) {
      layer.config.batch_shape = layer.config.batch_input_shape;
      delete layer.config.batch_input_shape;
    }
    layer.inbound_nodes = layer.inbound_nodes.map((node: Any[]) => ({ args: node.length === 1 ? [tensor(node[0])] : [node.map(tensor)], kwargs: { training: false } }));
  }
  if (t.config.output_layers.length === 1) t.config.output_layers = t.config.output_layers[0];
  return t;
}

describe('loadLayersModel: other writers', () => {
  it('reads a Keras 3 functional config', async () => {
    const { artifacts, inputs, outputs } = saved.get('functional_residual')!;
    const model = await loadLayersModel({ ...artifacts, modelTopology: toKeras3(artifacts.modelTopology) });
    expectClose('keras 3 config', await predict(model, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
  });

  it("reads tf.keras's names (gru/gru_cell/kernel:0) and a GRU with reset_after", async () => {
    const rng = new Random(7);
    const [T, I, U, V] = [5, 4, 3, 2];
    const weights: [string, number[]][] = [
      ['gru/gru_cell/kernel:0', [I, 3 * U]], ['gru/gru_cell/recurrent_kernel:0', [U, 3 * U]], ['gru/gru_cell/bias:0', [2, 3 * U]],
      ['bidirectional/forward_lstm/lstm_cell/kernel:0', [U, 4 * V]], ['bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0', [V, 4 * V]], ['bidirectional/forward_lstm/lstm_cell/bias:0', [4 * V]],
      ['bidirectional/backward_lstm/lstm_cell/kernel:0', [U, 4 * V]], ['bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0', [V, 4 * V]], ['bidirectional/backward_lstm/lstm_cell/bias:0', [4 * V]],
      ['dense/kernel:0', [2 * V, 1]], ['dense/bias:0', [1]],
    ];
    const values = weights.map(([, shape]) => rng.floats(shape.reduce((p, d) => p * d, 1), -0.6, 0.6));
    const lstm = { units: V, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false, stateful: false };
    const modelJson = {
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: [
              { class_name: 'InputLayer', config: { batch_input_shape: [null, T, I], dtype: 'float32', name: 'input_1' } },
              { class_name: 'GRU', config: { name: 'gru', units: U, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: true, reset_after: true } },
              { class_name: 'Bidirectional', config: { name: 'bidirectional', merge_mode: 'concat', layer: { class_name: 'LSTM', config: { name: 'lstm', ...lstm } } } },
              { class_name: 'Dense', config: { name: 'dense', units: 1, activation: 'sigmoid' } },
            ],
          },
        },
        training_config: { loss: 'binary_crossentropy' },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) }],
    };
    const bytes = new Float32Array(values.reduce((n, v) => n + v.length, 0));
    values.reduce((at, v) => (bytes.set(v, at), at + v.length), 0);
    const loaded = await loadLayersModel({ modelJson, weights: bytes });

    // The same model through the model API, the same arrays set by hand in Keras's layout.
    const direct = sequential([layers.gru({ units: U, returnSequences: true, resetAfter: true, name: 'g' }), layers.bidirectional(layers.lstm({ units: V, name: 'b' })), layers.dense({ units: 1, activation: 'sigmoid', name: 'd' })], { inputShape: [T, I] });
    direct.setWeights('g', { kernel: values[0], recurrentKernel: values[1], bias: values[2] });
    direct.setWeights('b', { 'forward/kernel': values[3], 'forward/recurrentKernel': values[4], 'forward/bias': values[5], 'backward/kernel': values[6], 'backward/recurrentKernel': values[7], 'backward/bias': values[8] });
    direct.setWeights('d', { kernel: values[9], bias: values[10] });
    const x = [{ shape: [2, T, I], data: rng.floats(2 * T * I) }];
    expect(Array.from(await predict(loaded, x))).toEqual(Array.from(await predict(direct, x)));
    expect(loaded.layer('gru').weightShapes().bias).toEqual([2, 9]);
  });
});

describe('loadLayersModel: bad files', () => {
  const cnn = () => saved.get('keras_cnn')!.artifacts;
  const fails = async (source: Any, pattern: RegExp) => {
    let message = '';
    try {
      await loadLayersModel(source);
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toMatch(pattern);
  };

  it('a truncated shard names the group and both byte counts', async () => {
    const a = cnn();
    await fails({ modelJson: modelJsonOf(a), weights: new Uint8Array(a.weightData).slice(0, 1000) }, /weights group 0 \(group1-shard1of1.bin\): holds 1000 bytes but its 10 weights need \d+: the shard files are truncated/);
  });

  it('a weight whose shape does not fit its layer names both shapes', async () => {
    const json = modelJsonOf(cnn());
    json.weightsManifest[0].weights[0].shape = [3, 3, 2, 16];
    await fails({ modelJson: json, weights: cnn().weightData }, /layer '.*conv2d.*' \(Conv2D\): weight '.*\/kernel' has shape \[3, 3, 2, 16\], but the layer's kernel is \[3, 3, 1, 32\]/);
  });

  it('absurd shapes are refused before anything is allocated', async () => {
    const json = modelJsonOf(cnn());
    json.weightsManifest[0].weights[0].shape = [100000, 100000, 100];
    await fails({ modelJson: json, weights: cnn().weightData }, /has 1000000000000 elements, more than wgnn accepts for one weight/);
  });

  it('a missing weight lists the names the file has', async () => {
    const json = modelJsonOf(cnn());
    json.weightsManifest[0].weights[1].name = 'something/else';
    await fails({ modelJson: json, weights: cnn().weightData }, /the file has no weight for its 'bias' .*the file's weights: .*something\/else/);
  });

  it('a missing shard is named', async () => {
    await fails({ modelJson: modelJsonOf(cnn()), weights: { 'other.bin': new Uint8Array(4) } }, /shard 'group1-shard1of1.bin' of the manifest is missing; given: other.bin/);
  });

  it('an unknown layer class names the layer and how to register one; a registered one loads', async () => {
    const json = modelJsonOf(cnn());
    const last = json.modelTopology.config.layers.at(-1);
    last.class_name = 'MyDense';
    await fails({ modelJson: json, weights: cnn().weightData }, new RegExp(`layer '${last.config.name}': Keras class 'MyDense' is not supported\\. Supported: .*Conv2D.*; register your own with registerKerasLayer\\('MyDense'`));
    registerKerasLayer('MyDense', (config, context) => new Dense({ name: context.name, units: config.units as number, activation: 'softmax' }));
    const { inputs, outputs } = saved.get('keras_cnn')!;
    const model = await loadLayersModel({ modelJson: json, weights: cnn().weightData });
    expectClose('registered layer', await predict(model, inputs), outputs, F32, { seed: 0, shape: [outputs.length] });
  });

  it('fields wgnn cannot honour are named', async () => {
    const json = modelJsonOf(cnn());
    json.modelTopology.config.layers[0].config.data_format = 'channels_first';
    await fails({ modelJson: json, weights: cnn().weightData }, /\(Conv2D\): data_format 'channels_first' is not supported/);
    const text = modelJsonOf(saved.get('bidirectional_gru_text')!.artifacts);
    text.modelTopology.config.layers[0].config.mask_zero = true;
    await fails({ modelJson: text, weights: saved.get('bidirectional_gru_text')!.artifacts.weightData }, /\(Embedding\): config mask_zero=true is not supported/);
  });

  it('a shared layer, a graph model and broken JSON are refused clearly', async () => {
    const json = modelJsonOf(saved.get('functional_residual')!.artifacts);
    json.modelTopology.config.layers.find((l: Any) => l.name === 'branch').inbound_nodes.push([['stem', 0, 0, {}]]);
    await fails({ modelJson: json, weights: saved.get('functional_residual')!.artifacts.weightData }, /layer 'branch' \(Conv2D\): is called 2 times; shared layers/);
    await fails({ modelJson: { format: 'graph-model', modelTopology: {} } }, /format 'graph-model' is not a layers model/);
    await fails({ modelJson: '{"modelTopology": ' }, /modelJson: is not valid JSON/);
  });
});
