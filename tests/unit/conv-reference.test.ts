// Checks of the conv2d CPU reference: hand-computed cases, and invariants that relate one
// configuration to another (dilation to a zero-stuffed kernel, groups to separate convs).
import { describe, expect, it } from 'vitest';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { applyActivation } from '../../src/ops/activation/reference.ts';
import { conv2dReference, type Conv2dReferenceAttrs } from '../../src/ops/conv2d/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { expectClose, makeRandom, randomTensor, tensor } from './cnn-reference-helpers.ts';

const plain: Conv2dReferenceAttrs = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 };

/** Channels [from, from+count) of an NHWC tensor or the last axis of a weight. */
function sliceLastAxis(t: HostTensor, from: number, count: number): HostTensor {
  const C = t.shape[t.shape.length - 1];
  const rows = t.data.length / C;
  const data = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) for (let c = 0; c < count; c++) data[r * count + c] = t.data[r * C + from + c];
  return { shape: [...t.shape.slice(0, -1), count], data };
}

function concatLastAxis(parts: HostTensor[]): HostTensor {
  const C = parts.reduce((s, p) => s + p.shape[p.shape.length - 1], 0);
  const rows = parts[0].data.length / parts[0].shape[parts[0].shape.length - 1];
  const data = new Float32Array(rows * C);
  let offset = 0;
  for (const p of parts) {
    const Cp = p.shape[p.shape.length - 1];
    for (let r = 0; r < rows; r++) for (let c = 0; c < Cp; c++) data[r * C + offset + c] = p.data[r * Cp + c];
    offset += Cp;
  }
  return { shape: [...parts[0].shape.slice(0, -1), C], data };
}

describe('conv2dReference: hand-computed cases', () => {
  it('1x1 conv is a matmul over channels, with bias and relu', () => {
    const x = tensor([1, 2, 1, 3], [1, 2, 3, -1, 0, 2]);
    const w = tensor([1, 1, 3, 2], [1, -1, 2, 0.5, 0, 3]); // w[ci][co]
    expect(conv2dReference(x, w, plain).data).toEqual(Float32Array.from([5, 9, -1, 7]));
    const bias = tensor([2], [0.5, -1]);
    expect(conv2dReference(x, w, { ...plain, bias }).data).toEqual(Float32Array.from([5.5, 8, -0.5, 6]));
    const relu = resolveActivation('test', 'relu');
    expect(conv2dReference(x, w, { ...plain, bias, activation: relu }).data).toEqual(Float32Array.from([5.5, 8, 0, 6]));
  });

  it('2x2 kernel on a 3x3 image: valid, padded top-left, and strided with padding', () => {
    const x = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const w = tensor([2, 2, 1, 1], [1, 0, 0, -1]); // y = x[i, j] - x[i+1, j+1]
    expect(conv2dReference(x, w, plain)).toEqual(tensor([1, 2, 2, 1], [-4, -4, -4, -4]));
    const padded = conv2dReference(x, w, { ...plain, pads: [1, 1, 0, 0] });
    expect(padded).toEqual(tensor([1, 3, 3, 1], [-1, -2, -3, -4, -4, -4, -7, -4, -4]));
    const strided = conv2dReference(x, w, { ...plain, strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(strided).toEqual(tensor([1, 2, 2, 1], [-1, -3, -7, -4]));
  });

  it('matches the ONNX Conv doc examples (7x5 ramp, 3x3 ones, stride 2)', () => {
    const x = tensor([1, 7, 5, 1], Array.from({ length: 35 }, (_, i) => i));
    const w = tensor([3, 3, 1, 1], new Array<number>(9).fill(1));
    const symmetric = conv2dReference(x, w, { ...plain, strides: [2, 2], pads: [1, 1, 1, 1] });
    expect(symmetric).toEqual(tensor([1, 4, 3, 1], [12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124]));
    const asymmetric = conv2dReference(x, w, { ...plain, strides: [2, 2], pads: [1, 0, 1, 0] });
    expect(asymmetric).toEqual(tensor([1, 4, 2, 1], [21, 33, 99, 117, 189, 207, 171, 183]));
  });

  it('output size follows floor((H + pads - dh*(KH-1) - 1) / sh) + 1', () => {
    const x = randomTensor(makeRandom(1), [1, 7, 6, 1]);
    const w = randomTensor(makeRandom(2), [3, 2, 1, 1]);
    const y = conv2dReference(x, w, { strides: [2, 3], dilations: [2, 3], pads: [1, 2, 0, 1], groups: 1 });
    // OH = floor((7 + 1 + 0 - 4 - 1) / 2) + 1 = 2; OW = floor((6 + 2 + 1 - 3 - 1) / 3) + 1 = 2
    expect(y.shape).toEqual([1, 2, 2, 1]);
  });
});

describe('conv2dReference: invariants on random data', () => {
  it('a delta kernel shifts the image, per channel (seed 3)', () => {
    const x = randomTensor(makeRandom(3), [2, 4, 5, 2]);
    const w = tensor([3, 3, 2, 2], new Array<number>(36).fill(0));
    for (let c = 0; c < 2; c++) w.data[((0 * 3 + 2) * 2 + c) * 2 + c] = 1; // tap (kh=0, kw=2), identity over channels
    const y = conv2dReference(x, w, { ...plain, pads: [1, 1, 1, 1] });
    expect(y.shape).toEqual([2, 4, 5, 2]);
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 4; h++)
        for (let ww = 0; ww < 5; ww++)
          for (let c = 0; c < 2; c++) {
            const sh = h - 1;
            const sw = ww + 1;
            const inside = sh >= 0 && sh < 4 && sw < 5;
            const expected = inside ? x.data[((n * 4 + sh) * 5 + sw) * 2 + c] : 0;
            expect(y.data[((n * 4 + h) * 5 + ww) * 2 + c]).toBe(expected);
          }
  });

  it('dilation equals a zero-stuffed kernel without dilation (seed 4)', () => {
    const random = makeRandom(4);
    const x = randomTensor(random, [1, 9, 8, 3]);
    const w = randomTensor(random, [2, 3, 3, 2]);
    const [dh, dw] = [3, 2];
    const KH = dh * (2 - 1) + 1;
    const KW = dw * (3 - 1) + 1;
    const stuffed = tensor([KH, KW, 3, 2], new Array<number>(KH * KW * 6).fill(0));
    for (let kh = 0; kh < 2; kh++)
      for (let kw = 0; kw < 3; kw++)
        for (let i = 0; i < 6; i++) stuffed.data[((kh * dh) * KW + kw * dw) * 6 + i] = w.data[(kh * 3 + kw) * 6 + i];
    const attrs = { strides: [2, 1] as [number, number], pads: [1, 0, 2, 1] as [number, number, number, number], groups: 1 };
    const dilated = conv2dReference(x, w, { ...attrs, dilations: [dh, dw] });
    expectClose(dilated, conv2dReference(x, stuffed, { ...attrs, dilations: [1, 1] }));
  });

  it('a grouped conv is the concatenation of per-group convs (seed 5)', () => {
    const random = makeRandom(5);
    const x = randomTensor(random, [2, 5, 4, 4]);
    const w = randomTensor(random, [3, 2, 2, 6]); // groups = 2: Cin_g = 2, Cout_g = 3
    const bias = randomTensor(random, [6]);
    const attrs = { strides: [1, 2] as [number, number], dilations: [1, 1] as [number, number], pads: [1, 1, 1, 0] as [number, number, number, number] };
    const grouped = conv2dReference(x, w, { ...attrs, groups: 2, bias });
    const perGroup = [0, 1].map((g) =>
      conv2dReference(sliceLastAxis(x, g * 2, 2), sliceLastAxis(w, g * 3, 3), { ...attrs, groups: 1, bias: sliceLastAxis(bias, g * 3, 3) }),
    );
    expectClose(grouped, concatLastAxis(perGroup));
  });

  it('depthwise with multiplier 2: output channel c*2+m convolves input channel c alone (seed 6)', () => {
    const random = makeRandom(6);
    const x = randomTensor(random, [1, 6, 5, 3]);
    const w = randomTensor(random, [3, 3, 1, 6]);
    const attrs = { strides: [2, 2] as [number, number], dilations: [1, 2] as [number, number], pads: [1, 2, 1, 2] as [number, number, number, number] };
    const depthwise = conv2dReference(x, w, { ...attrs, groups: 3 });
    const perChannel = [0, 1, 2].flatMap((c) => [0, 1].map((m) => conv2dReference(sliceLastAxis(x, c, 1), sliceLastAxis(w, c * 2 + m, 1), { ...attrs, groups: 1 })));
    expectClose(depthwise, concatLastAxis(perChannel));
  });

  it('each image of a batch is convolved independently (seed 7)', () => {
    const random = makeRandom(7);
    const x = randomTensor(random, [3, 4, 4, 2]);
    const w = randomTensor(random, [3, 3, 2, 5]);
    const attrs = { ...plain, pads: [1, 1, 1, 1] as [number, number, number, number] };
    const batched = conv2dReference(x, w, attrs);
    const imageSize = 4 * 4 * 2;
    for (let n = 0; n < 3; n++) {
      const image = { shape: [1, 4, 4, 2], data: x.data.slice(n * imageSize, (n + 1) * imageSize) };
      const single = conv2dReference(image, w, attrs);
      expect(batched.data.slice(n * single.data.length, (n + 1) * single.data.length)).toEqual(single.data);
    }
  });

  it('the fused epilogue equals bias then activation applied afterwards (seed 8)', () => {
    const random = makeRandom(8);
    const x = randomTensor(random, [1, 5, 5, 3]);
    const w = randomTensor(random, [3, 3, 3, 4]);
    const bias = randomTensor(random, [4]);
    const raw = conv2dReference(x, w, plain);
    for (const activation of [undefined, resolveActivation('test', 'relu'), resolveActivation('test', { kind: 'leakyRelu', alpha: 0.1 })]) {
      const fused = conv2dReference(x, w, { ...plain, bias, activation });
      const expected = Float32Array.from(raw.data, (v, i) => {
        const withBias = v + bias.data[i % 4];
        return activation ? applyActivation(withBias, activation) : withBias;
      });
      expectClose(fused, { shape: raw.shape, data: expected });
    }
  });
});

describe('conv2dReference: errors name the shapes', () => {
  const x = randomTensor(makeRandom(9), [1, 4, 4, 6]);
  it('rejects Cin not divisible by groups', () => {
    expect(() => conv2dReference(x, randomTensor(makeRandom(10), [1, 1, 1, 4]), { ...plain, groups: 4 })).toThrow(/groups=4 must divide Cin=6/);
  });
  it('rejects Cout not divisible by groups', () => {
    expect(() => conv2dReference(x, randomTensor(makeRandom(11), [1, 1, 2, 4]), { ...plain, groups: 3 })).toThrow(/Cout=4/);
  });
  it('rejects a weight whose input channels do not match', () => {
    expect(() => conv2dReference(x, randomTensor(makeRandom(12), [3, 3, 5, 2]), plain)).toThrow(/w \[3, 3, 5, 2\] must be \[KH, KW, Cin\/groups=6, Cout\]/);
  });
  it('rejects an output size <= 0', () => {
    expect(() => conv2dReference(x, randomTensor(makeRandom(13), [3, 3, 6, 1]), { ...plain, dilations: [2, 1] })).toThrow(/output size 0x2 <= 0/);
  });
  it('rejects a bias of the wrong length, bad strides and a wrong rank', () => {
    const w = randomTensor(makeRandom(14), [1, 1, 6, 2]);
    expect(() => conv2dReference(x, w, { ...plain, bias: tensor([3], [1, 2, 3]) })).toThrow(/bias \[3\] must be \[Cout=2\]/);
    expect(() => conv2dReference(x, w, { ...plain, strides: [0, 1] })).toThrow(/strides/);
    expect(() => conv2dReference(tensor([4, 6], new Array<number>(24).fill(1)), w, plain)).toThrow(/x \[4, 6\] must have rank 4/);
  });
});
