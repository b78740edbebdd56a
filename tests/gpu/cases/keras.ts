// Keras models from files on WebGPU, in the browser and in Node.
// TF.js layers models (tests/fixtures/tfjs, saved by tfjs-layers with its own predictions; see
// tests/fixtures/make_tfjs_fixtures.ts) loaded by loadLayersModel and run on WebGPU: each must
// predict what TF.js predicted. The same models on the CPU reference, and the rest of the
// loader's and saver's behaviour, are in tests/unit/keras-load.test.ts and keras-save.test.ts;
// each model is also saved and reloaded, and exported to ONNX and imported (onnxruntime checks
// the exports in tests/unit/onnx-export.test.ts).
import { exportOnnx, loadKerasModel, loadLayersModel, loadOnnx, saveLayersModel } from '../../../src/index.ts';
import { expectClose, type Tolerance } from '../../harness/compare.ts';
import manifest from '../../fixtures/tfjs/manifest.json';
import type { GpuCase } from './case.ts';

// Products of up to ~600 terms (the CNN's dense layer) in another summation order than TF.js's CPU backend.
const TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-4 };

interface FixtureData {
  inputs: { shape: number[]; dtype: 'float32' | 'int32'; data: number[] }[];
  output: number[];
}

const tfjsCases: GpuCase[] = manifest.models.map((name) => ({
  name: `tfjs ${name}`,
  async run(ctx) {
    const c = { name };
    const dir = `tests/fixtures/tfjs/${name}`;
    const text = async (file: string) => new TextDecoder().decode(await ctx.readFile(`${dir}/${file}`));
    const model = await loadLayersModel({ modelJson: await text('model.json'), weights: { 'weights.bin': await ctx.readFile(`${dir}/weights.bin`) } });
    const data = JSON.parse(await text('data.json')) as FixtureData;
    const inputs = data.inputs.map((i) => ({ shape: i.shape, data: i.dtype === 'int32' ? Int32Array.from(i.data) : Float32Array.from(i.data) }));
    const engine = await ctx.engine();
    const compiled = engine.compile(model);
    const got = Object.values(await compiled.run(inputs))[0];
    compiled.dispose();
    expectClose(`${c.name} on WebGPU vs TF.js`, got, data.output, TOLERANCE, { seed: 0, shape: [data.output.length] });
    // What wgnn saves loads back and predicts the same, bit for bit, on the GPU too.
    const saved = saveLayersModel(model);
    const again = engine.compile(await loadLayersModel({ modelJson: saved.modelJson, weights: saved.weights }));
    const twice = Object.values(await again.run(inputs))[0];
    again.dispose();
    if (twice.some((v, i) => v !== got[i])) throw new Error(`${c.name}: the saved and reloaded model predicts differently`);
    // Exported to ONNX and imported again, on the GPU: TF.js's numbers still.
    const onnx = engine.compile(await loadOnnx(exportOnnx(model)));
    expectClose(`${c.name} exported to ONNX, imported, on WebGPU vs TF.js`, Object.values(await onnx.run(inputs))[0], data.output, TOLERANCE, { seed: 0, shape: [data.output.length] });
    onnx.dispose();
  },
}));

// Keras 3 .keras and legacy .h5 files (tests/fixtures/keras, written by make_keras_fixtures.py
// with PyTorch's outputs): each must predict what PyTorch computed.
const kerasFileCases: GpuCase[] = ['sequential_rnn.keras', 'functional_cnn.keras', 'legacy_rnn.h5'].map((file) => ({
  name: `keras file ${file}`,
  async run(ctx) {
    const path = `tests/fixtures/keras/${file}`;
    const model = await loadKerasModel(await ctx.readFile(path));
    const data = JSON.parse(new TextDecoder().decode(await ctx.readFile(`${path}.json`))) as { inputs: { shape: number[]; data: number[] }[]; output: number[] };
    const compiled = (await ctx.engine()).compile(model);
    const got = Object.values(await compiled.run(data.inputs.map((i) => ({ shape: i.shape, data: Float32Array.from(i.data) }))))[0];
    compiled.dispose();
    expectClose(`${file} on WebGPU vs PyTorch`, got, data.output, TOLERANCE, { seed: 0, shape: [data.output.length] });
  },
}));

export const kerasCases: GpuCase[] = [...tfjsCases, ...kerasFileCases];

/** The sources a page gives: File objects (a file input's), and in the browser a URL fetched relative to the page. */
const sourceCase: GpuCase = {
  name: 'keras sources: File objects and URLs',
  async run(ctx) {
    const dir = 'tests/fixtures/tfjs/stacked_lstm';
    const data = JSON.parse(new TextDecoder().decode(await ctx.readFile(`${dir}/data.json`))) as FixtureData;
    const inputs = data.inputs.map((i) => ({ shape: i.shape, data: Float32Array.from(i.data) }));
    const engine = await ctx.engine();
    const check = async (label: string, model: Awaited<ReturnType<typeof loadLayersModel>>, expected: number[]) => {
      const compiled = engine.compile(model);
      expectClose(label, Object.values(await compiled.run(inputs))[0], expected, TOLERANCE, { seed: 0, shape: [expected.length] });
      compiled.dispose();
    };
    const file = async (path: string, name: string) => new File([(await ctx.readFile(path)).slice()], name);
    const files = [await file(`${dir}/model.json`, 'model.json'), await file(`${dir}/weights.bin`, 'weights.bin')];
    await check('from File objects', await loadLayersModel(files), data.output);
    const keras = await file('tests/fixtures/keras/sequential_rnn.keras', 'sequential_rnn.keras');
    const kerasData = JSON.parse(new TextDecoder().decode(await ctx.readFile('tests/fixtures/keras/sequential_rnn.keras.json'))) as FixtureData;
    const kerasCompiled = engine.compile(await loadKerasModel(keras));
    expectClose('.keras from a File', Object.values(await kerasCompiled.run(kerasData.inputs.map((i) => ({ shape: i.shape, data: Float32Array.from(i.data) }))))[0], kerasData.output, TOLERANCE, { seed: 0, shape: [kerasData.output.length] });
    kerasCompiled.dispose();
    if (typeof window !== 'undefined') {
      await check('from a URL', await loadLayersModel(`/${dir}/model.json`), data.output);
      const url = engine.compile(await loadKerasModel('/tests/fixtures/keras/sequential_rnn.keras'));
      expectClose('.keras from a URL', Object.values(await url.run(kerasData.inputs.map((i) => ({ shape: i.shape, data: Float32Array.from(i.data) }))))[0], kerasData.output, TOLERANCE, { seed: 0, shape: [kerasData.output.length] });
      url.dispose();
    }
  },
};

kerasCases.push(sourceCase);
