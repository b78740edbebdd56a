// The super-resolution demo's image functions (demos/superres/images.ts): bicubic upscaling
// against wgnn's ONNX Resize reference (cubic, a = -0.5, half_pixel: Keys' bicubic as TF's
// tf.image.resize does it), the area downscale, PSNR and the YCbCr round trip.
import { describe, expect, it } from 'vitest';
import { resizeReference } from '../../src/ops/resize/reference.ts';
import { areaDownscale, bicubicUpscale, greyImage, keysCubic, psnr, rgbaToYCbCr, toRgba } from '../../demos/superres/images.ts';
import { generateTexture } from '../../demos/superres/textures.ts';
import { Random } from '../harness/random.ts';

describe('superres images', () => {
  it("bicubic 3x equals ONNX Resize cubic (a = -0.5, half_pixel, edges replicated), clamped to [0, 1]", () => {
    const rng = new Random(41);
    for (const [w, h] of [[7, 5], [1, 4], [16, 16]]) {
      const low = greyImage(w, h, rng.floats(w * h, 0, 1));
      const ref = resizeReference({ shape: [1, h, w, 1], data: low.data }, { mode: 'cubic', sizes: [1, 3 * h, 3 * w, 1], cubicCoeffA: -0.5, coordinateMode: 'half_pixel' });
      const up = bicubicUpscale(low, 3);
      expect([up.width, up.height]).toEqual([3 * w, 3 * h]);
      const worst = Math.max(...Array.from(up.data, (v, i) => Math.abs(v - Math.min(1, Math.max(0, ref.data[i])))));
      expect(worst, `${w}x${h}`).toBeLessThan(1e-5);
    }
  });

  it("Keys' kernel interpolates (1 at 0, 0 at the other integers) and its taps sum to 1", () => {
    expect([keysCubic(0), keysCubic(1), keysCubic(2), keysCubic(-1)]).toEqual([1, 0, 0, 0]);
    for (const t of [0.1, 0.5, 0.77]) expect(keysCubic(t + 1) + keysCubic(t) + keysCubic(1 - t) + keysCubic(2 - t)).toBeCloseTo(1, 12);
  });

  it('area downscale averages blocks; a constant picture comes back exactly and scores the 99 dB cap', () => {
    const high = greyImage(6, 3, Float32Array.from({ length: 18 }, (_, i) => i));
    expect([...areaDownscale(high, 3).data]).toEqual([7, 10]);
    const flat = greyImage(12, 12, new Float32Array(144).fill(0.4));
    expect(psnr(bicubicUpscale(areaDownscale(flat)), flat)).toBe(99);
  });

  it('PSNR: 20 dB for an error of 0.1 everywhere, with the border left out', () => {
    const truth = generateTexture('checkers', 3, 30);
    const off = greyImage(30, 30, truth.data.map((v, i) => v + (i % 30 === 0 ? 0.9 : 0.1)));
    expect(psnr(off, truth)).toBeCloseTo(20, 4);
  });

  it('YCbCr round trip keeps the colours to a byte', () => {
    const rgba = Uint8ClampedArray.from({ length: 4 * 50 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    const { y, cb, cr } = rgbaToYCbCr(rgba, 10, 5);
    const back = toRgba(y, { cb, cr });
    expect(Math.max(...Array.from(back, (v, i) => Math.abs(v - rgba[i])))).toBeLessThanOrEqual(1);
  });
});
