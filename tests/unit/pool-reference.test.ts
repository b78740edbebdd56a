// Checks of the pooling CPU reference: PyTorch/ONNX examples with known outputs (ceil mode, the
// count_include_pad divisor), and padding checked against an explicitly padded input.
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { globalPoolReference, pool2dReference, pooledSize, type Pool2dReferenceAttrs } from '../../src/ops/pool2d/reference.ts';
import { expectClose, makeRandom, randomTensor, tensor } from './cnn-reference-helpers.ts';

const ramp = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

function attrs(kind: 'max' | 'avg', kernel: [number, number], more: Partial<Pool2dReferenceAttrs> = {}): Pool2dReferenceAttrs {
  return { kind, kernel, strides: kernel, dilations: [1, 1], pads: [0, 0, 0, 0], ceilMode: false, countIncludePad: false, ...more };
}

/** x with explicit [top, left, bottom, right] borders of `value`. */
function padExplicitly(x: HostTensor, pads: [number, number, number, number], value: number): HostTensor {
  const [N, H, W, C] = x.shape;
  const [t, l, b, r] = pads;
  const PH = H + t + b;
  const PW = W + l + r;
  const data = new Float32Array(N * PH * PW * C).fill(value);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) data[((n * PH + h + t) * PW + w + l) * C + c] = x.data[((n * H + h) * W + w) * C + c];
  return { shape: [N, PH, PW, C], data };
}

describe('pool2dReference: hand-computed cases', () => {
  const x4 = tensor([1, 4, 4, 1], ramp(16, 1));

  it('2x2 stride 2 max and average of a 4x4 ramp', () => {
    expect(pool2dReference(x4, attrs('max', [2, 2])).data).toEqual(Float32Array.from([6, 8, 14, 16]));
    expect(pool2dReference(x4, attrs('avg', [2, 2])).data).toEqual(Float32Array.from([3.5, 5.5, 11.5, 13.5]));
  });

  it('ONNX maxpool_2d_ceil and averagepool_2d_ceil: 3x3 stride 2 on 4x4 gives 2x2 with ceil', () => {
    const more = { strides: [2, 2] as [number, number], ceilMode: true };
    expect(pool2dReference(x4, attrs('max', [3, 3], more))).toEqual(tensor([1, 2, 2, 1], [11, 12, 15, 16]));
    expect(pool2dReference(x4, attrs('avg', [3, 3], more))).toEqual(tensor([1, 2, 2, 1], [6, 7.5, 12, 13.5]));
    expect(pool2dReference(x4, attrs('max', [3, 3], { ...more, ceilMode: false })).shape).toEqual([1, 1, 1, 1]);
  });

  it('ONNX maxpool_2d_dilations: 2x2 window, dilation 2, stride 1', () => {
    expect(pool2dReference(x4, attrs('max', [2, 2], { strides: [1, 1], dilations: [2, 2] })).data).toEqual(Float32Array.from([11, 12, 15, 16]));
  });

  it('average of a constant: count_include_pad counts the padding, otherwise only real elements', () => {
    const ones = tensor([1, 3, 3, 1], new Array<number>(9).fill(1));
    const more = { strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number] };
    expect(pool2dReference(ones, attrs('avg', [3, 3], more)).data).toEqual(new Float32Array(9).fill(1));
    const included = pool2dReference(ones, attrs('avg', [3, 3], { ...more, countIncludePad: true }));
    expectClose(included, tensor([1, 3, 3, 1], [4 / 9, 6 / 9, 4 / 9, 6 / 9, 1, 6 / 9, 4 / 9, 6 / 9, 4 / 9]));
  });

  it('max ignores padding even when every input is negative', () => {
    const negative = tensor([1, 2, 2, 1], [-5, -2, -3, -4]);
    const y = pool2dReference(negative, attrs('max', [2, 2], { strides: [1, 1], pads: [1, 1, 1, 1] }));
    expect(y.data).toEqual(Float32Array.from([-5, -2, -2, -3, -2, -2, -3, -3, -4]));
  });
});

describe('pool2dReference: ceil mode and the divisor, against PyTorch', () => {
  it('output sizes: ceil adds a window; a window starting in the end padding is dropped', () => {
    expect(pooledSize(7, 2, 3, 1, 0, 0, false)).toBe(2);
    expect(pooledSize(7, 2, 3, 1, 0, 0, true)).toBe(3); // AvgPool2d(2, stride=3, ceil_mode=True) on 7x7 -> 3x3
    // MaxPool2d(2, stride=2, padding=1, ceil_mode=True) on 3: ceil((3+2-2)/2)+1 = 3, but the third
    // window would start at row 3, inside the bottom padding, so it is dropped.
    expect(pooledSize(3, 2, 2, 1, 1, 1, true)).toBe(2);
    expect(pooledSize(6, 2, 2, 1, 1, 1, true)).toBe(4);
    expect(pooledSize(9, 7, 3, 1, 3, 3, true)).toBe(4);
    expect(pooledSize(5, 3, 2, 2, 0, 0, true)).toBe(1); // dilated extent 5 fits exactly once
  });

  it('AvgPool2d(2, stride=3, ceil_mode=True) on arange(49) 7x7: the overhang is not in the divisor', () => {
    // Values printed by PyTorch (quoted in apple/coremltools#2844).
    const x = tensor([1, 7, 7, 1], ramp(49));
    const y = pool2dReference(x, attrs('avg', [2, 2], { strides: [3, 3], ceilMode: true, countIncludePad: true }));
    expect(y).toEqual(tensor([1, 3, 3, 1], [4, 7, 9.5, 25, 28, 30.5, 42.5, 45.5, 48]));
  });

  it('AvgPool1d(7, 3, padding 3, ceil_mode, count_include_pad) from onnx/onnx#5276', () => {
    const x = tensor([1, 1, 9, 1], [2.0903, 4.6493, 1.632, -3.2051, 4.6975, 4.7296, 3.3653, -1.5815, -2.3832]);
    const y = pool2dReference(x, attrs('avg', [1, 7], { strides: [1, 3], pads: [0, 3, 0, 3], ceilMode: true, countIncludePad: true }));
    expectClose(y, tensor([1, 1, 4, 1], [0.7381, 2.5656, 0.8032, -0.0999]), 1e-4, 0);
  });

  it('1-D [1..5], kernel 2, stride 2, ceil: the last window averages only the 5', () => {
    const x = tensor([1, 1, 5, 1], [1, 2, 3, 4, 5]);
    for (const countIncludePad of [false, true]) {
      const y = pool2dReference(x, attrs('avg', [1, 2], { ceilMode: true, countIncludePad }));
      expect(y.data).toEqual(Float32Array.from([1.5, 3.5, 5]));
    }
  });
});

describe('pool2dReference: padding equals an explicitly padded input (random data)', () => {
  const cases: Array<Partial<Pool2dReferenceAttrs> & { kernel: [number, number] }> = [
    { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] },
    { kernel: [3, 2], strides: [2, 1], pads: [2, 0, 1, 1], dilations: [1, 2] },
    { kernel: [2, 3], strides: [2, 3], pads: [0, 2, 1, 0], dilations: [2, 1] },
  ];
  cases.forEach((c, seed) => {
    const x = randomTensor(makeRandom(200 + seed), [2, 6, 7, 3]);
    const pads = c.pads ?? [0, 0, 0, 0];
    const noPads = { ...c, pads: [0, 0, 0, 0] as [number, number, number, number] };
    it(`max with pads [${pads.join(', ')}] == max of a -inf-padded input (seed ${200 + seed})`, () => {
      expectClose(pool2dReference(x, attrs('max', c.kernel, c)), pool2dReference(padExplicitly(x, pads, -Infinity), attrs('max', c.kernel, noPads)));
    });
    it(`avg counting pads == avg of a zero-padded input (seed ${200 + seed})`, () => {
      const y = pool2dReference(x, attrs('avg', c.kernel, { ...c, countIncludePad: true }));
      expectClose(y, pool2dReference(padExplicitly(x, pads, 0), attrs('avg', c.kernel, noPads)));
    });
    it(`avg without pads in the count == windowed sum / count of real elements (seed ${200 + seed})`, () => {
      const ones = { shape: x.shape, data: new Float32Array(x.data.length).fill(1) };
      const sums = pool2dReference(padExplicitly(x, pads, 0), attrs('avg', c.kernel, noPads));
      const counts = pool2dReference(padExplicitly(ones, pads, 0), attrs('avg', c.kernel, noPads));
      const y = pool2dReference(x, attrs('avg', c.kernel, { ...c, countIncludePad: false }));
      expectClose(y, { shape: sums.shape, data: sums.data.map((s, i) => s / counts.data[i]) });
    });
  });
});

describe('globalPoolReference', () => {
  it('equals a pool whose window is the whole image (seed 300)', () => {
    const x = randomTensor(makeRandom(300), [2, 3, 5, 4]);
    for (const kind of ['max', 'avg'] as const) {
      const y = globalPoolReference(x, kind);
      expect(y.shape).toEqual([2, 1, 1, 4]);
      expectClose(y, pool2dReference(x, attrs(kind, [3, 5])));
    }
  });
  it('hand case', () => {
    const x = tensor([1, 2, 2, 2], [1, -1, 2, -2, 3, -3, 6, -6]);
    expect(globalPoolReference(x, 'max').data).toEqual(Float32Array.from([6, -1]));
    expect(globalPoolReference(x, 'avg').data).toEqual(Float32Array.from([3, -3]));
  });
});

describe('pool2dReference: errors', () => {
  const x = randomTensor(makeRandom(400), [1, 3, 3, 2]);
  it('rejects a window larger than the padded input', () => {
    expect(() => pool2dReference(x, attrs('max', [4, 2]))).toThrow(/output size 0x1 <= 0.*x \[1, 3, 3, 2\]/);
  });
  it('rejects zero strides, negative pads and a wrong rank', () => {
    expect(() => pool2dReference(x, attrs('avg', [2, 2], { strides: [0, 1] }))).toThrow(/strides \[0, 1\]/);
    expect(() => pool2dReference(x, attrs('avg', [2, 2], { pads: [0, -1, 0, 0] }))).toThrow(/pads/);
    expect(() => globalPoolReference(tensor([3, 2], [1, 2, 3, 4, 5, 6]), 'avg')).toThrow(/rank 4/);
  });
});
