// Ops that make values from shapes: Shape, Size, ConstantOfShape, Range. Their results are
// known whenever the shapes are, so they never become GPU work.
import { WgnnError } from '../../errors.ts';
import { input, type Folder } from './folder.ts';
import { allocate, elementCount, fromOnnx, integers, scalar, type HostValue } from './value.ts';

/** Shape's start/end (opset 15) clamp like Python slices. */
const shape: Folder = {
  shapeOnly: true,
  fold(c) {
    const dims = input(c, 0).dims;
    const r = dims.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const picked = dims.slice(clamp(c.attrs.int('start', 0)), clamp(c.attrs.int('end', r)));
    return [{ dims: [picked.length], kind: 'int', data: Float64Array.from(picked), elemType: 'int64' }];
  },
};

const size: Folder = {
  shapeOnly: true,
  fold(c) {
    return [{ dims: [], kind: 'int', data: Float64Array.of(input(c, 0).dims.reduce((a, b) => a * b, 1)), elemType: 'int64' }];
  },
};

const constantOfShape: Folder = {
  fold(c) {
    const dims = integers(input(c, 0), c.where, 'the shape');
    if (input(c, 0).dims.length !== 1) throw new WgnnError(c.where, `the shape input must be 1-D, got [${input(c, 0).dims}]`);
    const given = c.attrs.tensor('value');
    const value: HostValue = given ? fromOnnx(c.where, given) : { dims: [1], kind: 'float', data: Float64Array.of(0), elemType: 'float32' };
    const fill = scalar(value, c.where, 'value');
    const out = allocate(c.where, dims, value.kind, value.elemType);
    out.data.fill(fill);
    return [out];
  },
};

/** Range(start, limit, delta): ceil((limit - start) / delta) values, none when that is <= 0. */
const range: Folder = {
  fold(c) {
    const [start, limit, delta] = [0, 1, 2].map((i) => scalar(input(c, i), c.where, ['start', 'limit', 'delta'][i]));
    if (delta === 0 || !Number.isFinite(delta)) throw new WgnnError(c.where, `delta ${delta} must be a nonzero finite number`);
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    if (!Number.isFinite(count)) throw new WgnnError(c.where, `start ${start}, limit ${limit}, delta ${delta} give no finite range`);
    const first = input(c, 0);
    elementCount(c.where, [count]);
    const out = allocate(c.where, [count], first.kind, first.elemType);
    for (let i = 0; i < count; i++) out.data[i] = first.kind === 'float' ? Math.fround(start + i * delta) : start + i * delta;
    return [out];
  },
};

export const SHAPE_FOLDERS: Record<string, Folder> = {
  Shape: shape,
  Size: size,
  ConstantOfShape: constantOfShape,
  Range: range,
};
