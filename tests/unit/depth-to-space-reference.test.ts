// Checks of the DepthToSpace CPU reference: a hand case where DCR and CRD differ, and the ONNX
// definition (reshape + transpose on NCHW, written here literally) on random data.
import { describe, expect, it } from 'vitest';
import { depthToSpaceReference, type DepthToSpaceMode } from '../../src/ops/depth-to-space/reference.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { makeRandom, nchwToNhwc, nhwcToNchw, randomTensor, tensor, transpose } from './cnn-reference-helpers.ts';

/** The ONNX operator doc's numpy definition, on NCHW. */
function onnxDepthToSpaceNchw(x: HostTensor, bs: number, mode: DepthToSpaceMode): HostTensor {
  const [b, c, h, w] = x.shape;
  const tmp =
    mode === 'DCR'
      ? transpose({ shape: [b, bs, bs, c / (bs * bs), h, w], data: x.data }, [0, 3, 4, 1, 5, 2])
      : transpose({ shape: [b, c / (bs * bs), bs, bs, h, w], data: x.data }, [0, 1, 4, 2, 5, 3]);
  return { shape: [b, c / (bs * bs), h * bs, w * bs], data: tmp.data };
}

describe('depthToSpaceReference', () => {
  it('DCR and CRD on one pixel of 8 channels, block 2', () => {
    const x = tensor([1, 1, 1, 8], [0, 1, 2, 3, 4, 5, 6, 7]);
    // DCR: pixel (by, bx) takes channels (by*2 + bx)*2 + c, which in NHWC is the identity order.
    expect(depthToSpaceReference(x, 2, 'DCR')).toEqual(tensor([1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]));
    // CRD: pixel (by, bx) takes channels c*4 + by*2 + bx.
    expect(depthToSpaceReference(x, 2, 'CRD')).toEqual(tensor([1, 2, 2, 2], [0, 4, 1, 5, 2, 6, 3, 7]));
  });

  const cases: Array<{ shape: [number, number, number, number]; bs: number }> = [
    { shape: [2, 2, 3, 8], bs: 2 },
    { shape: [1, 3, 2, 18], bs: 3 },
    { shape: [1, 1, 1, 4], bs: 1 },
  ];
  for (const mode of ['DCR', 'CRD'] as const) {
    cases.forEach(({ shape, bs }, i) => {
      it(`${mode} equals the ONNX reshape/transpose definition: x [${shape.join(', ')}], block ${bs} (seed ${500 + i})`, () => {
        const x = randomTensor(makeRandom(500 + i), shape);
        const expected = nchwToNhwc(onnxDepthToSpaceNchw(nhwcToNchw(x), bs, mode));
        expect(depthToSpaceReference(x, bs, mode)).toEqual(expected);
      });
    });
  }

  it('rejects channels that are not a multiple of blockSize^2, and a zero block', () => {
    const x = randomTensor(makeRandom(510), [1, 2, 2, 6]);
    expect(() => depthToSpaceReference(x, 2, 'DCR')).toThrow(/x \[1, 2, 2, 6\] must be a multiple of blockSize\^2 = 4/);
    expect(() => depthToSpaceReference(x, 0, 'CRD')).toThrow(/blockSize/);
  });
});
