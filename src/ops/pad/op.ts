// pad: ONNX Pad (constant, reflect, edge) up to rank 8 (shaders/pad.wgsl).
import padWgsl from '../../../shaders/pad.wgsl?raw';
import { WgnnError } from '../../errors.ts';
import { formatShape, sizeOf } from '../../shape.ts';
import { spreadWorkgroups, type BindingRef, type Dispatch, type OpDefinition, type PlanContext } from '../op.ts';

const SHADER = { name: 'pad.wgsl', code: padWgsl };
const MODES = { constant: 0, reflect: 1, edge: 2 } as const;
const MAX_RANK = 8;

export interface PadAttrs {
  mode: keyof typeof MODES;
  /** Per axis: pads before, then pads after (ONNX order: all begins, then all ends). Non-negative. */
  pads: number[];
  value: number;
}

const padTo8 = (v: number[], fill: number) => [...new Array(MAX_RANK - v.length).fill(fill), ...v];

/** The reference, restated: where output coordinate c of an axis of `size` reads from, or -1. */
function sourceIndex(c: number, begin: number, size: number, mode: PadAttrs['mode']): number {
  const s = c - begin;
  if (s >= 0 && s < size) return s;
  if (mode === 'constant') return -1;
  if (mode === 'edge') return Math.min(Math.max(s, 0), size - 1);
  let r = s;
  while (r < 0 || r >= size) r = r < 0 ? -r : 2 * (size - 1) - r; // mirror until inside
  return size === 1 ? 0 : r;
}

/** One pad dispatch: `input` of inShape into `output` of outShape, `begins` pads before each axis. */
export function padDispatch(
  where: string, inShape: number[], outShape: number[], begins: number[], mode: PadAttrs['mode'], value: number,
  bindings: { input: BindingRef; output: BindingRef }, ctx: PlanContext,
): Dispatch {
  const count = sizeOf(outShape);
  const o = padTo8(outShape, 1);
  const i = padTo8(inShape, 1);
  const b = padTo8(begins, 0);
  return {
    shader: SHADER,
    overrides: { MODE: MODES[mode], WG_SIZE: 256 },
    params: { count, outLo: o.slice(0, 4), outHi: o.slice(4), inLo: i.slice(0, 4), inHi: i.slice(4), beginLo: b.slice(0, 4), beginHi: b.slice(4), value },
    bindings: [bindings.input, bindings.output],
    workgroups: spreadWorkgroups(where, Math.ceil(count / 256), ctx.limits),
  };
}

export const padOp: OpDefinition<PadAttrs> = {
  name: 'pad',

  infer(where, [x], { pads, mode }) {
    if (!x) throw new WgnnError(where, 'needs an input');
    const r = x.shape.length;
    if (r > MAX_RANK || pads.length !== 2 * r || pads.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new WgnnError(where, `pads [${pads.join(', ')}] must be ${2 * r} integers >= 0 for input ${formatShape(x.shape)} (negative pads are not supported)`);
    }
    if (!(mode in MODES)) throw new WgnnError(where, `mode '${mode}' is not constant, reflect or edge`);
    if (mode === 'reflect' && x.shape.some((d, i) => (pads[i] > 0 || pads[i + r] > 0) && (pads[i] >= d || pads[i + r] >= d))) {
      throw new WgnnError(where, `reflect pads [${pads.join(', ')}] must be smaller than the input dims ${formatShape(x.shape)}`);
    }
    if (mode !== 'constant' && x.shape.some((d, i) => d === 0 && pads[i] + pads[i + r] > 0)) throw new WgnnError(where, `cannot ${mode}-pad an empty axis of ${formatShape(x.shape)}`);
    return [{ shape: x.shape.map((d, i) => d + pads[i] + pads[i + r]), dtype: x.dtype }];
  },

  plan([x], [out], { pads, mode, value }, ctx) {
    if (sizeOf(out.shape) === 0) return { scratchBytes: [], dispatches: [] };
    const begins = pads.slice(0, x!.shape.length);
    return { scratchBytes: [], dispatches: [padDispatch('pad', x!.shape, out.shape, begins, mode, value, { input: { input: 0 }, output: { output: 0 } }, ctx)] };
  },

  reference([x], { pads, mode, value }) {
    const r = x!.shape.length;
    const shape = x!.shape.map((d, a) => d + pads[a] + pads[a + r]);
    const data = new Float32Array(sizeOf(shape));
    const index = new Array<number>(r).fill(0);
    for (let flat = 0; flat < data.length; flat++) {
      let offset = 0;
      let inside = true;
      for (let a = 0; a < r; a++) {
        const s = sourceIndex(index[a], pads[a], x!.shape[a], mode);
        if (s < 0) inside = false;
        offset = offset * x!.shape[a] + Math.max(s, 0);
      }
      data[flat] = inside ? x!.data[offset] : value;
      for (let a = r - 1; a >= 0; a--) {
        if (++index[a] < shape[a]) break;
        index[a] = 0;
      }
    }
    return [{ shape, data }];
  },
};
