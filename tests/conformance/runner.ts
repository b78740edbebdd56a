// The ONNX backend test cases as an outside judge: every case whose ops wgnn supports is
// imported, compiled and run on one engine, and its outputs compared with the expected ones
// (rtol 1e-3, atol 1e-5). Cases outside wgnn's scope are excluded with the reason.
import type { Engine } from '../../src/index.ts';
import { importOnnx, SUPPORTED_ONNX_OPS, ConstantRequired } from '../../src/onnx/import.ts';
import type { OnnxTensor } from '../../src/onnx/model.ts';
import { WgnnError } from '../../src/errors.ts';
import { loadCase, type TestCase } from './testdata.ts';

export const TOLERANCE = { rtol: 1e-3, atol: 1e-5 };

/** Input element types wgnn's graph inputs take (float, integer and boolean tensors; booleans as float 0 and 1). */
const DATA_TYPES = new Set(['float32', 'float64', 'float16', 'int32', 'int64', 'bool']);

export interface Outcome {
  testCase: TestCase;
  family: string;
  status: 'passed' | 'failed' | 'excluded';
  reason?: string;
}

/** Reasons a case is outside what wgnn covers; anything else that fails is a bug. */
export function exclusion(c: TestCase): string | undefined {
  const { model, dataSets } = loadCase(c);
  const unsupported = [...new Set(model.graph.nodes.map((n) => n.opType))].filter((op) => !SUPPORTED_ONNX_OPS.includes(op));
  if (unsupported.length) return `unsupported op ${unsupported.join(', ')}`;
  const values = dataSets.flatMap((d) => [...d.inputs, ...d.outputs]);
  const odd = values.find((v) => 'skipped' in v || !DATA_TYPES.has(v.tensor.elemType));
  if (odd) return 'skipped' in odd ? `non-tensor data (${odd.skipped})` : `${odd.tensor.elemType} data`;
  if (dataSets.length === 0) return 'no data sets';
  const nodes = model.graph.nodes;
  const spatialOps = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);
  const firstInput = dataSets[0].inputs[0];
  if (nodes.some((n) => spatialOps.has(n.opType)) && firstInput && 'tensor' in firstInput && firstInput.tensor.dims.length === 5) return '3-D convolution or pooling (wgnn does 1-D and 2-D)';
  if (nodes.some((n) => n.opType === 'BatchNormalization' && (n.attributes.training_mode as { value?: number } | undefined)?.value === 1)) return 'training-mode batch norm';
  if (nodes.some((n) => n.opType === 'Dropout' && n.inputs[2])) return 'training-mode dropout (random masks)';
  if (nodes.some((n) => n.opType === 'MaxPool' && n.outputs.length > 1 && n.outputs[1])) return 'MaxPool Indices output';
  const arithmetic = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Min', 'Max', 'Sum', 'Mean', 'Neg', 'Abs', 'Sign', 'Reciprocal', 'Floor', 'Ceil', 'Sqrt', 'Exp', 'Log']);
  if (nodes.some((n) => arithmetic.has(n.opType)) && values.some((v) => 'tensor' in v && v.tensor.dtype !== 'float32')) return 'integer arithmetic (wgnn computes in float32)';
  return undefined;
}

export function familyOf(c: TestCase): string {
  const { model } = loadCase(c);
  const ops = [...new Set(model.graph.nodes.map((n) => n.opType))];
  return ops.length === 1 ? ops[0] : c.suite === 'node' ? ops.join('+') : 'models';
}

function hostInput(t: OnnxTensor): Float32Array | Int32Array {
  if (t.dtype === 'float32') return t.data;
  if (t.dtype === 'int32') return t.data;
  if (t.dtype === 'int64') return Int32Array.from(t.data, Number);
  if (t.dtype === 'bool') return Float32Array.from(t.data);
  throw new Error(`input of type ${t.elemType}`);
}

function compare(actual: Float32Array, expected: OnnxTensor): string | undefined {
  const want = expected.dtype === 'int64' ? Float64Array.from(expected.data, Number) : (expected.data as ArrayLike<number>);
  if (actual.length !== want.length) return `${expected.name}: ${actual.length} values, expected ${want.length} (shape [${expected.dims}])`;
  let bad = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    const ok = actual[i] === want[i] || (Number.isNaN(actual[i]) && Number.isNaN(want[i])) || Math.abs(actual[i] - want[i]) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(want[i]);
    if (!ok) {
      if (first < 0) first = i;
      bad++;
    }
  }
  return bad ? `${expected.name}: ${bad} of ${want.length} differ; first at ${first}: got ${actual[first]}, expected ${want[first]}` : undefined;
}

/** Imports a case, freezing the graph inputs that must be constants (weights given as inputs). */
export function importCase(c: TestCase) {
  const loaded = loadCase(c);
  const first = loaded.dataSets[0];
  const frozen: Record<string, OnnxTensor> = {};
  for (let attempt = 0; attempt < 16; attempt++) {
    try {
      return { graph: importOnnx(loaded.model, { constants: frozen }), frozen, loaded };
    } catch (error) {
      if (!(error instanceof ConstantRequired)) throw error;
      const value = first.inputs.find((v) => v.name === error.inputName);
      if (!value || !('tensor' in value) || frozen[error.inputName]) throw error;
      frozen[error.inputName] = value.tensor;
    }
  }
  throw new Error('too many inputs to freeze');
}

export async function runCase(c: TestCase, engine: Engine): Promise<Outcome> {
  const family = familyOf(c);
  const excluded = exclusion(c);
  if (excluded) return { testCase: c, family, status: 'excluded', reason: excluded };
  try {
    const { graph, frozen, loaded } = importCase(c);
    const compiled = engine.compile(graph, { name: c.name });
    try {
      for (const set of loaded.dataSets) {
        const inputs = set.inputs.filter((v) => !(v.name in frozen)).map((v) => {
          const t = (v as { tensor: OnnxTensor }).tensor;
          return { data: hostInput(t), shape: t.dims };
        });
        const outputs = await compiled.run(inputs);
        const names = compiled.outputNames;
        for (let k = 0; k < set.outputs.length; k++) {
          const problem = compare(outputs[names[k]], (set.outputs[k] as { tensor: OnnxTensor }).tensor);
          if (problem) return { testCase: c, family, status: 'failed', reason: problem };
        }
      }
    } finally {
      compiled.dispose();
    }
    return { testCase: c, family, status: 'passed' };
  } catch (error) {
    const message = error instanceof WgnnError || error instanceof Error ? error.message : String(error);
    return { testCase: c, family, status: 'failed', reason: message.split('\n')[0] };
  }
}

/** The table the issue asks for: per op family, found / passed / failed / excluded (and why). */
export function table(outcomes: Outcome[]): string {
  const families = new Map<string, Outcome[]>();
  for (const o of outcomes) families.set(o.family, [...(families.get(o.family) ?? []), o]);
  const rows = [...families].sort(([a], [b]) => a.localeCompare(b)).map(([family, list]) => {
    const count = (s: Outcome['status']) => list.filter((o) => o.status === s).length;
    const reasons = [...new Set(list.filter((o) => o.status === 'excluded').map((o) => o.reason))].join('; ');
    return `| ${family} | ${list.length} | ${count('passed')} | ${count('failed')} | ${count('excluded')} | ${reasons} |`;
  });
  return ['| op family | found | passed | failed | excluded | why excluded |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
