// loadKerasModel on Keras 3 `.keras` and legacy Keras 2 `.h5` files. No Keras can be installed
// here, so the files (tests/fixtures/keras) were written by tests/fixtures/make_keras_fixtures.py
// following Keras's documented layouts (saving_lib.py's paths, tf.keras's HDF5 groups) with h5py,
// and their expected outputs computed by PyTorch from the same weights: each model must predict
// what PyTorch computed, which only happens with every weight (LSTM gates i, f, c, o; GRU z, r, h
// and reset_after's two bias rows; both Bidirectional directions) where Keras puts it. Then hostile
// and broken files, each refused with the error a user should see.
import { readFile } from 'node:fs/promises';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadKerasModel, type Engine, type Model } from '../../src/index.ts';
import { loadKerasModel as loadKerasModelNode } from '../../src/node.ts';
import { expectClose, F32 } from '../harness/compare.ts';

const DIR = 'tests/fixtures/keras';
const FILES = ['sequential_rnn.keras', 'functional_cnn.keras', 'legacy_rnn.h5'];

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ backend: 'cpu' });
});

async function expected(name: string) {
  const data = JSON.parse(await readFile(`${DIR}/${name}.json`, 'utf8')) as { inputs: { shape: number[]; data: number[] }[]; output: number[] };
  return { inputs: data.inputs.map((i) => ({ shape: i.shape, data: Float32Array.from(i.data) })), output: Float32Array.from(data.output) };
}

async function predict(model: Model, inputs: { shape: number[]; data: Float32Array }[]): Promise<Float32Array> {
  return Object.values(await engine.compile(model).run(inputs))[0];
}

const bytesOf = async (name: string) => new Uint8Array(await readFile(`${DIR}/${name}`));

describe('loadKerasModel: Keras files against PyTorch', () => {
  for (const name of FILES) {
    it(`${name} predicts what PyTorch computed from the same weights`, async () => {
      const { inputs, output } = await expected(name);
      const model = await loadKerasModelNode(`${DIR}/${name}`);
      expectClose(`${name} vs PyTorch`, await predict(model, inputs), output, F32, { seed: 0, shape: [output.length] });
    });
  }

  it('reads bytes and Blobs as well as paths; the reset_after GRU keeps its two bias rows', async () => {
    const { inputs, output } = await expected('sequential_rnn.keras');
    const bytes = await bytesOf('sequential_rnn.keras');
    for (const source of [bytes, bytes.slice().buffer, new Blob([bytes])]) {
      const model = await loadKerasModel(source);
      expectClose('from memory', await predict(model, inputs), output, F32, { seed: 0, shape: [output.length] });
      expect(model.layer('gru').weightShapes().bias).toEqual([2, 9]);
    }
  });
});

describe('loadKerasModel: bad files', () => {
  const fails = async (source: Uint8Array, pattern: RegExp) => {
    let message = '';
    try {
      await loadKerasModel(source);
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toMatch(pattern);
  };
  const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));

  it('a dataset claiming 10^12 elements is refused before it is read', async () => {
    await fails(await bytesOf('bad_absurd_dataset.keras'), /layers\/lstm\/cell\/vars\/0: shape \[100000, 100000, 100\] has 1000000000000 elements, more than wgnn accepts/);
  });

  it('a zip bomb is refused before it is inflated', async () => {
    const bomb = zipSync({ 'config.json': json({}), 'model.weights.h5': new Uint8Array(16 * 2 ** 20) }, { level: 9 });
    await fails(bomb, /entry model.weights.h5 would inflate \d+ bytes to 16777216 \(a zip bomb\?\)/);
    // An entry whose declared size is past the limit: the central directory says 4 GiB - 16.
    const lying = zipSync({ 'config.json': json({}), 'model.weights.h5': new Uint8Array(8) });
    const view = new DataView(lying.buffer);
    for (let at = lying.length - 22; at >= 0; at--) {
      if (view.getUint32(at, true) === 0x02014b50 && new TextDecoder().decode(lying.subarray(at + 46, at + 46 + view.getUint16(at + 28, true))) === 'model.weights.h5') view.setUint32(at + 24, 0xfffffff0, true);
    }
    await fails(lying, /entry model.weights.h5 declares 4294967280 bytes, past the limit/);
  });

  it('truncated and foreign files say what they are not', async () => {
    const whole = await bytesOf('functional_cnn.keras');
    await fails(whole.slice(0, whole.length - 200), /\.keras file: is not a readable zip archive/);
    const h5 = await bytesOf('legacy_rnn.h5');
    await fails(h5.slice(0, 3000), /\.h5 file/);
    await fails(new TextEncoder().encode('{"modelTopology": {}}'), /neither a \.keras archive \(zip\) nor a Keras \.h5 file \(HDF5\)/);
  });

  it('an archive without weights, or with npz weights, is named', async () => {
    await fails(zipSync({ 'config.json': json({ class_name: 'Sequential', config: { layers: [] } }) }), /has no model.weights.h5/);
    await fails(zipSync({ 'config.json': json({}), 'model.weights.npz': new Uint8Array(4) }), /stores its weights as npz/);
  });

  it('a variable of the wrong shape names the layer, the path and both shapes', async () => {
    const { unzipSync } = await import('fflate');
    const good = unzipSync(await bytesOf('sequential_rnn.keras'));
    const functional = unzipSync(await bytesOf('functional_cnn.keras'));
    // The sequential model's config over the functional model's weights: layers/lstm has no variables there.
    await fails(zipSync({ ...good, 'model.weights.h5': functional['model.weights.h5'] }), /layer 'lstm' \(LSTM\): model.weights.h5 has 0 variables at layers\/lstm\/cell\/vars, the layer needs 3/);
    const config = JSON.parse(new TextDecoder().decode(good['config.json']));
    config.config.layers[3].config.units = 4;
    await fails(zipSync({ ...good, 'config.json': json(config) }), /layer 'dense' \(Dense\): layers\/dense\/vars\/0 has shape \[3, 2\], but the layer's kernel is \[3, 4\]/);
  });
});
