// `wgnn run <model.onnx> --input <name>=<file.npy> ... --out <dir> [--backend webgpu|cpu] [--profile]`:
// loads the model, reads the inputs from .npy files, runs it, and writes one <dir>/<output>.npy
// per graph output (float32, C order). --profile prints the per-node table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeGpu } from '../device/node-gpu.ts';
import { createEngine } from '../engine.ts';
import { WgnnError } from '../errors.ts';
import { ConstantRequired, loadOnnx } from '../onnx/import.ts';
import type { OnnxTensor } from '../onnx/model.ts';
import { UsageError, type Command } from './command.ts';
import { readNpy, writeNpy, type NpyArray } from './npy.ts';

interface RunArgs {
  model: string;
  inputs: Map<string, string>;
  out: string;
  backend: 'webgpu' | 'cpu';
  profile: boolean;
}

function parse(args: string[]): RunArgs {
  const inputs = new Map<string, string>();
  let model: string | undefined;
  let out: string | undefined;
  let backend: 'webgpu' | 'cpu' = 'webgpu';
  let profile = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--input') {
      const spec = value();
      const eq = spec.indexOf('=');
      if (eq < 1) throw new UsageError(`--input takes <name>=<file.npy>, got '${spec}'`);
      inputs.set(spec.slice(0, eq), spec.slice(eq + 1));
    } else if (arg === '--out') out = value();
    else if (arg === '--backend') {
      const b = value();
      if (b !== 'webgpu' && b !== 'cpu') throw new UsageError(`--backend must be webgpu or cpu, got '${b}'`);
      backend = b;
    } else if (arg === '--profile') profile = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else if (model === undefined) model = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (!model) throw new UsageError('no model given');
  if (!out) throw new UsageError('--out <dir> is required');
  return { model, inputs, out, backend, profile };
}

/**
 * Imports the model for the shapes of the given inputs. An input that must be a constant
 * (recurrent weights a model takes as inputs) is baked in from its .npy file: every input value
 * is known before the run anyway.
 */
async function importWithInputs(a: RunArgs, arrays: Map<string, NpyArray>) {
  const bytes = readFileSync(a.model);
  const constants: Record<string, OnnxTensor> = {};
  const shapes = Object.fromEntries([...arrays].map(([name, array]) => [name, array.shape]));
  for (;;) {
    try {
      return { graph: await loadOnnx(bytes, { constants, shapes }), constants };
    } catch (error) {
      if (!(error instanceof ConstantRequired)) throw error;
      const name = error.inputName;
      const array = arrays.get(name);
      if (!array || name in constants) throw error;
      constants[name] = array.dtype === 'float32'
        ? { name, dims: array.shape, dtype: 'float32', elemType: 'float32', data: array.data as Float32Array }
        : { name, dims: array.shape, dtype: 'int32', elemType: 'int32', data: array.data as Int32Array };
    }
  }
}

async function run(args: string[]): Promise<void> {
  const a = parse(args);
  const arrays = new Map([...a.inputs].map(([name, file]) => [name, readNpy(file, readFileSync(file))]));
  const { graph, constants } = await importWithInputs(a, arrays);
  const engine = await (a.backend === 'cpu' ? createEngine({ backend: 'cpu' }) : createEngine({ gpu: await nodeGpu() }));
  try {
    const compiled = engine.compile(graph, { name: a.model });
    const missing = compiled.inputNames.filter((n) => !a.inputs.has(n));
    if (missing.length) throw new WgnnError(a.model, `needs --input for ${missing.join(', ')}`);
    const extra = [...a.inputs.keys()].filter((n) => !compiled.inputNames.includes(n) && !(n in constants));
    if (extra.length) throw new WgnnError(a.model, `has no input ${extra.join(', ')}; its inputs are ${compiled.inputNames.join(', ')}`);
    const inputs = Object.fromEntries(
      compiled.inputNames.map((name) => {
        const array = arrays.get(name)!;
        return [name, { data: array.data, shape: array.shape }];
      }),
    );
    const outputs = await compiled.run(inputs);
    const program = await compiled.program(compiled.inputNames.map((n) => inputs[n].shape));
    mkdirSync(a.out, { recursive: true });
    program.outputs.forEach((o, i) => {
      const name = compiled.outputNames[i];
      writeFileSync(join(a.out, `${name.replace(/[^\w.-]/g, '_')}.npy`), writeNpy(o.spec.shape, outputs[name]));
    });
    if (a.profile) {
      if (a.backend === 'cpu') throw new WgnnError('run', '--profile needs the webgpu backend');
      console.log((await compiled.profile(inputs)).table());
    }
    compiled.dispose();
  } finally {
    engine.dispose();
  }
}

export const runCommand: Command = {
  usage: 'wgnn run <model.onnx> --input <name>=<file.npy> [--input ...] --out <dir> [--backend webgpu|cpu] [--profile]',
  summary: 'run an ONNX model on .npy inputs, writing <dir>/<output>.npy',
  run,
};
