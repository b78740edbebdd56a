// CPU twin of resize, written from the ONNX Resize definition rather than from the kernel's
// table: an N-D resize is a 1-D interpolation along the first axis of 1-D interpolations along
// the others, recursively. Along one axis, with x the source coordinate (coords.ts):
//   ratio = x - floor(x), or 1 when x is an integer (the neighbours then sit left of x);
//   nearest: of the neighbours ceil(x) - 1 and ceil(x), the one the nearest_mode rounds to;
//   linear:  (1 - ratio) * v[ceil(x) - 1] + ratio * v[ceil(x)];
//   cubic:   sum over the 4 neighbours i around x of W(x - i) * v[i], W Keys' kernel with
//            coefficient A; exclude_outside zeroes the weights of i outside and renormalizes;
// neighbours outside the input read the edge value; a tf_crop_and_resize coordinate outside
// the input makes that 1-D interpolation extrapolation_value.
import type { HostTensor } from '../host-tensor.ts';
import { resizeAxes, sourceCoordinate, type AxisResize, type ResizeAttrs } from './coords.ts';

/** Keys' cubic convolution kernel at distance s. */
function keys(s: number, a: number): number {
  const t = Math.abs(s);
  if (t <= 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1;
  if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a;
  return 0;
}

/** Whether nearest picks the right neighbour ceil(x) over the left one ceil(x) - 1. */
function picksRight(ratio: number, mode: NonNullable<ResizeAttrs['nearestMode']>, scale: number): boolean {
  if (ratio === 1) return true; // x is an input index
  switch (mode) {
    case 'round_prefer_floor':
      return ratio > 0.5;
    case 'round_prefer_ceil':
      return ratio >= 0.5;
    case 'floor':
      return false;
    case 'ceil':
      return true;
    case 'simple':
      return scale < 1;
  }
}

/** Neighbour indices and their weights along one axis at source coordinate x. */
function stencil(x: number, axis: AxisResize, attrs: ResizeAttrs): { index: number[]; weight: number[] } {
  const isIndex = Number.isInteger(x);
  const ratio = isIndex ? 1 : x - Math.floor(x);
  const left = isIndex ? x - 1 : Math.floor(x);
  if (attrs.mode === 'nearest') {
    const right = picksRight(ratio, attrs.nearestMode ?? 'round_prefer_floor', axis.scale);
    return { index: [left, left + 1], weight: right ? [0, 1] : [1, 0] };
  }
  if (attrs.mode === 'linear') return { index: [left, left + 1], weight: [1 - ratio, ratio] };
  const index = [left - 1, left, left + 1, left + 2];
  let weight = index.map((i) => keys(x - i, attrs.cubicCoeffA ?? -0.75));
  if (attrs.excludeOutside) {
    weight = weight.map((w, k) => (index[k] < 0 || index[k] >= axis.inLength ? 0 : w));
    const sum = weight.reduce((s, w) => s + w, 0);
    weight = weight.map((w) => w / sum);
  }
  return { index, weight };
}

export function resizeReference(x: HostTensor, attrs: ResizeAttrs): HostTensor {
  const shape = attrs.sizes.slice();
  const rank = shape.length;
  const axes = resizeAxes(x.shape, attrs);
  const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const mode = attrs.coordinateMode ?? 'half_pixel';
  const outside = attrs.extrapolationValue ?? 0;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const coords = new Array<number>(rank).fill(0);

  // The 1-D interpolation along `axis` (of values that interpolate the axes after it) at the current output coordinates.
  const interpolate = (axis: number, offset: number): number => {
    if (axis === rank) return x.data[offset];
    const source = sourceCoordinate(mode, coords[axis], axes[axis]);
    if (source === undefined) return outside;
    const { index, weight } = stencil(source, axes[axis], attrs);
    const last = axes[axis].inLength - 1;
    let sum = 0;
    index.forEach((i, k) => {
      if (weight[k] !== 0) sum += weight[k] * interpolate(axis + 1, offset + Math.min(Math.max(i, 0), last) * strides[axis]);
    });
    return sum;
  };

  for (let i = 0; i < out.length; i++) {
    out[i] = interpolate(0, 0);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  return { shape, data: out };
}
