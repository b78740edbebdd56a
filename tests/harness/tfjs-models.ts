// Models built in TensorFlow.js (tfjs-layers 4.22 on its CPU backend) for the round trips with
// loadLayersModel / saveLayersModel: the five (the classic Keras CNN, the stacked LSTM,
// a bidirectional GRU with embedding, a functional model with a residual add and a
// concatenation, a TimeDistributed CNN + LSTM), a model nested in another, and a "zoo" of the
// other layers the model API has.
// Weights and inputs come from a seeded generator, so a model saves to the same bytes every time.
// Recurrent layers use a glorotUniform recurrent initializer only because tfjs-core's Node bundle
// does not register the chained ops its Orthogonal initializer calls; the weights are then
// overwritten anyway.
import { Random, seedOf } from './random.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export interface TfjsModelCase {
  name: string;
  /** Input shapes with the batch, and whether the input holds integer ids below `ids`. */
  inputs: { shape: number[]; ids?: number }[];
  build(tf: Any): Any;
}

const r = { recurrentInitializer: 'glorotUniform' };

export const TFJS_MODELS: TfjsModelCase[] = [
  {
    name: 'keras_cnn',
    inputs: [{ shape: [2, 20, 20, 1] }],
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [20, 20, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
          tf.layers.flatten({}),
          tf.layers.dense({ units: 64, activation: 'relu' }),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'stacked_lstm',
    inputs: [{ shape: [3, 6, 8] }],
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ inputShape: [6, 8], units: 12, returnSequences: true, ...r }),
          tf.layers.lstm({ units: 12, ...r }),
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
  },
  {
    name: 'bidirectional_gru_text',
    inputs: [{ shape: [3, 7], ids: 30 }],
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 7 }),
          tf.layers.bidirectional({ layer: tf.layers.gru({ units: 6, returnSequences: true, ...r }), mergeMode: 'concat' }),
          tf.layers.bidirectional({ layer: tf.layers.gru({ units: 5, ...r }), mergeMode: 'sum' }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'functional_residual',
    inputs: [{ shape: [2, 8, 8, 3] }, { shape: [2, 5] }],
    build: (tf) => {
      const image = tf.input({ shape: [8, 8, 3], name: 'image' });
      const extra = tf.input({ shape: [5], name: 'extra' });
      const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'stem' }).apply(image);
      const b = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'branch' }).apply(a);
      const bn = tf.layers.batchNormalization({ name: 'branch_bn' }).apply(b);
      const sum = tf.layers.add({ name: 'residual' }).apply([a, bn]);
      const joined = tf.layers.concatenate({ name: 'join', axis: -1 }).apply([sum, image]);
      const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'mix' }).apply(joined));
      const both = tf.layers.concatenate({ name: 'with_extra' }).apply([pooled, tf.layers.dense({ units: 4, activation: 'tanh', name: 'extra_dense' }).apply(extra)]);
      const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(both);
      return tf.model({ inputs: [image, extra], outputs: out, name: 'residual_model' });
    },
  },
  {
    name: 'video_cnn_lstm',
    inputs: [{ shape: [2, 4, 10, 10, 3] }],
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.timeDistributed({ inputShape: [4, 10, 10, 3], layer: tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }) }),
          tf.layers.timeDistributed({ layer: tf.layers.maxPooling2d({ poolSize: 2 }) }),
          tf.layers.timeDistributed({ layer: tf.layers.flatten() }),
          tf.layers.lstm({ units: 8, ...r }),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'bidirectional_states',
    inputs: [{ shape: [2, 5, 3] }],
    build: (tf) => {
      const x = tf.input({ shape: [5, 3], name: 'sequence' });
      const [out, hForward, cForward, hBackward, cBackward] = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 4, returnState: true, ...r }), name: 'encoder' }).apply(x);
      const joined = tf.layers.concatenate({ name: 'states' }).apply([out, hForward, cForward, hBackward, cBackward]);
      return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, name: 'out' }).apply(joined), name: 'bidirectional_states' });
    },
  },
  {
    name: 'nested_models',
    inputs: [{ shape: [2, 6] }],
    build: (tf) => {
      const inner = tf.sequential({ name: 'inner_mlp', layers: [tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 4, name: 'proj' })] });
      const x = tf.input({ shape: [6], name: 'features' });
      const y = tf.layers.dense({ units: 2, activation: 'sigmoid', name: 'head' }).apply(inner.apply(x));
      return tf.model({ inputs: x, outputs: y, name: 'outer' });
    },
  },
  {
    name: 'layer_zoo',
    inputs: [{ shape: [2, 12, 12, 3] }],
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.depthwiseConv2d({ inputShape: [12, 12, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu6' }),
          tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'elu' }),
          tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
          tf.layers.dropout({ rate: 0.25 }),
          tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, dilationRate: 1, activation: 'selu' }),
          tf.layers.globalMaxPooling2d({}),
          tf.layers.reshape({ targetShape: [3, 2] }),
          tf.layers.conv1d({ filters: 5, kernelSize: 2, padding: 'same', activation: 'softplus' }),
          tf.layers.maxPooling1d({ poolSize: 2, padding: 'same' }),
          tf.layers.simpleRNN({ units: 4, returnSequences: true, ...r }),
          tf.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
          tf.layers.flatten({}),
          tf.layers.activation({ activation: 'softsign' }),
          tf.layers.dense({ units: 3 }),
          tf.layers.softmax({}),
        ],
      }),
  },
];

/** Sets every weight of a TF.js model from a seeded generator (moving variances positive). */
export function seedWeights(tf: Any, model: Any, name: string): void {
  const rng = new Random(seedOf(`${name} weights`));
  for (const layer of model.layers) {
    const weights = layer.weights as { name: string; shape: number[] }[];
    if (!weights.length) continue;
    layer.setWeights(
      weights.map((w) => {
        const size = w.shape.reduce((p, d) => p * d, 1);
        const data = /moving_variance/.test(w.name) ? rng.floats(size, 0.5, 1.5) : rng.floats(size, -0.5, 0.5);
        return tf.tensor(data, w.shape);
      }),
    );
  }
}

/** Seeded inputs for a case: floats in [-1, 1), or integer ids. */
export function caseInputs(c: TfjsModelCase): { shape: number[]; data: Float32Array | Int32Array }[] {
  const rng = new Random(seedOf(`${c.name} inputs`));
  return c.inputs.map(({ shape, ids }) => {
    const size = shape.reduce((p, d) => p * d, 1);
    return { shape, data: ids ? Int32Array.from({ length: size }, () => rng.int(0, ids - 1)) : rng.floats(size) };
  });
}

/** tfjs-core, tfjs-layers and the CPU backend, loaded the way Node can (see the header). */
export async function loadTfjs(): Promise<Any> {
  const tf = { ...(await import('@tensorflow/tfjs-core')), ...(await import('@tensorflow/tfjs-layers/dist/tf-layers.fesm.js')) } as Any;
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return tf;
}

/** Builds a case in TF.js with seeded weights; returns the model, its artifacts and its predictions. */
export async function saveTfjsCase(tf: Any, c: TfjsModelCase): Promise<{ model: Any; artifacts: Any; inputs: ReturnType<typeof caseInputs>; outputs: Float32Array }> {
  const model = c.build(tf);
  seedWeights(tf, model, c.name);
  let artifacts: Any;
  await model.save(tf.io.withSaveHandler(async (a: Any) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const inputs = caseInputs(c);
  const x = inputs.map((i) => tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32'));
  const y = model.predict(x.length === 1 ? x[0] : x);
  const outputs = Float32Array.from(await y.data());
  return { model, artifacts, inputs, outputs };
}

export const TFJS_FIXTURE_ROOT = 'tests/fixtures/tfjs';

/** The fixture files of a saved case: model.json and weights.bin as TF.js saved them, data.json its inputs and TF.js's outputs. */
export function fixtureFiles(saved: Awaited<ReturnType<typeof saveTfjsCase>>): Record<string, Uint8Array> {
  const { artifacts, inputs, outputs } = saved;
  const modelJson = { format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
  const data = { inputs: inputs.map((i) => ({ shape: i.shape, dtype: i.data instanceof Int32Array ? 'int32' : 'float32', data: Array.from(i.data) })), output: Array.from(outputs) };
  const text = (x: unknown) => new TextEncoder().encode(`${JSON.stringify(x, null, 1)}\n`);
  return { 'model.json': text(modelJson), 'weights.bin': new Uint8Array(artifacts.weightData), 'data.json': text(data) };
}
