// The model API and the compiler on the CPU backend: shapes, weights, errors, plans.
import { describe, expect, it } from 'vitest';
import { createEngine, Graph, layers, model, sequential } from '../../src/index.ts';
import { validateMemoryPlan } from '../../src/compile/memory.ts';
import { kerasCnn, residualBlock } from '../gpu/cases/models.ts';

describe('compiler', async () => {
  const cpu = await createEngine({ backend: 'cpu' });

  it('schedules nodes in dependency order whatever order they were added in', async () => {
    const g = new Graph();
    const x = g.input('x', [null, 3]);
    const doubled = g.values.length + 1; // the value the second node will produce
    const [y] = g.node('activation', 'relu', [doubled], { kind: 'relu', code: 1, alpha: 0, beta: 0 });
    g.node('binary', 'double', [x, x], { op: 'add' });
    g.setOutputs([y]);
    const out = await cpu.compile(g).run([Float32Array.of(-1, 2, 3)]);
    expect([...out.relu]).toEqual([0, 4, 6]);
  });

  it('reports a cycle instead of hanging', async () => {
    const g = new Graph();
    g.input('x', [1]);
    const [a] = g.node('activation', 'a', [2], { kind: 'relu', code: 1, alpha: 0, beta: 0 });
    g.node('activation', 'b', [a], { kind: 'relu', code: 1, alpha: 0, beta: 0 });
    g.setOutputs([a]);
    await expect(cpu.compile(g).run([Float32Array.of(1)])).rejects.toThrow(/a \(activation\): is part of a cycle/);
  });
});

describe('model API', async () => {
  const cpu = await createEngine({ backend: 'cpu' });

  it('infers symbolic shapes, leaving the batch open', () => {
    const m = kerasCnn();
    expect(m.outputs[0].shape).toEqual([null, 10]);
    expect(m.layer('conv2d_1').weightShapes()).toEqual({ kernel: [3, 3, 1, 32], bias: [32] });
    expect(m.layer('dense_1').weightShapes()).toEqual({ kernel: [576, 64], bias: [64] });
  });

  it('weights are checked against their shapes and named', () => {
    const m = kerasCnn();
    expect(() => m.setWeights('conv2d_1', { kernel: new Float32Array(10) })).toThrow(/conv2d_1: weight 'kernel' needs 288 values for shape \[3, 3, 1, 32\], got 10/);
    expect(() => m.setWeights('conv2d_1', { gamma: [1] })).toThrow(/conv2d_1: has no weight 'gamma'; its weights are kernel, bias/);
    expect(() => m.setWeights('nope', {})).toThrow(/keras_cnn: has no layer 'nope'/);
  });

  it('a layer that does not fit its input fails when applied, naming the layer and shapes', () => {
    expect(() => sequential([layers.conv2d({ filters: 4, kernelSize: 5, name: 'too_big' })], { inputShape: [3, 3, 1] })).toThrow(/too_big \(conv2d\): output size -1x-1 is not positive: input 3x3, kernel 5x5/);
    expect(() => sequential([layers.dense({ units: 3, name: 'fc' })], { inputShape: [] })).toThrow(/fc.*needs a known input size|fc: input \[\?\] must have rank >= 2/);
    const a = layers.input({ shape: [4] });
    const b = layers.input({ shape: [5] });
    expect(() => layers.add({ name: 'sum' }).apply([a, b])).toThrow(/sum \(binary\): shapes \[5, 4\] and \[5, 5\] do not broadcast.*open dims such as the batch are shown as 5/);
    model({ inputs: [a, b], outputs: a }); // closes this model's inputs
  });

  it('runs on the CPU backend with a batch inferred from the data, and reports bad inputs', async () => {
    const compiled = cpu.compile(kerasCnn());
    const out = await compiled.run({ input: new Float32Array(2 * 784) });
    expect(Object.keys(out)).toEqual(['dense_2/softmax']);
    expect(out['dense_2/softmax'].length).toBe(20);
    await expect(compiled.run({ input: new Float32Array(100) })).rejects.toThrow(/input input: 100 values do not fill \[\?, 28, 28, 1\]/);
    await expect(compiled.run({ image: new Float32Array(784) })).rejects.toThrow(/unknown input\(s\) image; the inputs are input/);
  });

  it('plans: peak equals the live-set lower bound; fusions fold batch norm and activations', async () => {
    const cnn = await cpu.compile(kerasCnn()).program([[4, 28, 28, 1]]);
    validateMemoryPlan(cnn.memory);
    expect(cnn.memory.peakBytes).toBe(cnn.memory.lowerBoundBytes);
    expect(cnn.memory.peakBytes).toBeLessThanOrEqual(cnn.memory.naiveBytes / 2);
    expect(cnn.fusions).toEqual({ batchNormFolds: 0, biasFusions: 0, activationFusions: 4 });
    const res = await cpu.compile(residualBlock()).program([[2, 12, 12, 8]]);
    validateMemoryPlan(res.memory);
    expect(res.fusions).toEqual({ batchNormFolds: 2, biasFusions: 0, activationFusions: 2 });
    expect(res.steps.map((s) => s.node.op)).toEqual(['conv2d', 'conv2d', 'binary', 'pool2d', 'matmul']);
    expect(res.memory.peakBytes).toBeLessThanOrEqual(res.memory.lowerBoundBytes * 1.1);
  });
});
