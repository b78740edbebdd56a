// `wgnn run` end to end, as a child process on the built CLI: ONNX backend test cases (LSTM,
// GRU, Conv, pooling) with their inputs written as .npy files, outputs compared with the
// expected ones; and corrupted models, rejected with exit 1 and one line on stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/cli/npy.ts';
import { buildModel } from '../../src/onnx/build.ts';
import { decodeTensor } from '../../src/onnx/decode.ts';
import { FIXTURE_ROOT, FIXTURES, RELATIVE_BOUND } from '../harness/torch-fixtures.ts';
import type { OnnxTensor } from '../../src/onnx/model.ts';
import { TOLERANCE } from '../conformance/runner.ts';
import { listCases, loadCase } from '../conformance/testdata.ts';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

function wgnn(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, 'run', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function npyOf(t: OnnxTensor): Uint8Array {
  if (t.dtype === 'float32') return writeNpy(t.dims, t.data);
  return writeNpy(t.dims, Int32Array.from(t.data as ArrayLike<number | bigint>, Number));
}

const CASES = ['test_lstm_with_peepholes', 'test_gru_seq_length', 'test_conv_with_strides_and_asymmetric_padding', 'test_maxpool_2d_ceil', 'test_averagepool_2d_pads_count_include_pad'];

describe('wgnn run', () => {
  const available = listCases().filter((c) => c.suite === 'node' && CASES.includes(c.name));

  it('finds its test cases', () => {
    if (available.length === 0 && !process.env.CI) return;
    expect(available.map((c) => c.name).sort()).toEqual([...CASES].sort());
  });

  for (const c of available) {
    for (const backend of ['webgpu', 'cpu']) {
      it(`${c.name} on ${backend}`, async (context) => {
        if (backend === 'webgpu' && inject('nodeGpuHarness').unavailable) context.skip('no WebGPU adapter in Node');
        const { dataSets, model } = loadCase(c);
        const dir = mkdtempSync(join(tmpdir(), 'wgnn-run-'));
        const args = [c.modelPath, '--out', join(dir, 'out'), '--backend', backend];
        const set = dataSets[0];
        for (const v of set.inputs) {
          const file = join(dir, `${v.name}.npy`);
          writeFileSync(file, npyOf((v as { tensor: OnnxTensor }).tensor));
          args.push('--input', `${v.name}=${file}`);
        }
        const { code, stderr } = await wgnn(args);
        expect(code, stderr).toBe(0);
        model.graph.outputs.forEach((o, k) => {
          const expected = (set.outputs[k] as { tensor: OnnxTensor }).tensor;
          const got = readNpy(o.name, readFileSync(join(dir, 'out', `${o.name}.npy`)));
          expect(got.shape).toEqual(expected.dims);
          const want = expected.data as Float32Array;
          const bad = Array.from(got.data).findIndex((g, i) => !(Math.abs(g - want[i]) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(want[i])));
          expect(bad, `first mismatch of ${o.name} at ${bad}`).toBe(-1);
        });
      });
    }
  }

  describe('the real PyTorch exports (tests/fixtures/torch)', () => {
    // Every fixture on WebGPU, and one per family on the CPU reference too; PyTorch's outputs within 2e-3 x max |torch|.
    const cpuToo = new Set(['lstm_2layer', 'crnn', 'unet_small', 'mobilenet_v3_small', 'convnext_tiny_opset17']);
    for (const f of FIXTURES) {
      for (const backend of cpuToo.has(f.name) ? ['webgpu', 'cpu'] : ['webgpu']) {
        it(`${f.name} on ${backend}`, async (context) => {
          if (backend === 'webgpu' && inject('nodeGpuHarness').unavailable) context.skip('no WebGPU adapter in Node');
          const dir = mkdtempSync(join(tmpdir(), 'wgnn-torch-'));
          const fixture = resolve(import.meta.dirname, '../..', FIXTURE_ROOT, f.name);
          const args = [join(fixture, 'model.onnx'), '--out', join(dir, 'out'), '--backend', backend];
          f.data_sets[0].inputs.forEach((input, k) => {
            const file = join(dir, `${input.name}.npy`);
            writeFileSync(file, npyOf(decodeTensor(readFileSync(join(fixture, 'test_data_set_0', `input_${k}.pb`)))));
            args.push('--input', `${input.name}=${file}`);
          });
          const { code, stderr } = await wgnn(args);
          expect(code, stderr).toBe(0);
          f.data_sets[0].outputs.forEach((output, k) => {
            const expected = decodeTensor(readFileSync(join(fixture, 'test_data_set_0', `output_${k}.pb`)));
            const got = readNpy(output.name, readFileSync(join(dir, 'out', `${output.name.replace(/[^\w.-]/g, '_')}.npy`)));
            expect(got.shape).toEqual(expected.dims);
            const torch = expected.data as Float32Array;
            const bound = RELATIVE_BOUND * Math.max(...Array.from(torch, Math.abs));
            const worst = Math.max(...Array.from(got.data, (g, i) => Math.abs(g - torch[i])));
            expect(worst, `max |wgnn - torch| of ${output.name}`).toBeLessThanOrEqual(bound);
          });
        });
      }
    }
  });

  describe('rejects bad models with exit 1 and one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgnn-bad-'));
    const input = join(dir, 'x.npy');
    writeFileSync(input, writeNpy([1, 4], new Float32Array(4)));
    const relu = buildModel({ nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y', shape: [1, 4] }] });

    const expectRejected = async (file: string, pattern: RegExp) => {
      const { code, stderr } = await wgnn([file, '--input', `x=${input}`, '--out', join(dir, 'out'), '--backend', 'cpu']);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toMatch(pattern);
    };

    it('a truncated file', async () => {
      writeFileSync(join(dir, 'truncated.onnx'), relu.slice(0, relu.length - 7));
      await expectRejected(join(dir, 'truncated.onnx'), /^wgnn run: .*(truncated|invalid|malformed|index out of range)/i);
    });

    it('absurd dimensions', async () => {
      const huge = buildModel({
        nodes: [{ opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
        inputs: [{ name: 'x', shape: [1, 4] }],
        outputs: [{ name: 'y', shape: [1, 4] }],
        initializers: [{ name: 'w', dims: [1000000, 1000000, 1000], data: new Float32Array(4) }],
      });
      writeFileSync(join(dir, 'huge.onnx'), huge);
      await expectRejected(join(dir, 'huge.onnx'), /^wgnn run: .*w.*(elements|dims|\[1000000, 1000000, 1000\])/);
    });

    it('an unknown op', async () => {
      const unknown = buildModel({ nodes: [{ opType: 'Einsum', inputs: ['x'], outputs: ['y'] }], inputs: [{ name: 'x', shape: [1, 4] }], outputs: [{ name: 'y', shape: [1, 4] }] });
      writeFileSync(join(dir, 'unknown.onnx'), unknown);
      await expectRejected(join(dir, 'unknown.onnx'), /^wgnn run: .*unsupported op Einsum \(opset \d+\)/);
    });
  });
});
