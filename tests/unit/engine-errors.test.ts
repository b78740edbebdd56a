// Bad input through the public API: each is a WgnnError that names the op and the shapes.
// Validation is shared by both backends, so the CPU backend checks it without a GPU.
import { describe, expect, it } from 'vitest';
import { createEngine, WgnnError } from '../../src/index.ts';

describe('bad input gives clear errors', async () => {
  const engine = await createEngine({ backend: 'cpu' });

  it('data that does not match the shape', () => {
    expect(() => engine.tensor([2, 3], [1, 2, 3, 4, 5])).toThrow(/tensor \[2, 3\]: data has 5 values but the shape needs 6/);
    expect(() => engine.tensor([2, -1])).toThrow(/invalid dimension -1/);
    expect(() => engine.tensor([2.5])).toThrow(/invalid dimension 2.5/);
    expect(() => engine.tensor([65536, 65536, 4])).toThrow(/more than 2\^31/);
  });

  it('incompatible matmul shapes', () => {
    const a = engine.tensor([2, 3]);
    const b = engine.tensor([4, 5]);
    expect(() => engine.matmul(a, b)).toThrow(WgnnError);
    expect(() => engine.matmul(a, b)).toThrow(/matmul: A \[2, 3\] and B \[4, 5\] are incompatible: inner dimensions 3 and 4 differ/);
    expect(() => engine.matmul(a, engine.tensor([3, 4]), { transposeA: true })).toThrow(/A \[2, 3\] \(transposed\) and B \[3, 4\]/);
    expect(() => engine.matmul(engine.tensor([3]), b)).toThrow(/A \[3\] must have rank 2/);
    expect(() => engine.matmul(engine.tensor([2, 2, 3]), engine.tensor([3, 3, 4]))).toThrow(/batch dims of A \[2, 2, 3\] and B \[3, 3, 4\] do not broadcast \(2 vs 3\)/);
    expect(() => engine.matmul(engine.tensor([2, 1, 2, 1, 2, 1, 2, 3]), engine.tensor([1, 2, 1, 2, 1, 2, 3, 2]))).toThrow(/broadcast in a pattern of more than 4 alternating runs/);
    expect(() => engine.matmul(a, engine.tensor([3, 4]), { bias: engine.tensor([3]) })).toThrow(/bias \[3\] does not broadcast to the output matrix \[2, 4\]/);
    expect(() => engine.matmul(a, engine.tensor([3, 4]), { activation: 'swish' as never })).toThrow(/unknown activation 'swish'/);
  });

  it('shapes that do not broadcast', () => {
    expect(() => engine.add(engine.tensor([2, 3]), engine.tensor([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] do not broadcast/);
    expect(() => engine.mul(engine.tensor([5, 1, 3]), engine.tensor([2, 4, 3]))).toThrow(/mul: shapes \[5, 1, 3\] and \[2, 4, 3\] do not broadcast: dimension 0/);
  });

  it('softmax axis out of range', () => {
    expect(() => engine.softmax(engine.tensor([2, 3]), 2)).toThrow(/softmax: axis 2 is out of range for rank 2; valid axes are -2..1/);
  });

  it('use after dispose', async () => {
    const t = engine.tensor([4, 1], [1, 2, 3, 4]);
    t.dispose();
    expect(t.disposed).toBe(true);
    expect(() => engine.activation(t, 'relu')).toThrow(/relu: tensor \[4, 1\] float32 was used after dispose\(\)/);
    await expect(t.data()).rejects.toThrow(/tensor \[4, 1\] float32 was used after dispose\(\)/);
    t.dispose(); // twice is harmless
  });

  it('tensors from another engine', async () => {
    const other = await createEngine({ backend: 'cpu' });
    expect(() => engine.add(engine.tensor([1]), other.tensor([1]))).toThrow(/belongs to another engine/);
  });

  it('a missing WebGPU says what to do', async () => {
    await expect(createEngine({ backend: 'webgpu' })).rejects.toThrow(/WebGPU is not available in this runtime.*backend: 'cpu'/);
  });
});

describe('the CPU backend runs the same API', async () => {
  const engine = await createEngine({ backend: 'cpu' });

  it('matmul with bias and activation', async () => {
    const a = engine.tensor([2, 2], [1, 2, 3, 4]);
    const b = engine.tensor([2, 2], [1, -1, 0, 1]);
    const out = engine.matmul(a, b, { bias: engine.tensor([2], [0.5, -10]), activation: 'relu' });
    expect(out.shape).toEqual([2, 2]);
    expect([...(await out.data())]).toEqual([1.5, 0, 3.5, 0]);
  });

  it('int32 tensors keep their type', async () => {
    const ids = engine.tensor([3], new Int32Array([4, -1, 7]));
    expect(ids.dtype).toBe('int32');
    expect(await ids.data()).toEqual(new Int32Array([4, -1, 7]));
  });

  it('softmax rows sum to 1 and logSoftmax is its log', async () => {
    const x = engine.tensor([2, 3], [1, 2, 3, 1000, 1000, 1000]);
    const s = await engine.softmax(x).data();
    expect(s[0] + s[1] + s[2]).toBeCloseTo(1, 6);
    expect(s[3]).toBeCloseTo(1 / 3, 6);
    const l = await engine.logSoftmax(x, 1).data();
    expect(l[2]).toBeCloseTo(Math.log(s[2]), 5);
  });
});
