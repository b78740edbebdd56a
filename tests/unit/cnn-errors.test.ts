// Bad CNN layer configurations give errors that name the op and the shapes.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.ts';

describe('CNN bad input', async () => {
  const engine = await createEngine({ backend: 'cpu' });
  const x = engine.tensor([1, 5, 5, 6]);

  it('output size zero or negative', () => {
    expect(() => engine.conv2d(x, engine.tensor([7, 3, 6, 4]))).toThrow(/conv2d: output size -1x3 is not positive: input 5x5, kernel 7x3/);
    expect(() => engine.conv2d(x, engine.tensor([3, 3, 6, 4]), { dilations: 3 })).toThrow(/output size -1x-1 is not positive.*dilation 3x3/);
    expect(() => engine.convTranspose2d(engine.tensor([1, 1, 1, 2]), engine.tensor([2, 1, 1, 3]), { padding: [1, 0, 0, 0] })).toThrow(/convTranspose2d: output size 0x1 is not positive/);
  });

  it('channels not divisible by groups', () => {
    expect(() => engine.conv2d(x, engine.tensor([3, 3, 2, 4]), { groups: 4 })).toThrow(/conv2d: input channels 6 of \[1, 5, 5, 6\] are not divisible by groups 4/);
    expect(() => engine.conv2d(x, engine.tensor([3, 3, 2, 5]), { groups: 3 })).toThrow(/output channels 5 of weights \[3, 3, 2, 5\] are not divisible by groups 3/);
  });

  it('weight shapes that do not match', () => {
    expect(() => engine.conv2d(x, engine.tensor([3, 3, 5, 4]))).toThrow(/conv2d: weights \[3, 3, 5, 4\] do not match input \[1, 5, 5, 6\] with groups 1: expected \[KH, KW, 6, Cout\]/);
    expect(() => engine.conv2d(x, engine.tensor([3, 6, 4]))).toThrow(/weights \[3, 6, 4\] must be \[KH, KW, Cin\/groups, Cout\]/);
    expect(() => engine.conv2d(x, engine.tensor([1, 1, 6, 4]), { bias: engine.tensor([3]) })).toThrow(/bias \[3\] must be \[4\]/);
    expect(() => engine.depthwiseConv2d(x, engine.tensor([3, 3, 5, 1]))).toThrow(/depthwiseConv2d: weights \[3, 3, 5, 1\] must be \[KH, KW, Cin, multiplier\]/);
    expect(() => engine.convTranspose2d(x, engine.tensor([5, 3, 3, 2]))).toThrow(/convTranspose2d: weights \[5, 3, 3, 2\] do not match input \[1, 5, 5, 6\]/);
    expect(() => engine.conv1d(engine.tensor([1, 9, 4]), engine.tensor([3, 3, 2]))).toThrow(/conv1d: weights \[3, 3, 2\] do not match input \[1, 9, 4\] with groups 1: expected \[K, 4, Cout\]/);
  });

  it('a pool window larger than the padded input', () => {
    expect(() => engine.maxPool2d(x, { kernel: 7 })).toThrow(/maxPool2d: window \[7, 7\] .* is larger than the padded input \[1, 5, 5, 6\] along the height: 7 > 5 \+ 0 \+ 0/);
    expect(() => engine.avgPool2d(x, { kernel: [2, 4], dilations: [1, 2] })).toThrow(/avgPool2d: window \[2, 4\] \(dilation \[1, 2\]\) is larger than the padded input .* along the width: 7 > 5/);
    expect(() => engine.maxPool2d(x, { kernel: 2, padding: [2, 0, 0, 0] })).toThrow(/pads \[2, 0, 0, 0\] must be smaller than the window/);
  });

  it('malformed attributes', () => {
    expect(() => engine.conv2d(x, engine.tensor([1, 1, 6, 4]), { strides: 0 })).toThrow(/conv2d: strides \[0, 0\] must be 2 integer\(s\) >= 1/);
    expect(() => engine.conv2d(x, engine.tensor([1, 1, 6, 4]), { padding: [1, 2] })).toThrow(/pads \[1, 2\] must be 4 integers >= 0/);
    expect(() => engine.conv2d(x, engine.tensor([1, 1, 6, 4]), { padding: 'full' as never })).toThrow(/padding 'full' is not one of/);
    expect(() => engine.depthToSpace(x, 4)).toThrow(/depthToSpace: channels 6 of \[1, 5, 5, 6\] are not divisible by blockSize\^2 = 4\^2/);
    expect(() => engine.convTranspose2d(x, engine.tensor([6, 3, 3, 2]), { strides: 2, outputPadding: 2 })).toThrow(/output padding \[2, 2\] must be >= 0 and smaller than the stride or the dilation/);
    expect(() => engine.batchNorm(x, { mean: new Float32Array(6), variance: new Float32Array(5) })).toThrow(/batch-norm variance has 5 values, mean has 6/);
  });
});

describe('CNN ops on the CPU backend', async () => {
  const engine = await createEngine({ backend: 'cpu' });
  it('conv1d is conv2d of height 1, and views leave the inputs usable', async () => {
    const x = engine.tensor([1, 4, 1], [1, 2, 3, 4]);
    const w = engine.tensor([2, 1, 1], [1, -1]);
    const y = engine.conv1d(x, w);
    expect(y.shape).toEqual([1, 3, 1]);
    expect([...(await y.data())]).toEqual([-1, -1, -1]);
    expect([...(await x.data())]).toEqual([1, 2, 3, 4]);
  });

  it('global pooling drops the spatial dims unless asked to keep them', () => {
    const x = engine.tensor([2, 3, 3, 5]);
    expect(engine.globalAvgPool2d(x).shape).toEqual([2, 5]);
    expect(engine.globalMaxPool2d(x, { keepDims: true }).shape).toEqual([2, 1, 1, 5]);
  });
});
