// resize (shaders/resize.wgsl) on the GPU vs its CPU reference: every mode, coordinate transform
// and nearest mode, NHWC 2-D (scales on H and W) and 1-D ([N, L, C]), up- and down-sampling with
// non-integer scales and odd sizes, a 3-D (5-D tensor) trilinear, every axis resampled, rank 1
// and rank 8 (both halves of the kernel's axis vectors), outputs past one workgroup, and nearest
// coordinates that tie at .5 (the ONNX downsample_sizes_nearest example, asymmetric x2).
// Nearest and extrapolated elements must match exactly; blends within float32 tolerance.
import type { ResizeAttrs } from '../../../src/ops/resize/coords.ts';
import { resizeReference } from '../../../src/ops/resize/reference.ts';
import { resizeTable } from '../../../src/ops/resize/table.ts';
import { expectClose, F32 } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

function resizeCase(inShape: number[], attrs: ResizeAttrs): GpuCase {
  const options = [attrs.coordinateMode ?? 'half_pixel', attrs.mode === 'nearest' ? attrs.nearestMode : undefined, attrs.scales && `scales [${attrs.scales}]`, attrs.cubicCoeffA !== undefined && `A ${attrs.cubicCoeffA}`, attrs.excludeOutside && 'exclude_outside', attrs.roi && `roi [${attrs.roi}]`];
  const name = `resize ${attrs.mode} ${options.filter(Boolean).join(' ')}: [${inShape}] -> [${attrs.sizes}]`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const data = rng.floats(product(inShape));
      const table = resizeTable(name, inShape, attrs);
      const [out] = engine.runOp('resize', [engine.tensor(inShape, data), engine.tensor([table.entries, 2], table.data, 'int32')], attrs);
      const expected = resizeReference({ shape: inShape, data }, attrs);
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}], expected [${expected.shape}]`);
      // Nearest copies elements: exact. A blend of up to 4^k terms with weights summing to 1: float32 rounding.
      const tolerance = attrs.mode === 'nearest' ? { atol: 0, rtol: 0 } : F32;
      expectClose(name, await out.data(), expected.data, tolerance, { seed: rng.seed, shape: expected.shape });
    },
  };
}

const nearest = (inShape: number[], sizes: number[], more: Partial<ResizeAttrs> = {}) => resizeCase(inShape, { mode: 'nearest', sizes, ...more });
const linear = (inShape: number[], sizes: number[], more: Partial<ResizeAttrs> = {}) => resizeCase(inShape, { mode: 'linear', sizes, ...more });
const cubic = (inShape: number[], sizes: number[], more: Partial<ResizeAttrs> = {}) => resizeCase(inShape, { mode: 'cubic', sizes, ...more });

// NHWC: H and W resample, N and C pass through.
const cropRoi = [0, 0.15, -0.2, 0, 1, 0.9, 1.1, 1];

export const resizeCases: GpuCase[] = [
  nearest([2, 5, 7, 3], [2, 10, 14, 3], { scales: [1, 2, 2, 1] }),
  nearest([1, 6, 9, 5], [1, 3, 15, 5], { scales: [1, 0.6, 1.7, 1], coordinateMode: 'asymmetric', nearestMode: 'ceil' }),
  nearest([1, 7, 5, 3], [1, 3, 9, 3], { coordinateMode: 'align_corners', nearestMode: 'floor' }),
  nearest([2, 5, 3], [2, 11, 3], { coordinateMode: 'pytorch_half_pixel', nearestMode: 'round_prefer_ceil' }),
  nearest([2, 5, 3], [2, 1, 3], { coordinateMode: 'pytorch_half_pixel' }),
  nearest([1, 4, 6, 2], [1, 3, 4, 2], { coordinateMode: 'tf_half_pixel_for_nn' }),
  nearest([1, 2, 4, 1], [1, 1, 3, 1]),
  nearest([2, 5, 3], [2, 10, 3], { scales: [1, 2, 1], coordinateMode: 'asymmetric' }),
  nearest([2, 5, 3], [2, 10, 3], { scales: [1, 2, 1], coordinateMode: 'asymmetric', nearestMode: 'round_prefer_ceil' }),
  nearest([1, 6, 9, 5], [1, 3, 15, 5], { scales: [1, 0.6, 1.7, 1], coordinateMode: 'asymmetric', nearestMode: 'simple' }),
  nearest([1, 6, 9, 5], [1, 4, 5, 5], { scales: [1, 0.7, 0.6, 1], coordinateMode: 'half_pixel_symmetric', nearestMode: 'round_prefer_ceil' }),
  nearest([1, 7, 6, 3], [1, 5, 8, 3], { coordinateMode: 'tf_crop_and_resize', roi: cropRoi, extrapolationValue: -3 }),
  nearest([1, 33, 17, 5], [1, 66, 34, 5], { coordinateMode: 'asymmetric', nearestMode: 'floor' }),
  linear([2, 5, 7, 3], [2, 10, 14, 3], { scales: [1, 2, 2, 1] }),
  linear([1, 7, 5, 6], [1, 4, 11, 6], { coordinateMode: 'align_corners' }),
  linear([1, 6, 9, 5], [1, 3, 15, 5], { scales: [1, 0.6, 1.7, 1], coordinateMode: 'asymmetric' }),
  linear([2, 9, 4], [2, 5, 4], { coordinateMode: 'pytorch_half_pixel' }),
  linear([2, 3, 4], [2, 8, 4], { scales: [1, 2.7, 1], coordinateMode: 'half_pixel_symmetric' }),
  linear([1, 7, 6, 3], [1, 5, 8, 3], { coordinateMode: 'tf_crop_and_resize', roi: cropRoi, extrapolationValue: 2.5 }),
  linear([1, 3, 4, 5, 2], [1, 5, 7, 3, 2]),
  linear([3, 4, 5], [4, 7, 2], { coordinateMode: 'align_corners' }),
  linear([13], [29]),
  linear([2, 1, 3, 1, 2, 2, 3, 2], [2, 1, 5, 1, 2, 3, 2, 2]),
  linear([1, 33, 17, 5], [1, 66, 34, 5], { scales: [1, 2, 2, 1] }),
  cubic([1, 6, 7, 2], [1, 12, 14, 2], { scales: [1, 2, 2, 1] }),
  cubic([1, 9, 8, 3], [1, 5, 6, 3], { coordinateMode: 'align_corners', cubicCoeffA: -0.5, excludeOutside: true }),
  cubic([2, 5, 3], [2, 12, 3], { coordinateMode: 'asymmetric' }),
  cubic([1, 7, 6, 3], [1, 5, 8, 3], { coordinateMode: 'tf_crop_and_resize', roi: cropRoi, extrapolationValue: 1 }),
];
