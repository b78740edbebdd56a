// Checks of the resize CPU reference: the ONNX operator doc's examples (values worked by hand
// here from the coordinate formulas), one hand case per coordinate transform and nearest mode,
// Keys' cubic weights worked out by hand, properties from the definition (linear interpolation
// reproduces affine functions; an identity resize changes nothing) and the argument checks.
import { describe, expect, it } from 'vitest';
import { checkResize, type ResizeAttrs } from '../../src/ops/resize/coords.ts';
import { resizeOp } from '../../src/ops/resize/op.ts';
import { resizeReference } from '../../src/ops/resize/reference.ts';
import { MAX_TABLE_ENTRIES, resizeTable } from '../../src/ops/resize/table.ts';
import { Random } from '../harness/random.ts';

const iota = (n: number) => Float32Array.from({ length: n }, (_, i) => i + 1);
const run = (shape: number[], data: ArrayLike<number>, attrs: ResizeAttrs) => resizeReference({ shape, data: Float32Array.from(data) }, attrs);
/** Rounded to 5 decimals, so hand-worked thirds compare. */
const values = (t: { data: Float32Array }) => Array.from(t.data, (v) => Math.round(v * 1e5) / 1e5);

describe('resize reference: nearest', () => {
  it('ONNX upsample_scales_nearest: half_pixel, round_prefer_floor, scales 2 x 3', () => {
    // rows: (y + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1; cols: (x + 0.5) / 3 - 0.5 -> 0, 0, 0, 1, 1, 1
    const y = run([1, 1, 2, 2], [1, 2, 3, 4], { mode: 'nearest', sizes: [1, 1, 4, 6], scales: [1, 1, 2, 3] });
    expect(y.shape).toEqual([1, 1, 4, 6]);
    expect(values(y)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]);
  });

  it('ONNX downsample_scales_nearest and downsample_sizes_nearest (a tie at 1.5 rounds down)', () => {
    // scale 0.6: cols (x + 0.5) / 0.6 - 0.5 = 0.33, 2 -> 0, 2
    expect(values(run([1, 1, 2, 4], iota(8), { mode: 'nearest', sizes: [1, 1, 1, 2], scales: [1, 1, 0.6, 0.6] }))).toEqual([1, 3]);
    // sizes 1 x 3: row 0.5 -> 0 (tie), cols (x + 0.5) / 0.75 - 0.5 = 0.17, 1.5, 2.83 -> 0, 1, 3
    expect(values(run([1, 1, 2, 4], iota(8), { mode: 'nearest', sizes: [1, 1, 1, 3] }))).toEqual([1, 2, 4]);
  });

  // 4 -> 8 on one axis; the ONNX doc's first rows of the three sizes_nearest cases.
  const row = (attrs: Omit<ResizeAttrs, 'mode' | 'sizes'>) => values(run([4], [1, 2, 3, 4], { mode: 'nearest', sizes: [8], ...attrs }));
  it('ceil with half_pixel: x / 2 - 0.25 -> 0, 1, 1, 2, 2, 3, 3, 4 (clamped to 3)', () => {
    expect(row({ coordinateMode: 'half_pixel', nearestMode: 'ceil' })).toEqual([1, 2, 2, 3, 3, 4, 4, 4]);
  });
  it('floor with align_corners: x * 3 / 7 -> 0, 0, 0, 1, 1, 2, 2, 3', () => {
    expect(row({ coordinateMode: 'align_corners', nearestMode: 'floor' })).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
  });
  it('round_prefer_ceil with asymmetric: x / 2, ties up', () => {
    expect(row({ coordinateMode: 'asymmetric', nearestMode: 'round_prefer_ceil' })).toEqual([1, 2, 2, 3, 3, 4, 4, 4]);
  });
  it('round_prefer_floor with asymmetric: x / 2, ties down', () => {
    expect(row({ coordinateMode: 'asymmetric' })).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('ONNX downsample_sizes_nearest_tf_half_pixel_for_nn: 4x4 -> 3x2', () => {
    // rows (y + 0.5) / 0.75 = 0.67, 2, 3.33 -> 1, 2, 3; cols (x + 0.5) / 0.5 = 1, 3
    expect(values(run([1, 1, 4, 4], iota(16), { mode: 'nearest', sizes: [1, 1, 3, 2], coordinateMode: 'tf_half_pixel_for_nn' }))).toEqual([6, 8, 10, 12, 14, 16]);
  });

  it('pytorch_half_pixel: a length-1 output samples 0; 3 -> 2 samples 0.25, 1.75', () => {
    expect(values(run([3], [7, 8, 9], { mode: 'nearest', sizes: [1], coordinateMode: 'pytorch_half_pixel' }))).toEqual([7]);
    expect(values(run([3], [7, 8, 9], { mode: 'nearest', sizes: [2], coordinateMode: 'pytorch_half_pixel' }))).toEqual([7, 9]);
  });

  it('tf_crop_and_resize: roi 0.2..1.2 of 5 samples 0.8, 2.8, 4.8 (outside: extrapolation_value)', () => {
    const attrs: ResizeAttrs = { mode: 'nearest', sizes: [3], coordinateMode: 'tf_crop_and_resize', roi: [0.2, 1.2], extrapolationValue: -1 };
    expect(values(run([5], [10, 20, 30, 40, 50], attrs))).toEqual([20, 40, -1]);
  });

  it("'simple' (Resize-10, Upsample): floor when upsampling, ceil when downsampling", () => {
    const simple = { coordinateMode: 'asymmetric', nearestMode: 'simple' } as const;
    expect(values(run([2], [1, 2], { mode: 'nearest', sizes: [6], scales: [3], ...simple }))).toEqual([1, 1, 1, 2, 2, 2]);
    // x / 0.6 = 0, 1.67, 3.33 -> ceil 0, 2, 4
    expect(values(run([5], iota(5), { mode: 'nearest', sizes: [3], scales: [0.6], ...simple }))).toEqual([1, 3, 5]);
  });
});

describe('resize reference: linear', () => {
  it('ONNX upsample_scales_linear (half_pixel) and upsample_scales_linear_align_corners', () => {
    const x = [1, 2, 3, 4];
    expect(values(run([1, 1, 2, 2], x, { mode: 'linear', sizes: [1, 1, 4, 4], scales: [1, 1, 2, 2] }))).toEqual(
      [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
    const third = (v: number) => Math.round(v * 1e5) / 1e5;
    expect(values(run([1, 1, 2, 2], x, { mode: 'linear', sizes: [1, 1, 4, 4], scales: [1, 1, 2, 2], coordinateMode: 'align_corners' }))).toEqual(
      [1, 4 / 3, 5 / 3, 2, 5 / 3, 2, 7 / 3, 8 / 3, 7 / 3, 8 / 3, 3, 10 / 3, 3, 10 / 3, 11 / 3, 4].map(third));
  });

  it('asymmetric (Resize-10, Upsample linear): x / 2, the last column clamps', () => {
    expect(values(run([2, 2], [1, 2, 3, 4], { mode: 'linear', sizes: [4, 4], scales: [2, 2], coordinateMode: 'asymmetric' }))).toEqual(
      [1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4]);
  });

  it('ONNX downsample_scales_linear: (1.17, 3.0) and (0.33, 1.17, ...) -> 2.6667, 4.3333', () => {
    expect(values(run([1, 1, 2, 4], iota(8), { mode: 'linear', sizes: [1, 1, 1, 2], scales: [1, 1, 0.6, 0.6] }))).toEqual([2.66667, 4.33333]);
  });

  it('ONNX downsample_scales_linear_align_corners: the resized length is 0.6 * 4 = 2.4, so x = 1 samples 3 / 1.4', () => {
    expect(values(run([1, 1, 2, 4], iota(8), { mode: 'linear', sizes: [1, 1, 1, 2], scales: [1, 1, 0.6, 0.6], coordinateMode: 'align_corners' }))).toEqual([1, 3.14286]);
  });

  it('ONNX downsample_sizes_linear_pytorch_half_pixel: 4x4 -> 3x1 (the single column samples 0)', () => {
    // rows (y + 0.5) * 4 / 3 - 0.5 = 0.17, 1.5, 2.83
    expect(values(run([1, 1, 4, 4], iota(16), { mode: 'linear', sizes: [1, 1, 3, 1], coordinateMode: 'pytorch_half_pixel' }))).toEqual([1.66667, 7, 12.33333]);
  });

  it('ONNX tf_crop_and_resize: roi rows 0.4..1.2, cols 0.6..1.7 of 4x4, extrapolation 10', () => {
    // rows 1.2, 2.4, 3.6 (outside); cols 1.8, 3.45 (outside), 5.1 (outside); value 1 + 4 * row + col
    const attrs: ResizeAttrs = { mode: 'linear', sizes: [1, 1, 3, 3], coordinateMode: 'tf_crop_and_resize', roi: [0, 0, 0.4, 0.6, 1, 1, 1.2, 1.7], extrapolationValue: 10 };
    expect(values(run([1, 1, 4, 4], iota(16), attrs))).toEqual([7.6, 10, 10, 12.4, 10, 10, 10, 10, 10]);
  });

  it('half_pixel_symmetric: 4 -> floor(2.4) = 2 shifts by 2 * (1 - 2 / 2.4) = 1/3', () => {
    // x_original = 1/3 + (x + 0.5) / 0.6 - 0.5 = 0.6667, 2.3333
    expect(values(run([4], [1, 2, 3, 4], { mode: 'linear', sizes: [2], scales: [0.6], coordinateMode: 'half_pixel_symmetric' }))).toEqual([1.66667, 3.33333]);
  });

  // The coordinate formulas of the ONNX doc, written out again here.
  const source: Record<string, (x: number, scale: number, inLen: number, outLen: number) => number> = {
    half_pixel: (x, s) => (x + 0.5) / s - 0.5,
    pytorch_half_pixel: (x, s, _i, o) => (o > 1 ? (x + 0.5) / s - 0.5 : 0),
    align_corners: (x, _s, i, o) => (o === 1 ? 0 : (x * (i - 1)) / (o - 1)),
    asymmetric: (x, s) => x / s,
  };
  for (const [mode, f] of Object.entries(source)) {
    it(`${mode}: trilinear interpolation of an affine function is the function at the clamped coordinates`, () => {
      const rng = new Random(mode.length * 7919);
      const inShape = [3, 4, 5];
      const sizes = [7, 2, 8];
      const c = [rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-1, 1)];
      const affine = (p: number[]) => c[0] * p[0] + c[1] * p[1] + c[2] * p[2] + c[3];
      const x = new Float32Array(60);
      for (let i = 0; i < 60; i++) x[i] = affine([Math.floor(i / 20), Math.floor(i / 5) % 4, i % 5]);
      const y = run(inShape, x, { mode: 'linear', sizes, coordinateMode: mode as ResizeAttrs['coordinateMode'] });
      for (let i = 0; i < y.data.length; i++) {
        const out = [Math.floor(i / 16), Math.floor(i / 8) % 2, i % 8];
        const p = out.map((o, d) => Math.min(Math.max(f(o, sizes[d] / inShape[d], inShape[d], sizes[d]), 0), inShape[d] - 1));
        expect(y.data[i]).toBeCloseTo(affine(p), 4);
      }
    });
  }
});

describe('resize reference: cubic', () => {
  // 1-D [1, 2, 3, 4] x2, asymmetric: output 1 samples 0.5, between inputs -1 (edge: 1), 0, 1, 2 at
  // distances 1.5, 0.5, 0.5, 1.5. Keys (A = -0.75): W(0.5) = 0.59375, W(1.5) = -0.09375.
  const cubic = (extra: Partial<ResizeAttrs>) => values(run([4], [1, 2, 3, 4], { mode: 'cubic', sizes: [8], scales: [2], coordinateMode: 'asymmetric', ...extra }));
  it('A = -0.75: -0.09375 * 1 + 0.59375 * 1 + 0.59375 * 2 - 0.09375 * 3 = 1.40625; inside, a linear ramp stays linear', () => {
    const y = cubic({});
    expect(y.slice(0, 4)).toEqual([1, 1.40625, 2, 2.5]);
  });
  it('A = -0.5: W(0.5) = 0.5625, W(1.5) = -0.0625 -> 1.4375', () => {
    expect(cubic({ cubicCoeffA: -0.5 })[1]).toBe(1.4375);
  });
  it('exclude_outside drops input -1 and renormalizes: 1.5 / 1.09375', () => {
    expect(cubic({ excludeOutside: true })[1]).toBe(Math.round((1.5 / 1.09375) * 1e5) / 1e5);
  });
  it('an identity resize (scale 1, half_pixel) returns the input in every mode', () => {
    const rng = new Random(77);
    const x = rng.floats(2 * 3 * 5);
    for (const mode of ['nearest', 'linear', 'cubic'] as const) {
      expect(run([2, 3, 5], x, { mode, sizes: [2, 3, 5] }).data).toEqual(x);
    }
  });
});

describe('resize argument checks', () => {
  const ok: ResizeAttrs = { mode: 'linear', sizes: [1, 2, 6, 6] };
  const check = (attrs: Partial<ResizeAttrs>, shape = [1, 2, 3, 3]) => () => checkResize('up (Resize)', shape, { ...ok, ...attrs }, 8);
  it('accepts a valid resize', () => {
    expect(check({})).not.toThrow();
  });
  it('rejects zero or fractional sizes, zero, negative or infinite scales, naming the node and the input', () => {
    expect(check({ sizes: [1, 2, 0, 6] })).toThrow(/up \(Resize\): output sizes \[1, 2, 0, 6\] must give one integer >= 1 per axis of input \[1, 2, 3, 3\]/);
    expect(check({ sizes: [1, 2, 6.5, 6] })).toThrow(/output sizes/);
    expect(check({ scales: [1, 1, 0, 2] })).toThrow(/scales \[1, 1, 0, 2\] must give one finite number > 0/);
    expect(check({ scales: [1, 1, -2, 2] })).toThrow(/scales/);
    expect(check({ scales: [1, 1, Infinity, 2] })).toThrow(/scales/);
  });
  it('rejects an absurd output, a wrong rank, an empty input, a bad roi and unknown modes', () => {
    expect(check({ sizes: [1, 2, 2 ** 20, 2 ** 20] })).toThrow(/output \[1, 2, 1048576, 1048576\] of input \[1, 2, 3, 3\] has 2199023255552 elements/);
    expect(check({ sizes: new Array(9).fill(1) }, new Array(9).fill(1))).toThrow(/rank 9; resize takes ranks 1 to 8/);
    expect(check({}, [1, 2, 0, 3])).toThrow(/input \[1, 2, 0, 3\] is empty/);
    expect(check({ roi: [0, 1] })).toThrow(/roi \[0, 1\] must give 8 finite numbers/);
    expect(check({ mode: 'area' as ResizeAttrs['mode'] })).toThrow(/mode 'area' is not one of nearest, linear, cubic/);
    expect(check({ coordinateMode: 'center' as ResizeAttrs['coordinateMode'] })).toThrow(/coordinate_transformation_mode 'center'/);
  });
  it('rejects a sampling table past its cap before building it', () => {
    expect(() => resizeTable('up (Resize)', [4], { mode: 'cubic', sizes: [MAX_TABLE_ENTRIES] })).toThrow(/needs a sampling table of 16777216 entries/);
  });
  it('infer asks for the sampling table resizeTable() builds', () => {
    const x = { shape: [1, 3, 3, 2], dtype: 'float32' as const };
    const attrs: ResizeAttrs = { mode: 'linear', sizes: [1, 6, 6, 2] };
    // N and C have 1 tap each, H and W 2 per output coordinate: 1 + 12 + 12 + 2 entries.
    expect(resizeTable('t', x.shape, attrs).entries).toBe(27);
    expect(resizeOp.infer('up', [x, { shape: [27, 2], dtype: 'int32' }], attrs)).toEqual([{ shape: [1, 6, 6, 2], dtype: 'float32' }]);
    expect(() => resizeOp.infer('up', [x, { shape: [26, 2], dtype: 'int32' }], attrs)).toThrow(/up: input 1 must be the int32 \[27, 2\] sampling table/);
    expect(() => resizeOp.infer('up', [x, undefined], attrs)).toThrow(/got nothing/);
  });
});
