// The coordinate transform of ONNX Resize: the input coordinate (a real number) that an output
// coordinate samples, one axis at a time. Shared by the CPU reference (reference.ts) and the
// kernel's host-built sampling table (table.ts); what follows the transform (neighbours,
// rounding, weights) each of them writes on its own.
//
// Computed in float64, with the operations in the order of ONNX's reference implementation:
// nearest picks at exact ties and integers then agree with it (x / 0.6f is 4.99999... in float32
// but 5 in float64), and so does align_corners with a fractional resized length.
import { WgnnError } from '../../errors.ts';

export type ResizeMode = 'nearest' | 'linear' | 'cubic';
export type CoordinateMode =
  | 'half_pixel'
  | 'half_pixel_symmetric'
  | 'pytorch_half_pixel'
  | 'align_corners'
  | 'asymmetric'
  | 'tf_half_pixel_for_nn'
  | 'tf_crop_and_resize';
/** ONNX's four, and 'simple': floor when the axis upsamples, ceil when it downsamples (Resize-10 and Upsample, as ONNX Runtime reads them). */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil' | 'simple';

export const RESIZE_MODES: readonly ResizeMode[] = ['nearest', 'linear', 'cubic'];
export const COORDINATE_MODES: readonly CoordinateMode[] = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
export const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil', 'simple'];

/** The IR op's attributes; per-axis arrays are in the input's (IR) axis order. */
export interface ResizeAttrs {
  mode: ResizeMode;
  /** Output dims, one per input axis. */
  sizes: number[];
  /** Per axis, the scale the coordinate transform divides by; absent: sizes[d] / input dim. */
  scales?: number[];
  /** Default half_pixel. */
  coordinateMode?: CoordinateMode;
  /** Default round_prefer_floor. */
  nearestMode?: NearestMode;
  /** Default -0.75. */
  cubicCoeffA?: number;
  /** Cubic only: taps outside the input get weight 0 and the rest are renormalized. Default false. */
  excludeOutside?: boolean;
  /** tf_crop_and_resize: the value of outputs that sample outside the input. Default 0. */
  extrapolationValue?: number;
  /** tf_crop_and_resize: [starts..., ends...] per axis in normalized coordinates; absent: [0, 1] on every axis. */
  roi?: number[];
}

/** One axis of a resize. */
export interface AxisResize {
  inLength: number;
  outLength: number;
  /** The scale the transform divides by: the given scale, or outLength / inLength when sizes were given. */
  scale: number;
  /** Region of interest in normalized input coordinates (tf_crop_and_resize only). */
  roiStart: number;
  roiEnd: number;
}

/**
 * x_original for output coordinate `x`, or undefined where tf_crop_and_resize samples outside the
 * input (that output takes extrapolation_value). `length_resized` is scale * inLength, fractional
 * when a scale was given (as in ONNX's reference: align_corners with scale 0.6 on 4 divides by 1.4).
 */
export function sourceCoordinate(mode: CoordinateMode, x: number, a: AxisResize): number | undefined {
  const resized = a.scale * a.inLength;
  switch (mode) {
    case 'half_pixel':
      return (x + 0.5) / a.scale - 0.5;
    case 'half_pixel_symmetric': {
      const offset = (a.inLength / 2) * (1 - a.outLength / resized);
      return offset + (x + 0.5) / a.scale - 0.5;
    }
    case 'pytorch_half_pixel':
      return resized > 1 ? (x + 0.5) / a.scale - 0.5 : 0;
    case 'align_corners':
      return resized === 1 ? 0 : (x * (a.inLength - 1)) / (resized - 1);
    case 'asymmetric':
      return x / a.scale;
    case 'tf_half_pixel_for_nn':
      return (x + 0.5) / a.scale;
    case 'tf_crop_and_resize': {
      const span = a.roiEnd - a.roiStart;
      const start = a.roiStart * (a.inLength - 1);
      const c = resized === 1 ? (span * (a.inLength - 1)) / 2 + start : (x * span * (a.inLength - 1)) / (resized - 1) + start;
      return c < 0 || c > a.inLength - 1 ? undefined : c;
    }
    default:
      throw new WgnnError('resize', `unknown coordinate_transformation_mode '${mode as string}'`);
  }
}

/** The axes of a resize of `inShape`. */
export function resizeAxes(inShape: readonly number[], { sizes, scales, roi }: ResizeAttrs): AxisResize[] {
  const r = inShape.length;
  return inShape.map((inLength, d) => ({
    inLength,
    outLength: sizes[d],
    scale: scales ? scales[d] : sizes[d] / inLength,
    roiStart: roi ? roi[d] : 0,
    roiEnd: roi ? roi[r + d] : 1,
  }));
}

/** Rank, sizes, scales, roi and modes checked before anything is allocated; throws naming `where` and the shapes. */
export function checkResize(where: string, inShape: readonly number[], attrs: ResizeAttrs, maxRank: number): void {
  const { mode, sizes, scales, roi } = attrs;
  const r = inShape.length;
  const shape = `input [${inShape.join(', ')}]`;
  if (r < 1 || r > maxRank) throw new WgnnError(where, `${shape} has rank ${r}; resize takes ranks 1 to ${maxRank}`);
  if (inShape.some((d) => d < 1)) throw new WgnnError(where, `${shape} is empty; resize needs at least one element on every axis`);
  if (!RESIZE_MODES.includes(mode)) throw new WgnnError(where, `mode '${mode}' is not one of ${RESIZE_MODES.join(', ')}`);
  const coordinateMode = attrs.coordinateMode ?? 'half_pixel';
  if (!COORDINATE_MODES.includes(coordinateMode)) throw new WgnnError(where, `coordinate_transformation_mode '${coordinateMode}' is not one of ${COORDINATE_MODES.join(', ')}`);
  const nearestMode = attrs.nearestMode ?? 'round_prefer_floor';
  if (!NEAREST_MODES.includes(nearestMode)) throw new WgnnError(where, `nearest_mode '${nearestMode}' is not one of ${NEAREST_MODES.join(', ')}`);
  if (sizes.length !== r || sizes.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new WgnnError(where, `output sizes [${sizes.join(', ')}] must give one integer >= 1 per axis of ${shape}`);
  }
  const count = sizes.reduce((a, b) => a * b, 1);
  if (count > MAX_OUTPUT_ELEMENTS) throw new WgnnError(where, `output [${sizes.join(', ')}] of ${shape} has ${count} elements, more than ${MAX_OUTPUT_ELEMENTS}`);
  if (scales && (scales.length !== r || scales.some((s) => !Number.isFinite(s) || s <= 0))) {
    throw new WgnnError(where, `scales [${scales.join(', ')}] must give one finite number > 0 per axis of ${shape}`);
  }
  if (roi && (roi.length !== 2 * r || roi.some((v) => !Number.isFinite(v)))) {
    throw new WgnnError(where, `roi [${roi.join(', ')}] must give ${2 * r} finite numbers (starts, then ends) for ${shape}`);
  }
  if (!Number.isFinite(attrs.cubicCoeffA ?? -0.75)) throw new WgnnError(where, `cubic_coeff_a ${attrs.cubicCoeffA} is not finite`);
}

/** Output elements: flat indices are u32 in the kernel and i32-safe on the host. */
export const MAX_OUTPUT_ELEMENTS = 2 ** 31 - 1;
