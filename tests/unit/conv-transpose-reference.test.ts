// Checks of the conv-transpose CPU reference. The strongest one is the adjoint identity
// <conv(x), y> == <x, convT(y)>, which ties the scatter formulation to the independent conv reference.
import { describe, expect, it } from 'vitest';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { conv2dReference } from '../../src/ops/conv2d/reference.ts';
import { convTranspose2dReference, type ConvTranspose2dReferenceAttrs } from '../../src/ops/conv-transpose2d/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { dot, expectClose, makeRandom, randomTensor, tensor, transpose } from './cnn-reference-helpers.ts';

const plain: ConvTranspose2dReferenceAttrs = { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], outputPadding: [0, 0], groups: 1 };

describe('convTranspose2dReference: hand-computed cases', () => {
  it('matches the ONNX ConvTranspose doc example (3x3 ramp, 3x3 ones, 2 output channels)', () => {
    const x = tensor([1, 3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const w = tensor([1, 3, 3, 2], new Array<number>(18).fill(1));
    const plane = [0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8];
    expect(convTranspose2dReference(x, w, plain)).toEqual(tensor([1, 5, 5, 2], plane.flatMap((v) => [v, v])));
  });

  it('stride 2 spreads the taps; pads crop; outputPadding appends bias-only columns', () => {
    const x = tensor([1, 1, 2, 1], [1, 2]);
    const w = tensor([1, 1, 3, 1], [1, 10, 100]);
    const strided = { ...plain, strides: [1, 2] as [number, number] };
    expect(convTranspose2dReference(x, w, strided)).toEqual(tensor([1, 1, 5, 1], [1, 10, 102, 20, 200]));
    expect(convTranspose2dReference(x, w, { ...strided, pads: [0, 1, 0, 1] })).toEqual(tensor([1, 1, 3, 1], [10, 102, 20]));
    const bias = tensor([1], [0.5]);
    expect(convTranspose2dReference(x, w, { ...strided, outputPadding: [0, 1], bias })).toEqual(
      tensor([1, 1, 6, 1], [1.5, 10.5, 102.5, 20.5, 200.5, 0.5]),
    );
    const dilated = { ...plain, dilations: [1, 2] as [number, number] };
    expect(convTranspose2dReference(x, w, dilated)).toEqual(tensor([1, 1, 6, 1], [1, 2, 10, 20, 100, 200]));
  });
});

interface AdjointCase {
  x: [number, number, number, number];
  kernel: [number, number];
  cout: number;
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number];
  groups: number;
}

const adjointCases: AdjointCase[] = [
  { x: [1, 5, 5, 1], kernel: [3, 3], cout: 1, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 },
  { x: [2, 7, 6, 3], kernel: [3, 2], cout: 4, strides: [2, 1], dilations: [1, 1], pads: [1, 0, 1, 1], groups: 1 },
  { x: [1, 8, 9, 2], kernel: [3, 3], cout: 5, strides: [2, 3], dilations: [2, 1], pads: [2, 1, 0, 2], groups: 1 },
  { x: [2, 6, 7, 4], kernel: [2, 3], cout: 6, strides: [3, 2], dilations: [1, 2], pads: [0, 2, 1, 0], groups: 2 },
  { x: [1, 5, 6, 3], kernel: [3, 3], cout: 6, strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 3 },
];

describe('convTranspose2dReference is the adjoint of conv2dReference', () => {
  adjointCases.forEach((c, seed) => {
    it(`<conv(x), y> == <x, convT(y)>: x [${c.x.join(', ')}], k [${c.kernel.join(', ')}], s [${c.strides.join(', ')}], d [${c.dilations.join(', ')}], groups ${c.groups} (seed ${seed})`, () => {
      const random = makeRandom(100 + seed);
      const [, H, W, Cin] = c.x;
      const [KH, KW] = c.kernel;
      const x = randomTensor(random, c.x);
      const wConv = randomTensor(random, [KH, KW, Cin / c.groups, c.cout]);
      const convOut = conv2dReference(x, wConv, { strides: c.strides, dilations: c.dilations, pads: c.pads, groups: c.groups });
      const y = randomTensor(random, convOut.shape);
      // The same kernel read as a transposed-conv weight: [KH, KW, Cin_g, Cout] -> [Cout, KH, KW, Cin_g].
      const wT = transpose(wConv, [3, 0, 1, 2]);
      // outputPadding recovers the rows and columns the conv's floor division dropped.
      const outputPadding: [number, number] = [
        (H + c.pads[0] + c.pads[2] - c.dilations[0] * (KH - 1) - 1) % c.strides[0],
        (W + c.pads[1] + c.pads[3] - c.dilations[1] * (KW - 1) - 1) % c.strides[1],
      ];
      const back = convTranspose2dReference(y, wT, { strides: c.strides, dilations: c.dilations, pads: c.pads, outputPadding, groups: c.groups });
      expect(back.shape).toEqual(c.x);
      const lhs = dot(convOut.data, y.data);
      const rhs = dot(x.data, back.data);
      // Both sides are sums of float32-rounded values; scale the tolerance by the magnitudes involved.
      const scale = dot(convOut.data.map(Math.abs), y.data.map(Math.abs)) + dot(x.data.map(Math.abs), back.data.map(Math.abs));
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-6 * scale);
      expect(Math.abs(lhs)).toBeGreaterThan(0);
    });
  });
});

describe('convTranspose2dReference: groups and epilogue', () => {
  it('a grouped transposed conv is the concatenation of per-group ones (seed 20)', () => {
    const random = makeRandom(20);
    const x = randomTensor(random, [1, 3, 4, 4]);
    const w = randomTensor(random, [4, 2, 3, 3]); // groups 2: Cin_g = 2, Cout_g = 3
    const attrs = { ...plain, strides: [2, 2] as [number, number], pads: [1, 0, 0, 1] as [number, number, number, number] };
    const grouped = convTranspose2dReference(x, w, { ...attrs, groups: 2 });
    const parts = [0, 1].map((g) => {
      const xg = { shape: [1, 3, 4, 2], data: x.data.filter((_, i) => Math.floor((i % 4) / 2) === g) };
      const wg = { shape: [2, 2, 3, 3], data: w.data.slice(g * 36, (g + 1) * 36) };
      return convTranspose2dReference(xg, wg, attrs);
    });
    const pixels = grouped.data.length / 6;
    const expected = new Float32Array(grouped.data.length);
    for (let p = 0; p < pixels; p++) for (let g = 0; g < 2; g++) for (let c = 0; c < 3; c++) expected[p * 6 + g * 3 + c] = parts[g].data[p * 3 + c];
    expectClose(grouped, { shape: grouped.shape, data: expected });
  });

  it('applies bias then the activation (seed 21)', () => {
    const random = makeRandom(21);
    const x = randomTensor(random, [2, 3, 3, 2]);
    const w = randomTensor(random, [2, 2, 2, 3]);
    const bias = randomTensor(random, [3]);
    const raw = convTranspose2dReference(x, w, plain);
    const fused = convTranspose2dReference(x, w, { ...plain, bias, activation: resolveActivation('test', 'relu') });
    expectClose(fused, { shape: raw.shape, data: raw.data.map((v, i) => Math.max(0, v + bias.data[i % 3])) });
  });
});

describe('convTranspose2dReference: errors name the shapes', () => {
  const x: HostTensor = randomTensor(makeRandom(30), [1, 3, 3, 4]);
  it('rejects a weight whose first axis is not Cin', () => {
    expect(() => convTranspose2dReference(x, randomTensor(makeRandom(31), [3, 2, 2, 1]), plain)).toThrow(/w \[3, 2, 2, 1\] must be \[Cin=4/);
  });
  it('rejects Cin not divisible by groups', () => {
    expect(() => convTranspose2dReference(x, randomTensor(makeRandom(32), [4, 2, 2, 1]), { ...plain, groups: 3 })).toThrow(/groups=3 must divide Cin=4/);
  });
  it('rejects a bias of the wrong length and pads that crop everything', () => {
    const w = randomTensor(makeRandom(33), [4, 2, 2, 1]);
    expect(() => convTranspose2dReference(x, w, { ...plain, groups: 2, bias: tensor([1], [0]) })).toThrow(/bias \[1\] must be \[Cout=2\]/);
    expect(() => convTranspose2dReference(x, w, { ...plain, pads: [2, 0, 2, 0] })).toThrow(/output size 0x4 <= 0/);
  });
});
