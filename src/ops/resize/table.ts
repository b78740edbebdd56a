// The sampling table that shaders/resize.wgsl reads, built on the host in float64. For each axis
// d and output coordinate o it holds taps[d] entries (input offset along d, weight): the offset
// is the source index times the input stride of d, so the kernel only adds them up. Neighbours
// are floor(x) + k (k = 0 for nearest, 0..1 linear, -1..2 cubic), clamped to the input (the
// edge padding of ONNX's reference). An axis whose coordinates all land on input elements (N and
// C of an image, or an integer nearest pick) has one tap of weight 1.
import { WgnnError } from '../../errors.ts';
import { resizeAxes, sourceCoordinate, type AxisResize, type ResizeAttrs } from './coords.ts';

/** An entry's offset for a coordinate outside the input (tf_crop_and_resize): the output is extrapolation_value. */
export const OUTSIDE = -1;
/** Entries (two int32 each) the table may take: 256 MiB. An output that needs more is absurd for a resize. */
export const MAX_TABLE_ENTRIES = 2 ** 22;

export interface ResizeTable {
  /** Entries per output coordinate, per axis. */
  taps: number[];
  /** Index of each axis's first entry. */
  bases: number[];
  entries: number;
  /** [entries, 2]: offset, then the float32 bits of the weight. */
  data: Int32Array;
}

const MODE_TAPS = { nearest: 1, linear: 2, cubic: 4 } as const;

/** Nearest input index for coordinate x (before clamping). */
function nearestIndex(x: number, mode: NonNullable<ResizeAttrs['nearestMode']>, scale: number): number {
  const below = Math.floor(x);
  const frac = x - below;
  switch (mode) {
    case 'floor':
      return below;
    case 'ceil':
      return Math.ceil(x);
    case 'simple':
      return scale < 1 ? Math.ceil(x) : below;
    case 'round_prefer_ceil':
      return frac >= 0.5 ? below + 1 : below;
    default:
      return frac > 0.5 ? below + 1 : below;
  }
}

/** Keys' cubic convolution weights of the four neighbours floor(x) - 1 .. floor(x) + 2, as polynomials in t = x - floor(x). */
function cubicWeights(t: number, a: number): number[] {
  const far = (s: number) => ((a * s - 5 * a) * s + 8 * a) * s - 4 * a; // 1 <= s < 2
  const near = (s: number) => ((a + 2) * s - (a + 3)) * s * s + 1; // 0 <= s <= 1
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/** The (index, weight) samples of one output coordinate, or undefined outside the input. */
function samples(x: number | undefined, axis: AxisResize, attrs: ResizeAttrs): [number, number][] | undefined {
  if (x === undefined) return undefined;
  const last = axis.inLength - 1;
  const clamp = (i: number) => Math.min(Math.max(i, 0), last);
  const below = Math.floor(x);
  const t = x - below;
  if (attrs.mode === 'nearest') return [[clamp(nearestIndex(x, attrs.nearestMode ?? 'round_prefer_floor', axis.scale)), 1]];
  if (attrs.mode === 'linear') return [[clamp(below), 1 - t], [clamp(below + 1), t]];
  let weights = cubicWeights(t, attrs.cubicCoeffA ?? -0.75);
  const indices = [below - 1, below, below + 1, below + 2];
  if (attrs.excludeOutside) {
    weights = weights.map((w, k) => (indices[k] < 0 || indices[k] > last ? 0 : w));
    const sum = weights.reduce((s, w) => s + w, 0);
    weights = weights.map((w) => w / sum);
  }
  return indices.map((i, k) => [clamp(i), weights[k]]);
}

/** The table for resizing `inShape` (row-major, IR axis order) by `attrs`, which checkResize accepted. */
/** Tables by the attrs object and input shape: a node's infer, plan and importer ask for the same one. */
const built = new WeakMap<ResizeAttrs, Map<string, ResizeTable>>();

export function resizeTable(where: string, inShape: readonly number[], attrs: ResizeAttrs): ResizeTable {
  let forAttrs = built.get(attrs);
  if (!forAttrs) built.set(attrs, (forAttrs = new Map()));
  const key = inShape.join('x');
  let table = forAttrs.get(key);
  if (!table) forAttrs.set(key, (table = buildTable(where, inShape, attrs)));
  return table;
}

function buildTable(where: string, inShape: readonly number[], attrs: ResizeAttrs): ResizeTable {
  const modeTaps = MODE_TAPS[attrs.mode];
  const bound = attrs.sizes.reduce((s, d) => s + d * modeTaps, 0);
  if (bound > MAX_TABLE_ENTRIES) {
    throw new WgnnError(where, `resizing [${inShape.join(', ')}] to [${attrs.sizes.join(', ')}] needs a sampling table of ${bound} entries (output dims x ${modeTaps} taps), more than ${MAX_TABLE_ENTRIES}`);
  }
  const coordinateMode = attrs.coordinateMode ?? 'half_pixel';
  const strides = inShape.map((_, d) => inShape.slice(d + 1).reduce((a, b) => a * b, 1));
  const perAxis = resizeAxes(inShape, attrs).map((axis) => {
    const xs = Array.from({ length: axis.outLength }, (_, o) => sourceCoordinate(coordinateMode, o, axis));
    const onElements = xs.every((x) => x === undefined || (Number.isInteger(x) && x >= 0 && x <= axis.inLength - 1));
    const taps = onElements ? 1 : modeTaps;
    const rows = xs.map((x) => (onElements ? (x === undefined ? undefined : [[x, 1] as [number, number]]) : samples(x, axis, attrs)));
    return { taps, rows };
  });
  const taps = perAxis.map((a) => a.taps);
  const bases: number[] = [];
  let entries = 0;
  for (const a of perAxis) {
    bases.push(entries);
    entries += a.rows.length * a.taps;
  }
  const data = new Int32Array(entries * 2);
  const weights = new Float32Array(data.buffer);
  perAxis.forEach(({ taps: n, rows }, d) => {
    rows.forEach((row, o) => {
      for (let k = 0; k < n; k++) {
        const e = 2 * (bases[d] + o * n + k);
        data[e] = row ? row[k][0] * strides[d] : OUTSIDE;
        weights[e + 1] = row ? row[k][1] : 0;
      }
    });
  });
  return { taps, bases, entries, data };
}
