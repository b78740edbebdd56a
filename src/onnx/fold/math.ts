// Arithmetic, comparison and logic on known values, with NumPy broadcasting: what shape
// computations use (Add, Sub, Mul, Div, Mod, Pow, Min, Max, Sum, Mean, Neg, Abs, Floor, Ceil,
// Sqrt, Reciprocal, Exp, Log, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not, And, Or,
// Xor, Where) and the reductions ReduceSum, ReduceProd, ReduceMean, ReduceMax, ReduceMin.
// Integers stay exact; float results are rounded to float32.
import { WgnnError } from '../../errors.ts';
import { broadcastShapes, broadcastStrides } from '../../shape.ts';
import { axesArg } from '../args.ts';
import { input, type Folder, type FoldContext } from './folder.ts';
import { allocate, ELEM_TYPE_OF, rowMajorStrides, type HostKind, type HostValue } from './value.ts';

/** How results of each kind are stored: float32 rounding, integers truncated (NumPy's astype). */
const ROUNDING: Record<HostKind, (x: number) => number> = { float: Math.fround, int: Math.trunc, bool: (x) => x };

/** f over the broadcast of `values`; the result has `kind` (the first input's when omitted). */
function broadcast(c: FoldContext, values: HostValue[], f: (...xs: number[]) => number, kind?: HostKind): HostValue {
  const dims = values.map((v) => v.dims).reduce((a, b) => broadcastShapes(c.where, a, b));
  const resultKind = kind ?? values[0].kind;
  const out = allocate(c.where, dims, resultKind, resultKind === values[0].kind ? values[0].elemType : ELEM_TYPE_OF[resultKind]);
  const strides = values.map((v) => broadcastStrides(v.dims, dims));
  const outStrides = rowMajorStrides(dims);
  const round = ROUNDING[resultKind];
  const args = new Array<number>(values.length);
  if (values.every((v) => v.data.length === out.data.length)) {
    // No broadcasting: element i of every input.
    for (let i = 0; i < out.data.length; i++) {
      for (let k = 0; k < values.length; k++) args[k] = values[k].data[i];
      out.data[i] = round(f(...args));
    }
    return out;
  }
  for (let i = 0; i < out.data.length; i++) {
    for (let k = 0; k < values.length; k++) {
      let offset = 0;
      for (let d = 0; d < dims.length; d++) offset += (Math.floor(i / outStrides[d]) % dims[d]) * strides[k][d];
      args[k] = values[k].data[offset];
    }
    out.data[i] = round(f(...args));
  }
  return out;
}

const present = (c: FoldContext) => c.inputs.filter((v): v is HostValue => v !== undefined);

function elementwise(f: (...xs: number[]) => number, kind?: HostKind): Folder {
  return { fold: (c) => [broadcast(c, present(c), f, kind)] };
}

/** Integer division truncates toward zero (C, as onnxruntime computes it); float division rounds. */
const div: Folder = {
  fold(c) {
    const [a, b] = [input(c, 0), input(c, 1)];
    if (a.kind === 'int' && b.data.includes(0)) throw new WgnnError(c.where, 'integer division by zero');
    return [broadcast(c, [a, b], a.kind === 'int' ? (x, y) => Math.trunc(x / y) : (x, y) => x / y)];
  },
};

/** Mod: fmod = 1 takes the dividend's sign (C fmod), fmod = 0 the divisor's (Python %). */
const mod: Folder = {
  fold(c) {
    const [a, b] = [input(c, 0), input(c, 1)];
    const cFmod = c.attrs.int('fmod', 0) === 1;
    if (a.kind === 'int' && b.data.includes(0)) throw new WgnnError(c.where, 'integer modulo by zero');
    return [broadcast(c, [a, b], (x, y) => {
      const r = x % y;
      return cFmod || r === 0 || Math.sign(r) === Math.sign(y) ? r : r + y;
    })];
  },
};

const mean: Folder = {
  fold(c) {
    const values = present(c);
    return [broadcast(c, values, (...xs) => xs.reduce((a, b) => a + b, 0) / xs.length)];
  },
};

/** Where(condition, x, y): the result has x's type. */
const where: Folder = {
  fold(c) {
    const [cond, x, y] = [input(c, 0), input(c, 1), input(c, 2)];
    const out = broadcast(c, [cond, x, y], (k, a, b) => (k ? a : b), x.kind);
    return [{ ...out, elemType: x.elemType }];
  },
};

type Reducer = { start: number; add: (acc: number, x: number) => number; finish?: (acc: number, n: number) => number };
const REDUCERS: Record<string, Reducer> = {
  ReduceSum: { start: 0, add: (a, x) => a + x },
  ReduceProd: { start: 1, add: (a, x) => a * x },
  ReduceMean: { start: 0, add: (a, x) => a + x, finish: (a, n) => a / n },
  ReduceMax: { start: -Infinity, add: (a, x) => Math.max(a, x) },
  ReduceMin: { start: Infinity, add: (a, x) => Math.min(a, x) },
};

/** axes as an attribute (before opset 13 for ReduceSum, 18 for the others) or input 1; keepdims, noop_with_empty_axes. */
function reduce(op: string): Folder {
  const r = REDUCERS[op];
  return {
    fold(c) {
      const x = input(c, 0);
      const axes = axesArg(c, 1, op === 'ReduceSum' ? 13 : 18, x.dims.length);
      if (!axes?.length && c.attrs.int('noop_with_empty_axes', 0) === 1) return [x];
      const reduced = new Set(axes?.length ? axes : x.dims.keys());
      const keep = c.attrs.int('keepdims', 1) === 1;
      const dims = x.dims.flatMap((d, i) => (reduced.has(i) ? (keep ? [1] : []) : [d]));
      const out = allocate(c.where, dims, x.kind, x.elemType).data.fill(r.start);
      const counts = new Float64Array(out.length);
      const strides = rowMajorStrides(x.dims);
      const kept = x.dims.map((d, i) => (reduced.has(i) ? 1 : d));
      const keptStrides = rowMajorStrides(kept);
      for (let i = 0; i < x.data.length; i++) {
        let o = 0;
        for (let d = 0; d < x.dims.length; d++) if (!reduced.has(d)) o += (Math.floor(i / strides[d]) % x.dims[d]) * keptStrides[d];
        out[o] = r.add(out[o], x.data[i]);
        counts[o]++;
      }
      const finish = r.finish;
      const round = ROUNDING[x.kind];
      const data = out.map((v, i) => round(finish ? finish(v, counts[i]) : v));
      return [{ dims, kind: x.kind, data, elemType: x.elemType }];
    },
  };
}

export const MATH_FOLDERS: Record<string, Folder> = {
  Add: elementwise((a, b) => a + b),
  Sub: elementwise((a, b) => a - b),
  Mul: elementwise((a, b) => a * b),
  Div: div,
  Mod: mod,
  Pow: elementwise((a, b) => a ** b),
  Min: elementwise(Math.min),
  Max: elementwise(Math.max),
  Sum: elementwise((...xs) => xs.reduce((a, b) => a + b, 0)),
  Mean: mean,
  Neg: elementwise((a) => -a),
  Abs: elementwise(Math.abs),
  Floor: elementwise(Math.floor),
  Ceil: elementwise(Math.ceil),
  Sqrt: elementwise(Math.sqrt),
  Reciprocal: elementwise((a) => 1 / a),
  Exp: elementwise(Math.exp),
  Log: elementwise(Math.log),
  Equal: elementwise((a, b) => Number(a === b), 'bool'),
  Less: elementwise((a, b) => Number(a < b), 'bool'),
  Greater: elementwise((a, b) => Number(a > b), 'bool'),
  LessOrEqual: elementwise((a, b) => Number(a <= b), 'bool'),
  GreaterOrEqual: elementwise((a, b) => Number(a >= b), 'bool'),
  Not: elementwise((a) => Number(!a), 'bool'),
  And: elementwise((a, b) => Number(a && b), 'bool'),
  Or: elementwise((a, b) => Number(a || b), 'bool'),
  Xor: elementwise((a, b) => Number(!a !== !b), 'bool'),
  Where: where,
  ...Object.fromEntries(Object.keys(REDUCERS).map((op) => [op, reduce(op)])),
};
