// Reads the ONNX backend test cases that Debian's libonnx-testdata installs: each case directory
// holds model.onnx and test_data_set_N/{input,output}_K.pb (serialized TensorProto, or
// SequenceProto/OptionalProto/MapProto for non-tensor values, which we do not decode).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, decodeTensor } from '../../src/onnx/decode.ts';
import type { OnnxModel, OnnxTensor, ValueInfo } from '../../src/onnx/model.ts';

export const TESTDATA_ROOT = '/usr/share/libonnx-testdata/data';
/** `real/` is left out: its cases are only URLs of models to download. */
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;

export interface TestCase {
  suite: (typeof SUITES)[number];
  name: string;
  dir: string;
  modelPath: string;
  /** test_data_set_* directories, in numeric order. */
  dataSetDirs: string[];
}

/** A value of a data set: a decoded tensor, or the reason it was not decoded. */
export type DataValue =
  | { name: string; file: string; tensor: OnnxTensor }
  | { name: string; file: string; skipped: string };

export interface DataSet {
  dir: string;
  inputs: DataValue[];
  outputs: DataValue[];
}

export interface LoadedCase {
  testCase: TestCase;
  model: OnnxModel;
  dataSets: DataSet[];
}

/** Every case with a model.onnx, sorted by suite then name; [] when the package is not installed. */
export function listCases(root = TESTDATA_ROOT): TestCase[] {
  const cases: TestCase[] = [];
  for (const suite of SUITES) {
    const suiteDir = join(root, suite);
    if (!existsSync(suiteDir)) continue;
    for (const name of readdirSync(suiteDir).sort()) {
      const dir = join(suiteDir, name);
      const modelPath = join(dir, 'model.onnx');
      if (!existsSync(modelPath)) continue;
      const dataSetDirs = numericSort(readdirSync(dir).filter((f) => f.startsWith('test_data_set_'))).map((f) =>
        join(dir, f),
      );
      cases.push({ suite, name, dir, modelPath, dataSetDirs });
    }
  }
  return cases;
}

/** Decodes the model and every data set; a decoding error propagates (a WgnnError). */
export function loadCase(testCase: TestCase): LoadedCase {
  const model = decodeModel(readFileSync(testCase.modelPath));
  const initialized = new Set(model.graph.initializers.map((t) => t.name));
  // As in ONNX's backend runner: input_K feeds the K-th graph input that is not an initializer.
  const inputs = model.graph.inputs.filter((v) => !initialized.has(v.name));
  const dataSets = testCase.dataSetDirs.map((dir) => ({
    dir,
    inputs: readValues(dir, 'input_', inputs),
    outputs: readValues(dir, 'output_', model.graph.outputs),
  }));
  return { testCase, model, dataSets };
}

function readValues(dir: string, prefix: string, declared: ValueInfo[]): DataValue[] {
  const files = numericSort(readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.pb')));
  return files.map((f, k) => {
    const file = join(dir, f);
    const info = declared[k];
    const name = info?.name ?? f;
    if (info && info.type.kind !== 'tensor') return { name, file, skipped: `${info.type.kind} value` };
    return { name, file, tensor: decodeTensor(readFileSync(file)) };
  });
}

/** Sorts names by their trailing number (input_10 after input_9). */
function numericSort(names: string[]): string[] {
  const key = (s: string) => Number(/(\d+)(\.pb)?$/.exec(s)?.[1] ?? 0);
  return [...names].sort((a, b) => key(a) - key(b));
}
