// The real PyTorch exports of tests/fixtures/torch (made by export_torch.py with PyTorch 1.13):
// each model runs on an engine for every data set (two input shapes where the export has dynamic
// axes, so the plan is rebuilt per signature) and is compared with PyTorch's own outputs:
// max |wgnn - torch| <= 2e-3 * max |torch| per output, the bound.
import manifest from '../fixtures/torch/manifest.json';
import { loadOnnx, type Engine } from '../../src/index.ts';
import { decodeTensor } from '../../src/onnx/decode.ts';
import type { OnnxTensor } from '../../src/onnx/model.ts';

export const FIXTURE_ROOT = 'tests/fixtures/torch';
export const RELATIVE_BOUND = 2e-3;

export interface FixtureSpec {
  name: string;
  description: string;
  opset: number;
  data_sets: { inputs: { name: string }[]; outputs: { name: string }[] }[];
}

export const FIXTURES = manifest.fixtures as FixtureSpec[];

export interface OutputError {
  dataSet: number;
  output: string;
  shape: number[];
  maxError: number;
  maxTorch: number;
}

function hostData(t: OnnxTensor): Float32Array | Int32Array {
  if (t.dtype === 'float32' || t.dtype === 'int32') return t.data;
  if (t.dtype === 'int64') return Int32Array.from(t.data, Number);
  throw new Error(`${t.name}: input of type ${t.elemType}`);
}

/**
 * Runs fixture `name` on `engine`, returns the error of every output of every data set, and
 * throws (naming the output, its error and the bound) when one is past the bound.
 */
export async function runFixture(name: string, engine: Engine, readFile: (path: string) => Promise<Uint8Array>): Promise<OutputError[]> {
  const spec = FIXTURES.find((f) => f.name === name)!;
  const dir = `${FIXTURE_ROOT}/${name}`;
  const compiled = engine.compile(await loadOnnx(await readFile(`${dir}/model.onnx`)), { name });
  const errors: OutputError[] = [];
  try {
    for (let set = 0; set < spec.data_sets.length; set++) {
      const read = async (kind: 'input' | 'output', k: number) => decodeTensor(await readFile(`${dir}/test_data_set_${set}/${kind}_${k}.pb`));
      const inputs = await Promise.all(spec.data_sets[set].inputs.map((_, k) => read('input', k)));
      const expected = await Promise.all(spec.data_sets[set].outputs.map((_, k) => read('output', k)));
      const got = await compiled.run(inputs.map((t) => ({ data: hostData(t), shape: t.dims })));
      expected.forEach((want, k) => {
        const outputName = compiled.outputNames[k];
        const actual = got[outputName];
        const torch = want.data as Float32Array;
        if (actual.length !== torch.length) throw new Error(`${name} data set ${set} ${outputName}: ${actual.length} values, torch has ${torch.length} (shape [${want.dims}])`);
        let maxError = 0;
        let maxTorch = 0;
        for (let i = 0; i < torch.length; i++) {
          const e = Math.abs(actual[i] - torch[i]);
          maxError = Number.isNaN(e) ? Infinity : Math.max(maxError, e);
          maxTorch = Math.max(maxTorch, Math.abs(torch[i]));
        }
        errors.push({ dataSet: set, output: outputName, shape: want.dims, maxError, maxTorch });
        if (!(maxError <= RELATIVE_BOUND * maxTorch)) {
          const first = Array.from(torch).findIndex((t, i) => !(Math.abs(actual[i] - t) <= RELATIVE_BOUND * maxTorch));
          throw new Error(`${name} data set ${set} output ${outputName} [${want.dims}]: max |wgnn - torch| = ${maxError} > ${RELATIVE_BOUND} x max |torch| (${maxTorch}); first at ${first}: ${actual[first]} vs ${torch[first]}`);
        }
      });
    }
  } finally {
    compiled.dispose();
  }
  return errors;
}

/** One line per fixture: the worst error of each output relative to max |torch|, per data set. */
export function formatErrors(backend: string, name: string, errors: OutputError[]): string {
  const parts = errors.map((e) => `${e.output}[${e.shape.join('x')}] ${e.maxError.toExponential(1)} (${(e.maxError / (e.maxTorch || 1)).toExponential(1)} rel)`);
  return `${backend} ${name}: ${parts.join(', ')}`;
}
