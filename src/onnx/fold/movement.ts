// Ops that move or reinterpret known values: Identity, Reshape, Flatten, Squeeze, Unsqueeze,
// Concat, Gather, Slice, Split, Expand, Tile, Transpose, Cast. The element-moving ones use the
// same CPU references as the GPU ops (src/ops/strided-copy, transpose), in float64.
import { WgnnError } from '../../errors.ts';
import { expandReference, sliceReference, tileReference } from '../../ops/strided-copy/reference.ts';
import { transposeOp } from '../../ops/transpose/op.ts';
import { formatShape, normalizeAxis } from '../../shape.ts';
import { axesArg, flattenAxis, reshapeTarget, sliceArgs, splitSizes } from '../args.ts';
import { elemTypeName } from '../tensor.ts';
import { input, type Folder, type FoldContext } from './folder.ts';
import { allocate, elementCount, ELEM_TYPE_OF, integers, kindOf, rowMajorStrides, type HostValue } from './value.ts';

const withDims = (v: HostValue, dims: number[]): HostValue => ({ ...v, dims });
const moved = (v: HostValue, t: { shape: number[]; data: Float64Array }): HostValue => ({ ...v, dims: t.shape, data: t.data });
const asArray = (v: HostValue) => ({ shape: v.dims, data: v.data });

const identity: Folder = { fold: (c) => [input(c, 0)] };

const reshape: Folder = {
  fold(c) {
    const x = input(c, 0);
    const shape = c.opset < 5 ? c.attrs.ints('shape') : integers(input(c, 1), c.where, 'the shape');
    if (!shape) throw new WgnnError(c.where, 'needs a shape');
    return [withDims(x, reshapeTarget(c.where, x.dims, shape, c.attrs.int('allowzero', 0) === 1))];
  },
};

const flatten: Folder = {
  fold(c) {
    const x = input(c, 0);
    const axis = flattenAxis(c.where, c.attrs.int('axis', 1), x.dims.length);
    const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    return [withDims(x, [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))])];
  },
};

const squeeze: Folder = {
  fold(c) {
    const x = input(c, 0);
    const axes = axesArg(c, 1, 13, x.dims.length) ?? x.dims.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of axes) if (x.dims[a] !== 1) throw new WgnnError(c.where, `axis ${a} of ${formatShape(x.dims)} is not 1`);
    return [withDims(x, x.dims.filter((_, i) => !axes.includes(i)))];
  },
};

const unsqueeze: Folder = {
  fold(c) {
    const x = input(c, 0);
    const count = (c.opset < 13 ? c.attrs.ints('axes') : c.ints(1, 'axes'))?.length;
    if (!count) throw new WgnnError(c.where, 'needs axes');
    const axes = axesArg(c, 1, 13, x.dims.length + count)!;
    const rest = [...x.dims];
    return [withDims(x, Array.from({ length: x.dims.length + count }, (_, i) => (axes.includes(i) ? 1 : rest.shift()!)))];
  },
};

const concat: Folder = {
  fold(c) {
    const values = c.inputs.filter((v): v is HostValue => v !== undefined);
    if (values.length === 0) throw new WgnnError(c.where, 'needs at least one input');
    const first = values[0];
    const axis = normalizeAxis(c.where, c.attrs.int('axis', 0), first.dims.length);
    for (const v of values) {
      if (v.dims.length !== first.dims.length || v.dims.some((d, i) => i !== axis && d !== first.dims[i])) {
        throw new WgnnError(c.where, `cannot concatenate ${formatShape(v.dims)} with ${formatShape(first.dims)} on axis ${axis}`);
      }
    }
    const dims = [...first.dims];
    dims[axis] = values.reduce((n, v) => n + v.dims[axis], 0);
    const out = allocate(c.where, dims, first.kind, first.elemType);
    const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
    let offset = 0;
    for (let o = 0; o < outer; o++) {
      for (const v of values) {
        const block = v.data.length / outer;
        out.data.set(v.data.subarray(o * block, (o + 1) * block), offset);
        offset += block;
      }
    }
    return [out];
  },
};

const gather: Folder = {
  fold(c) {
    const [x, ids] = [input(c, 0), input(c, 1)];
    if (x.dims.length === 0) throw new WgnnError(c.where, 'cannot gather from a scalar');
    const axis = normalizeAxis(c.where, c.attrs.int('axis', 0), x.dims.length);
    const n = x.dims[axis];
    const indices = integers(ids, c.where, 'the indices').map((i) => {
      if (i < -n || i >= n) throw new WgnnError(c.where, `index ${i} is out of range for axis ${axis} of ${formatShape(x.dims)}`);
      return i < 0 ? i + n : i;
    });
    const outer = x.dims.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = x.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = allocate(c.where, [...x.dims.slice(0, axis), ...ids.dims, ...x.dims.slice(axis + 1)], x.kind, x.elemType);
    let k = 0;
    for (let o = 0; o < outer; o++) {
      for (const i of indices) out.data.set(x.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), (k++) * inner);
    }
    return [out];
  },
};

const slice: Folder = {
  fold(c) {
    const x = input(c, 0);
    const axes = sliceArgs(c, x.dims);
    elementCount(c.where, axes.map((a) => a.size));
    return [moved(x, sliceReference(asArray(x), axes))];
  },
};

const split: Folder = {
  fold(c) {
    const x = input(c, 0);
    const axis = normalizeAxis(c.where, c.attrs.int('axis', 0), x.dims.length);
    let begin = 0;
    return splitSizes(c, x.dims[axis], axis, c.node.outputs.length).map((size) => {
      const axes = x.dims.map((d, i) => (i === axis ? { begin, step: 1, size } : { begin: 0, step: 1, size: d }));
      begin += size;
      return moved(x, sliceReference(asArray(x), axes));
    });
  },
};

const expand: Folder = {
  fold(c) {
    const x = input(c, 0);
    const target = integers(input(c, 1), c.where, 'the shape');
    const r = Math.max(x.dims.length, target.length);
    const pad = (d: number[]) => [...new Array(r - d.length).fill(1), ...d];
    elementCount(c.where, pad(x.dims).map((d, i) => (d === 1 ? pad(target)[i] : d)));
    return [moved(x, expandReference(c.where, asArray(x), target))];
  },
};

const tile: Folder = {
  fold(c) {
    const x = input(c, 0);
    const repeats = integers(input(c, 1), c.where, 'repeats');
    if (repeats.length !== x.dims.length || repeats.some((r) => r < 0)) throw new WgnnError(c.where, `repeats [${repeats}] must give one count >= 0 per axis of ${formatShape(x.dims)}`);
    elementCount(c.where, x.dims.map((d, i) => d * repeats[i]));
    return [moved(x, tileReference(asArray(x), repeats))];
  },
};

const transpose: Folder = {
  fold(c) {
    const x = input(c, 0);
    const r = x.dims.length;
    const perm = c.attrs.ints('perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
    transposeOp.infer(c.where, [{ shape: x.dims, dtype: 'float32' }], { perm });
    const strides = rowMajorStrides(x.dims);
    const out = allocate(c.where, perm.map((p) => x.dims[p]), x.kind, x.elemType);
    const outStrides = rowMajorStrides(out.dims);
    for (let i = 0; i < out.data.length; i++) {
      let offset = 0;
      for (let d = 0; d < r; d++) offset += Math.floor(i / outStrides[d]) % out.dims[d] * strides[perm[d]];
      out.data[i] = x.data[offset];
    }
    return [out];
  },
};

/** Cast: to float rounds to float32, to an integer truncates toward zero, to bool is x != 0. */
function castTo(c: FoldContext, x: HostValue, elemType: HostValue['elemType']): HostValue {
  const kind = kindOf(c.where, elemType);
  const convert = kind === 'float' ? Math.fround : kind === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : (v: number) => (Number.isFinite(v) ? Math.trunc(v) : v);
  return { dims: x.dims, kind, data: x.data.map(convert), elemType: kind === 'float' ? ELEM_TYPE_OF.float : elemType };
}

const cast: Folder = {
  fold(c) {
    return [castTo(c, input(c, 0), elemTypeName(c.attrs.int('to', 1), c.where))];
  },
};

const castLike: Folder = {
  fold(c) {
    return [castTo(c, input(c, 0), input(c, 1).elemType)];
  },
};

export const MOVEMENT_FOLDERS: Record<string, Folder> = {
  Identity: identity,
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Gather: gather,
  Slice: slice,
  Split: split,
  Expand: expand,
  Tile: tile,
  Transpose: transpose,
  Cast: cast,
  CastLike: castLike,
};
