// ONNX op arguments that moved between attributes and inputs across opsets (axes, split sizes,
// slice bounds, reshape targets), decoded once for both users: the host folder (fold/), which
// computes the op on known values, and the op handlers (ops/), which build GPU nodes from them.
import { WgnnError } from '../errors.ts';
import type { SliceAxis } from '../ops/strided-copy/reference.ts';
import { formatShape, normalizeAxis } from '../shape.ts';
import type { Attributes } from './context.ts';

/** How an op's integer arguments are read: attributes, and inputs that must be known. */
export interface ArgReader {
  where: string;
  opset: number;
  attrs: Attributes;
  /** Integer values of input `index`; undefined when the input is omitted. */
  ints(index: number, what: string): number[] | undefined;
}

/** `axes` as an attribute before `sinceOpset` and as input `index` from it on; normalized, undefined when absent. */
export function axesArg(r: ArgReader, index: number, sinceOpset: number, rank: number): number[] | undefined {
  const axes = r.opset < sinceOpset ? r.attrs.ints('axes') : r.ints(index, 'axes');
  if (!axes) return undefined;
  const normalized = axes.map((a) => normalizeAxis(r.where, a, rank));
  if (new Set(normalized).size !== normalized.length) throw new WgnnError(r.where, `axes [${axes.join(', ')}] repeat an axis`);
  return normalized;
}


/**
 * ONNX Slice over `dims`: starts/ends/axes/steps (attributes before opset 10, inputs 1-4 from
 * it), negative indices counted from the end, then clamped as the spec says. Every axis of the
 * result is returned, untouched axes as whole.
 */
export function sliceArgs(r: ArgReader, dims: readonly number[]): SliceAxis[] {
  const legacy = r.opset < 10;
  const starts = legacy ? r.attrs.ints('starts') : r.ints(1, 'starts');
  const ends = legacy ? r.attrs.ints('ends') : r.ints(2, 'ends');
  if (!starts || !ends) throw new WgnnError(r.where, 'needs starts and ends');
  const axes = (legacy ? r.attrs.ints('axes') : r.ints(3, 'axes')) ?? starts.map((_, i) => i);
  const steps = (legacy ? undefined : r.ints(4, 'steps')) ?? starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new WgnnError(r.where, `starts [${starts}], ends [${ends}], axes [${axes}] and steps [${steps}] must have one entry per sliced axis`);
  }
  const out: SliceAxis[] = dims.map((d) => ({ begin: 0, step: 1, size: d }));
  const seen = new Set<number>();
  axes.forEach((a, i) => {
    const axis = normalizeAxis(r.where, a, dims.length);
    if (seen.has(axis)) throw new WgnnError(r.where, `axes [${axes}] repeat axis ${axis}`);
    seen.add(axis);
    const dim = dims[axis];
    const step = steps[i];
    if (step === 0 || !Number.isFinite(step)) throw new WgnnError(r.where, `step ${step} on axis ${axis} is not allowed; steps are nonzero integers`);
    const wrap = (v: number) => (v < 0 ? v + dim : v);
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const begin = step > 0 ? clamp(wrap(starts[i]), 0, dim) : clamp(wrap(starts[i]), 0, dim - 1);
    const end = step > 0 ? clamp(wrap(ends[i]), 0, dim) : clamp(wrap(ends[i]), -1, dim - 1);
    const size = Math.max(0, Math.ceil((end - begin) / step));
    out[axis] = { begin: size > 0 ? begin : 0, step, size };
  });
  return out;
}

/**
 * Split sizes along `axis` of length `dim` for `outputs` outputs: the `split` attribute (before
 * opset 13) or input 1, else equal parts (num_outputs from opset 18: the last part may be shorter).
 */
export function splitSizes(r: ArgReader, dim: number, axis: number, outputs: number): number[] {
  const given = r.opset < 13 ? r.attrs.ints('split') : r.ints(1, 'split');
  if (given) {
    if (given.length !== outputs || given.some((s) => !Number.isInteger(s) || s < 0) || given.reduce((a, b) => a + b, 0) !== dim) {
      throw new WgnnError(r.where, `split [${given}] must give ${outputs} sizes >= 0 adding up to axis ${axis}'s length ${dim}`);
    }
    return given;
  }
  const parts = r.attrs.int('num_outputs', outputs);
  if (parts !== outputs) throw new WgnnError(r.where, `num_outputs ${parts} does not match the ${outputs} outputs`);
  const chunk = Math.ceil(dim / parts);
  if (r.opset < 18 && dim % parts !== 0) throw new WgnnError(r.where, `axis ${axis} of length ${dim} does not split into ${parts} equal parts`);
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
}

/** ONNX Reshape's target: 0 copies the input dim (unless allowzero), one -1 is inferred. */
export function reshapeTarget(where: string, dims: readonly number[], shape: readonly number[], allowZero: boolean): number[] {
  const bad = (why: string) => new WgnnError(where, `cannot reshape ${formatShape(dims)} to [${shape.join(', ')}]: ${why}`);
  if (shape.filter((d) => d === -1).length > 1) throw bad('more than one -1');
  if (shape.some((d) => !Number.isSafeInteger(d) || d < -1)) throw bad('dims are integers >= -1');
  if (allowZero && shape.includes(0) && shape.includes(-1)) throw bad('allowzero with both 0 and -1');
  const out = shape.map((d, i) => {
    if (d !== 0 || allowZero) return d;
    if (i >= dims.length) throw bad(`0 at position ${i} copies a dim the input does not have`);
    return dims[i];
  });
  const total = dims.reduce((a, b) => a * b, 1);
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    const known = out.reduce((a, b, i) => (i === inferred ? a : a * b), 1);
    if (known === 0 || total % known !== 0) throw bad(`${total} elements do not divide into the known dims (${known})`);
    out[inferred] = total / known;
  }
  if (out.reduce((a, b) => a * b, 1) !== total) throw bad(`${total} elements cannot take ${out.reduce((a, b) => a * b, 1)}`);
  return out;
}

/** Flatten's axis: in [-r, r], negative counting from the end (r itself puts every dim before it). */
export function flattenAxis(where: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a > rank) throw new WgnnError(where, `axis ${axis} is out of range for rank ${rank}; valid axes are ${-rank}..${rank}`);
  return a;
}
