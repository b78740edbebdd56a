// The CPU references of reduce and argReduce on hand-worked examples, properties from the
// definitions (reducing axes one after another, empty reductions, NaN), and the op's errors.
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { argReduceOp } from '../../src/ops/reduce/arg-reduce.ts';
import { reduceOp, reduceRuns } from '../../src/ops/reduce/op.ts';
import { argReduceReference, REDUCE_KINDS, reduceReference, type ReduceKind } from '../../src/ops/reduce/reference.ts';
import { Random } from '../harness/random.ts';

const t = (shape: number[], values: number[]): HostTensor => ({ shape, data: Float32Array.from(values) });
const X = t([2, 3], [1, 2, 3, 4, 5, 6]);
const values = (r: HostTensor) => [...r.data];
const ints = (r: HostTensor) => [...(r.data as unknown as Int32Array)];

describe('reduceReference: hand-worked examples on [[1, 2, 3], [4, 5, 6]]', () => {
  const cases: [ReduceKind, number[], number[]][] = [
    ['sum', [1], [6, 15]],
    ['sum', [0], [5, 7, 9]],
    ['sum', [0, 1], [21]],
    ['mean', [1], [2, 5]],
    ['mean', [0], [2.5, 3.5, 4.5]],
    ['max', [1], [3, 6]],
    ['min', [0], [1, 2, 3]],
    ['prod', [1], [6, 120]],
    ['prod', [0, 1], [720]],
    ['l1', [1], [6, 15]],
    ['l2', [0], [Math.sqrt(17), Math.sqrt(29), Math.sqrt(45)]],
    ['sumSquare', [1], [14, 77]],
    ['logSum', [1], [Math.log(6), Math.log(15)]],
    ['logSumExp', [1], [Math.log(Math.E + Math.E ** 2 + Math.E ** 3), Math.log(Math.E ** 4 + Math.E ** 5 + Math.E ** 6)]],
  ];
  for (const [kind, axes, expected] of cases) {
    it(`${kind} over [${axes}], with and without keepDims`, () => {
      const kept = reduceReference(X, kind, axes, true);
      expect(kept.shape).toEqual([0, 1].map((d) => (axes.includes(d) ? 1 : X.shape[d])));
      const dropped = reduceReference(X, kind, axes, false);
      expect(dropped.shape).toEqual(X.shape.filter((_, d) => !axes.includes(d)));
      for (const r of [kept, dropped]) values(r).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    });
  }

  it('L1 and L2 take magnitudes: [[1, -2, 3], [-4, 5, -6]] and [[3, -4], [0, 0]]', () => {
    expect(values(reduceReference(t([2, 3], [1, -2, 3, -4, 5, -6]), 'l1', [1], false))).toEqual([6, 15]);
    expect(values(reduceReference(t([2, 2], [3, -4, 0, 0]), 'l2', [1], false))).toEqual([5, 0]);
  });
});

describe('reduceReference: axes', () => {
  const cube = t([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]);

  it('reduces non-neighbouring axes together: [2, 2, 2] over axes 0 and 2', () => {
    const r = reduceReference(cube, 'sum', [0, 2], true);
    expect(r.shape).toEqual([1, 2, 1]);
    expect(values(r)).toEqual([0 + 1 + 4 + 5, 2 + 3 + 6 + 7]);
    expect(values(reduceReference(cube, 'max', [1], false))).toEqual([2, 3, 6, 7]);
  });

  it('empty axes reduce nothing: each output is the kind over its one value', () => {
    const x = t([3], [-2, 0.5, 4]);
    const of = (kind: ReduceKind) => values(reduceReference(x, kind, [], false));
    expect(reduceReference(x, 'sum', [], false).shape).toEqual([3]);
    expect(of('sum')).toEqual([-2, 0.5, 4]);
    expect(of('mean')).toEqual([-2, 0.5, 4]);
    expect(of('l2')).toEqual([2, 0.5, 4]);
    expect(of('sumSquare')).toEqual([4, 0.25, 16]);
    expect(of('logSumExp')).toEqual([-2, 0.5, 4]);
    expect(of('logSum')[2]).toBeCloseTo(Math.log(4), 6);
  });

  it('a scalar reduces over no axes to itself', () => {
    expect(reduceReference(t([], [3]), 'mean', [], true)).toEqual({ shape: [], data: Float32Array.of(3) });
  });

  it('reducing several axes equals reducing them one after another (sum, max, min, prod)', () => {
    const rng = new Random(0x5ed);
    const x = t([3, 4, 2, 5], [...rng.floats(120, 0.5, 1.5)]);
    for (const kind of ['sum', 'max', 'min', 'prod'] as const) {
      const together = reduceReference(x, kind, [1, 3], false);
      const inTurn = reduceReference(reduceReference(x, kind, [3], false), kind, [1], false);
      expect(together.shape).toEqual([3, 2]);
      values(together).forEach((v, i) => expect(v, `${kind} seed ${rng.seed}`).toBeCloseTo(inTurn.data[i], 5));
    }
  });
});

describe('reduceReference: edge values', () => {
  it('an empty reduction gives the identity of each kind (NumPy: mean of nothing is NaN)', () => {
    const empty = t([2, 0], []);
    const expected: Record<ReduceKind, number> = {
      sum: 0, mean: NaN, max: -Infinity, min: Infinity, prod: 1, l1: 0, l2: 0, sumSquare: 0, logSum: -Infinity, logSumExp: -Infinity,
    };
    for (const kind of REDUCE_KINDS) {
      const r = reduceReference(empty, kind, [1], true);
      expect(r.shape).toEqual([2, 1]);
      expect(values(r), kind).toEqual([expected[kind], expected[kind]]);
    }
  });

  it('logSumExp is stable: no overflow at 1000, infinities pass through', () => {
    expect(reduceReference(t([2], [1000, 1000]), 'logSumExp', [0], false).data[0]).toBeCloseTo(1000 + Math.log(2), 3);
    expect(reduceReference(t([2], [-1000, -1000]), 'logSumExp', [0], false).data[0]).toBeCloseTo(-1000 + Math.log(2), 3);
    expect(values(reduceReference(t([2], [-Infinity, -Infinity]), 'logSumExp', [0], false))).toEqual([-Infinity]);
    expect(values(reduceReference(t([2], [Infinity, 1]), 'logSumExp', [0], false))).toEqual([Infinity]);
  });

  it('a NaN makes max and min NaN, and sum too', () => {
    const x = t([3], [1, NaN, 3]);
    for (const kind of ['max', 'min', 'sum'] as const) expect(reduceReference(x, kind, [0], false).data[0], kind).toBeNaN();
  });
});

describe('argReduceReference', () => {
  const ties = t([2, 3], [1, 3, 3, 2, 2, 0]);

  it('arg max / arg min along the last axis, ties to the first or, with selectLast, the last', () => {
    expect(ints(argReduceReference(ties, 'max', 1, false, false))).toEqual([1, 0]);
    expect(ints(argReduceReference(ties, 'max', 1, false, true))).toEqual([2, 1]);
    expect(ints(argReduceReference(ties, 'min', 1, false, false))).toEqual([0, 2]);
    expect(ints(argReduceReference(t([1, 3], [1, 1, 2]), 'min', 1, false, true))).toEqual([1]);
  });

  it('along the first axis, with and without keepDims', () => {
    const kept = argReduceReference(ties, 'max', 0, true, false);
    expect(kept.shape).toEqual([1, 3]);
    expect(ints(kept)).toEqual([1, 0, 0]);
    const dropped = argReduceReference(ties, 'min', 0, false, true);
    expect(dropped.shape).toEqual([3]);
    expect(ints(dropped)).toEqual([0, 1, 1]);
  });

  it('along a middle axis of [2, 3, 2]', () => {
    const x = t([2, 3, 2], [0, 9, 5, 1, 5, 2, 7, 7, 7, 8, 6, 8]);
    expect(ints(argReduceReference(x, 'max', 1, false, false))).toEqual([1, 0, 0, 1]);
    expect(ints(argReduceReference(x, 'max', 1, false, true))).toEqual([2, 0, 1, 2]);
  });

  it('the first NaN wins (NumPy), the last with selectLast', () => {
    const x = t([4], [1, NaN, 5, NaN]);
    expect(ints(argReduceReference(x, 'max', 0, false, false))).toEqual([1]);
    expect(ints(argReduceReference(x, 'min', 0, false, false))).toEqual([1]);
    expect(ints(argReduceReference(x, 'max', 0, false, true))).toEqual([3]);
  });
});

describe('reduce runs (how the kernel walks the input)', () => {
  it('drops size-1 axes and merges neighbours with the same role', () => {
    // [N, H, W, C] mean over H, W: one kept run N, one reduced run H*W of stride C, one kept run C.
    const { kept, reduced } = reduceRuns([2, 5, 7, 3], [1, 2]);
    expect(kept.filter((r) => r.size > 1)).toEqual([{ size: 2, stride: 105 }, { size: 3, stride: 1 }]);
    expect(reduced.filter((r) => r.size > 1)).toEqual([{ size: 35, stride: 3 }]);
    expect(reduceRuns([4, 1, 6], [0, 1]).reduced.filter((r) => r.size > 1)).toEqual([{ size: 4, stride: 6 }]);
  });
});

describe('reduce plans: few outputs of long reductions in two passes', () => {
  const ctx = (forced?: string) => ({ limits: { maxComputeWorkgroupsPerDimension: 65535 }, forcedVariants: forced ? { reduce: forced } : {} }) as never;
  const plan = (shape: number[], axes: number[], kind: ReduceKind = 'sum', forced?: string) => {
    const [out] = reduceOp.infer('r', [{ shape, dtype: 'float32' }], { kind, axes, keepDims: false });
    return reduceOp.plan([{ shape, dtype: 'float32' }], [out], { kind, axes, keepDims: false }, ctx(forced));
  };
  it('cuts the outermost reduced run into chunks, then reduces the chunks', () => {
    const bias = plan([64, 30, 30, 16], [0, 1, 2], 'sum', 'scalar'); // a conv bias gradient: 16 sums of 57600
    expect(bias.dispatches).toHaveLength(2);
    expect(bias.dispatches[0].params).toMatchObject({ outCount: 64 * 16, reduceCount: 900, keptDims: [64, 1, 1, 16], keptStrides: [14400, 0, 0, 1], redDims: [1, 1, 1, 900], redStrides: [0, 0, 0, 16] });
    expect(bias.dispatches[1].params).toMatchObject({ outCount: 16, reduceCount: 64, keptDims: [1, 1, 1, 16], redDims: [1, 1, 1, 64], redStrides: [0, 0, 0, 16] });
    // The same in vec4s (the default: the channels are kept, 16 of them): counts and strides / 4.
    const vec4 = plan([64, 30, 30, 16], [0, 1, 2]);
    expect(vec4.dispatches.map((d) => d.shader.name)).toEqual(['reduce.wgsl (vec4)', 'reduce.wgsl (vec4)']);
    expect(vec4.dispatches[0].params).toMatchObject({ outCount: 64 * 4, reduceCount: 900, keptDims: [64, 1, 1, 4], keptStrides: [3600, 0, 0, 1], redDims: [1, 1, 1, 900], redStrides: [0, 0, 0, 4] });
    expect(vec4.dispatches[1].params).toMatchObject({ outCount: 4, reduceCount: 64, keptDims: [1, 1, 1, 4], redDims: [1, 1, 1, 64], redStrides: [0, 0, 0, 4] });
    expect(plan([5, 7, 6], [1]).dispatches[0].shader.name).toBe('reduce.wgsl'); // 6 channels
    expect(plan([5, 8], [1]).dispatches[0].shader.name).toBe('reduce.wgsl'); // the innermost axis reduced
    expect(() => plan([5, 7, 6], [1], 'sum', 'vec4')).toThrow(/reduce: variant vec4 needs the innermost axis kept and its size a multiple of 4/);
    expect(bias.scratchBytes).toEqual([64 * 16 * 4]);
    expect(plan([4096, 3], [0], 'mean').dispatches.map((d) => d.params.reduceCount)).toEqual([64, 64]);
  });
  it('keeps one pass for many outputs, short or prime-length runs, and kinds that do not compose', () => {
    expect(plan([4096, 1024], [0]).dispatches).toHaveLength(1);
    expect(plan([100, 3], [0]).dispatches).toHaveLength(1);
    expect(plan([4099, 3], [0]).dispatches).toHaveLength(1);
    expect(plan([4096, 3], [0], 'l2').dispatches).toHaveLength(1);
    expect(plan([2, 3, 2, 3, 2, 3, 2, 3 * 512], [1, 3, 5, 7]).dispatches).toHaveLength(1); // four kept runs: no slot for the chunks
  });
});

describe('reduce / argReduce errors', () => {
  const spec = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ shape, dtype });
  it('rejects bad axes, non-float input and ranks above 8', () => {
    expect(() => reduceOp.infer('r', [spec([2, 3])], { kind: 'sum', axes: [2], keepDims: true })).toThrow(/axes \[2\] must be distinct normalized axes of \[2, 3\]/);
    expect(() => reduceOp.infer('r', [spec([2, 3])], { kind: 'sum', axes: [1, 1], keepDims: true })).toThrow(/distinct/);
    expect(() => reduceOp.infer('r', [spec([2, 3], 'int32')], { kind: 'sum', axes: [1], keepDims: true })).toThrow(/float32/);
    expect(() => reduceOp.infer('r', [spec(new Array(9).fill(1))], { kind: 'sum', axes: [], keepDims: true })).toThrow(/rank <= 8/);
    expect(() => reduceOp.infer('r', [spec([2])], { kind: 'median' as ReduceKind, axes: [0], keepDims: true })).toThrow(/unknown reduction 'median'/);
  });

  it('rejects arg max over an empty axis or a scalar, and gives int32', () => {
    expect(() => argReduceOp.infer('a', [spec([2, 0])], { kind: 'max', axis: 1, keepDims: true, selectLast: false })).toThrow(/axis 1 of \[2, 0\] is empty/);
    expect(() => argReduceOp.infer('a', [spec([])], { kind: 'max', axis: 0, keepDims: true, selectLast: false })).toThrow(/scalar/);
    expect(argReduceOp.infer('a', [spec([2, 5, 3])], { kind: 'min', axis: -2, keepDims: false, selectLast: false })).toEqual([{ shape: [2, 3], dtype: 'int32' }]);
  });
});
