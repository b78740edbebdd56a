// Pooling and the other CNN layers on the GPU vs the CPU references: max/avg pooling 1-D and
// 2-D (stride, dilation, pads, same/valid, ceil mode, count_include_pad), global pooling,
// depth-to-space and batch norm (standalone and folded into a convolution).
import type { Padding } from '../../../src/index.ts';
import { foldBatchNormIntoWeights } from '../../../src/ops/batch-norm/fold.ts';
import { batchNormReference } from '../../../src/ops/batch-norm/reference.ts';
import { resolvePads } from '../../../src/ops/conv2d/geometry.ts';
import { conv2dReference } from '../../../src/ops/conv2d/reference.ts';
import { depthToSpaceReference, type DepthToSpaceMode } from '../../../src/ops/depth-to-space/reference.ts';
import type { PoolVariant } from '../../../src/ops/pool2d/op.ts';
import { globalPoolReference, pool2dReference, type PoolKind } from '../../../src/ops/pool2d/reference.ts';
import { expectClose, F32, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

interface PoolConfig {
  kind: PoolKind;
  shape: [number, number, number, number];
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  padding: Padding;
  ceilMode: boolean;
  countIncludePad: boolean;
}

function poolCase(c: PoolConfig, variant?: PoolVariant): GpuCase {
  const name = `${c.kind}Pool2d [${c.shape}] k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilations.join('x')} p${typeof c.padding === 'string' ? c.padding : `[${c.padding}]`}${c.ceilMode ? ' ceil' : ''}${c.countIncludePad ? ' include-pad' : ''}${variant ? ` ${variant}` : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(variant && { pool2d: variant });
      const rng = new Random(seedOf(name));
      const x = { shape: [...c.shape], data: rng.floats(product(c.shape)) };
      const pads = resolvePads('test', c.padding, [c.shape[1], c.shape[2]], c.kernel, c.strides, c.dilations, 2);
      const expected = pool2dReference(x, { ...c, pads });
      const options = { kernel: c.kernel, strides: c.strides, dilations: c.dilations, padding: c.padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad };
      const t = engine.tensor(x.shape, x.data);
      const out = c.kind === 'max' ? engine.maxPool2d(t, options) : engine.avgPool2d(t, options);
      if (out.shape.join() !== expected.shape.join()) throw new Error(`${name}: shape [${out.shape}] != [${expected.shape}]`);
      expectClose(name, await out.data(), expected.data, F32, { seed: rng.seed, shape: expected.shape });
    },
  };
}

function pool1dCase(kind: PoolKind, length: number, kernel: number, stride: number, padding: Padding, ceilMode: boolean): GpuCase {
  const name = `${kind}Pool1d L${length} k${kernel} s${stride} p${typeof padding === 'string' ? padding : `[${padding}]`}${ceilMode ? ' ceil' : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape: [2, 1, length, 3], data: rng.floats(2 * length * 3) };
      const pads2d = typeof padding === 'string' ? padding : [0, padding[0], 0, padding[1]];
      const pads = resolvePads('test', pads2d, [1, length], [1, kernel], [1, stride], [1, 1], 2);
      const expected = pool2dReference(x, { kind, kernel: [1, kernel], strides: [1, stride], dilations: [1, 1], pads, ceilMode, countIncludePad: true });
      const t = engine.tensor([2, length, 3], x.data);
      const options = { kernel, strides: stride, padding, ceilMode, countIncludePad: true };
      const out = kind === 'max' ? engine.maxPool1d(t, options) : engine.avgPool1d(t, options);
      expectClose(name, await out.data(), expected.data, F32, { seed: rng.seed, shape: out.shape });
    },
  };
}

function globalCase(kind: PoolKind, shape: [number, number, number, number], variant?: PoolVariant): GpuCase {
  const name = `global ${kind} pool [${shape}]${variant ? ` ${variant}` : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(variant && { pool2d: variant });
      const rng = new Random(seedOf(name));
      const x = { shape: [...shape], data: rng.floats(product(shape)) };
      const expected = globalPoolReference(x, kind);
      const t = engine.tensor(shape, x.data);
      const out = kind === 'max' ? engine.globalMaxPool2d(t) : engine.globalAvgPool2d(t);
      if (out.shape.join() !== `${shape[0]},${shape[3]}`) throw new Error(`${name}: shape [${out.shape}]`);
      expectClose(name, await out.data(), expected.data, reduction(shape[1] * shape[2]), { seed: rng.seed, shape: out.shape });
    },
  };
}

function depthToSpaceCase(shape: [number, number, number, number], blockSize: number, mode: DepthToSpaceMode): GpuCase {
  const name = `depthToSpace [${shape}] block ${blockSize} ${mode}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const x = { shape: [...shape], data: rng.floats(product(shape)) };
      const expected = depthToSpaceReference(x, blockSize, mode);
      const out = engine.depthToSpace(engine.tensor(shape, x.data), blockSize, mode);
      expectClose(name, await out.data(), expected.data, { atol: 0, rtol: 0 }, { seed: rng.seed, shape: expected.shape });
    },
  };
}

function batchNormCases(): GpuCase[] {
  const standalone: GpuCase = {
    name: 'batchNorm standalone [3, 5, 4, 7] then relu',
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(this.name));
      const x = { shape: [3, 5, 4, 7], data: rng.floats(420) };
      const p = { scale: rng.floats(7), bias: rng.floats(7), mean: rng.floats(7), variance: rng.floats(7, 0.1, 2), epsilon: 1e-3 };
      const expected = batchNormReference(x, p).data.map((v) => Math.max(v, 0));
      const out = engine.batchNorm(engine.tensor(x.shape, x.data), p, 'relu');
      expectClose(this.name, await out.data(), expected, F32, { seed: rng.seed, shape: x.shape });
    },
  };
  const folded: GpuCase = {
    name: 'batchNorm folded into a conv2d equals conv then batchNorm',
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(this.name));
      const x = { shape: [2, 6, 5, 3], data: rng.floats(180) };
      const w = { shape: [3, 3, 3, 4], data: rng.floats(108) };
      const bias = rng.floats(4);
      const p = { scale: rng.floats(4), bias: rng.floats(4), mean: rng.floats(4), variance: rng.floats(4, 0.1, 2), epsilon: 1e-5 };
      const conv = conv2dReference(x, w, { strides: [1, 1], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1, bias: { shape: [4], data: bias } });
      const expected = batchNormReference(conv, p);
      const fold = foldBatchNormIntoWeights('test', w.data, bias, p);
      const out = engine.conv2d(engine.tensor(x.shape, x.data), engine.tensor(w.shape, fold.weights), { padding: 'same', bias: engine.tensor([4], fold.bias) });
      expectClose(this.name, await out.data(), expected.data, reduction(27), { seed: rng.seed, shape: expected.shape });
    },
  };
  return [standalone, folded];
}

const b: PoolConfig = { kind: 'max', shape: [1, 7, 6, 3], kernel: [2, 2], strides: [2, 2], dilations: [1, 1], padding: 'valid', ceilMode: false, countIncludePad: false };
const POOLS: PoolConfig[] = ['max', 'avg'].flatMap((kind) => [
  { ...b, kind },
  { ...b, kind, kernel: [3, 3], strides: [1, 1], padding: 'same' },
  { ...b, kind, kernel: [3, 2], strides: [2, 3], padding: [1, 0, 1, 1] },
  { ...b, kind, kernel: [3, 3], strides: [2, 2], ceilMode: true },
  { ...b, kind, kernel: [3, 3], strides: [2, 2], padding: [1, 1, 1, 1], ceilMode: true },
  { ...b, kind, kernel: [3, 3], strides: [2, 2], padding: [1, 1, 1, 1], ceilMode: true, countIncludePad: true },
  { ...b, kind, kernel: [2, 3], strides: [1, 1], padding: [1, 2, 0, 1], countIncludePad: true },
  { ...b, kind, shape: [3, 9, 11, 5], kernel: [3, 3], strides: [3, 2], padding: 'same-lower' },
  { ...b, kind, kernel: [7, 6], strides: [1, 1] }, // window = input
  ...(kind === 'max' ? [{ ...b, kind, kernel: [2, 2] as [number, number], strides: [1, 1] as [number, number], dilations: [2, 3] as [number, number], padding: [1, 1, 0, 2] }] : []),
] as PoolConfig[]);

/** The same windows over whole vec4s of channels, each variant forced (auto takes vec4 there). */
const withChannels = (c: PoolConfig, C: number): PoolConfig => ({ ...c, shape: [c.shape[0], c.shape[1], c.shape[2], C] });

export const poolCases: GpuCase[] = [
  ...POOLS.map((c) => poolCase(c)),
  ...POOLS.map((c) => poolCase(withChannels(c, c.shape[3] === 5 ? 12 : 8), 'vec4')),
  poolCase(withChannels(POOLS[1], 8), 'scalar'),
  poolCase(withChannels(POOLS[12], 8), 'scalar'),
  globalCase('avg', [2, 7, 5, 12], 'vec4'),
  globalCase('max', [2, 7, 5, 12], 'vec4'),
  pool1dCase('max', 11, 3, 2, [1, 1], true),
  pool1dCase('avg', 11, 3, 2, [1, 1], true),
  pool1dCase('avg', 8, 2, 2, 'valid', false),
  globalCase('avg', [2, 7, 5, 9]),
  globalCase('max', [2, 7, 5, 9]),
  globalCase('avg', [1, 1, 1, 3]),
  depthToSpaceCase([2, 3, 4, 8], 2, 'DCR'),
  depthToSpaceCase([2, 3, 4, 8], 2, 'CRD'),
  depthToSpaceCase([1, 2, 3, 27], 3, 'CRD'),
  ...batchNormCases(),
];
