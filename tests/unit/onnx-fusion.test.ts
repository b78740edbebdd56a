// Fusions on real exports: PyTorch's exact GELU (Div, Erf, Add, Mul, Mul) becomes one gelu
// activation in the epilogue of the dense layer before it, and HardSwish joins its convolution.
// That the fused programs compute the same values is checked on the GPU by the torch fixture
// cases (tests/gpu/cases/torch-fixtures.ts), whose plans are these.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, loadOnnx } from '../../src/index.ts';
import { attr, buildModel } from '../../src/onnx/build.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/torch');

async function plan(name: string, shape: number[]) {
  const engine = await createEngine({ backend: 'cpu' });
  const compiled = engine.compile(await loadOnnx(readFileSync(join(FIXTURES, name, 'model.onnx'))));
  return compiled.program([shape]);
}

const activationOf = (attrs: unknown) => (attrs as { activation?: { kind: string }; kind?: string }).activation?.kind ?? (attrs as { kind?: string }).kind;

describe('fusions on real PyTorch exports', () => {
  it('ConvNeXt: every GELU is one gelu epilogue of the dense layer before it', async () => {
    const program = await plan('convnext_tiny_opset17', [2, 3, 48, 48]);
    const ops = program.steps.map((s) => `${s.node.op}:${activationOf(s.node.attrs) ?? ''}`);
    expect(ops.filter((o) => o.endsWith(':erf'))).toEqual([]);
    const gelus = ops.filter((o) => o === 'matmul:gelu').length;
    expect(gelus).toBe(4); // one per ConvNeXt block (2 + 1 + 1)
  });

  it('MobileNet v3: HardSwish runs in the convolutions\' epilogues', async () => {
    const program = await plan('mobilenet_v3_small', [1, 3, 48, 48]);
    const kinds = program.steps.map((s) => `${s.node.op}:${activationOf(s.node.attrs) ?? ''}`);
    expect(kinds.filter((k) => k === 'activation:hardSwish')).toEqual([]);
    expect(kinds.filter((k) => k === 'conv2d:hardSwish').length).toBeGreaterThan(3);
  });

  it('tf2onnx\'s NHWC input: the Transpose to NCHW before a convolution is a view, not a copy', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const model = buildModel({
      inputs: [{ name: 'input_1', shape: ['N', 6, 6, 3] }],
      outputs: [{ name: 'y' }],
      initializers: [{ name: 'w', dims: [4, 3, 3, 3], data: new Float32Array(108).fill(0.5) }],
      nodes: [
        { opType: 'Transpose', inputs: ['input_1'], outputs: ['nchw'], attributes: { perm: attr.ints([0, 3, 1, 2]) } },
        { opType: 'Conv', inputs: ['nchw', 'w'], outputs: ['c'] },
        { opType: 'Transpose', inputs: ['c'], outputs: ['y'], attributes: { perm: attr.ints([0, 2, 3, 1]) } },
      ],
    });
    const program = await engine.compile(await loadOnnx(model)).program([[2, 6, 6, 3]]);
    expect(program.steps.map((s) => s.node.op)).toEqual(['conv2d']);
  });
});
