// layerNorm and instanceNorm (shaders/normalize.wgsl) on the GPU vs their CPU references, each
// with both variants forced (one invocation per line; a workgroup per line): row lengths 1, 3, 7,
// 64, 105, 333, 1025, ranks 1..5, axis 0 / 1 / -1, with and without bias and stats, line counts
// that are not multiples of the workgroup, inputs around 1000 (a naive E[x^2] - E[x]^2 variance
// loses them), instance norm channels last and first; and an ONNX model whose normalizations run
// on channels-last data (Conv -> InstanceNormalization -> LayerNormalization axis 1).
import { createEngine, loadOnnx, type EngineOptions } from '../../../src/index.ts';
import { NORMALIZE_VARIANTS, type NormalizeVariant } from '../../../src/ops/normalize/dispatch.ts';
import { instanceNormReference, layerNormReference, type ChannelLayout } from '../../../src/ops/normalize/reference.ts';
import { attr, buildModel } from '../../../src/onnx/build.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

const forcing = (variant: NormalizeVariant): EngineOptions['variants'] => ({ normalize: variant });

/** `count` values of `offset` + noise in [-1, 1). */
const data = (rng: Random, count: number, offset: number) => rng.floats(count).map((v) => v + offset);

interface LayerNormCase {
  shape: number[];
  axis: number;
  bias?: boolean;
  stats?: boolean;
  offset?: number;
}

function layerNormCase({ shape, axis, bias = true, stats = false, offset = 0 }: LayerNormCase, variant: NormalizeVariant): GpuCase {
  const name = `layerNorm [${shape}] axis ${axis}${bias ? '' : ' no bias'}${stats ? ' stats' : ''}${offset ? ` offset ${offset}` : ''} ${variant}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(forcing(variant));
      const rng = new Random(seedOf(name));
      const a = axis < 0 ? axis + shape.length : axis;
      const normalized = shape.slice(a);
      const len = product(normalized);
      const x = { shape, data: data(rng, product(shape), offset) };
      const scale = { shape: normalized, data: rng.floats(len, -2, 2) };
      const b = bias ? { shape: normalized, data: rng.floats(len) } : undefined;
      const epsilon = 1e-5;
      const inputs = [engine.tensor(shape, x.data), engine.tensor(normalized, scale.data), b && engine.tensor(normalized, b.data)];
      const out = engine.runOp('layerNorm', inputs, { axis, epsilon, stats });
      const expected = layerNormReference(x, scale, b, axis, epsilon);
      const info = { seed: rng.seed, shape };
      expectClose(`${name}: y`, await out[0].data(), expected.y.data, reduction(len), info);
      if (stats) {
        expectClose(`${name}: mean`, await out[1].data(), expected.mean.data, reduction(len), info);
        expectClose(`${name}: invStdDev`, await out[2].data(), expected.invStdDev.data, reduction(len), info);
      }
    },
  };
}

function instanceNormCase(shape: number[], layout: ChannelLayout, variant: NormalizeVariant, offset = 0): GpuCase {
  const name = `instanceNorm [${shape}] ${layout}${offset ? ` offset ${offset}` : ''} ${variant}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(forcing(variant));
      const rng = new Random(seedOf(name));
      const C = layout === 'channelsFirst' ? shape[1] : shape[shape.length - 1];
      const x = { shape, data: data(rng, product(shape), offset) };
      const scale = { shape: [C], data: rng.floats(C, -2, 2) };
      const bias = { shape: [C], data: rng.floats(C) };
      const epsilon = 1e-5;
      const out = engine.runOp('instanceNorm', [engine.tensor(shape, x.data), engine.tensor([C], scale.data), engine.tensor([C], bias.data)], { epsilon, layout })[0];
      const spatial = product(shape) / Math.max(shape[0] * C, 1);
      expectClose(name, await out.data(), instanceNormReference(x, scale, bias, epsilon, layout).data, reduction(spatial), { seed: rng.seed, shape });
    },
  };
}

const LAYER_NORMS: LayerNormCase[] = [
  { shape: [5, 1], axis: -1, stats: true },
  { shape: [4, 3], axis: 1, stats: true },
  { shape: [3, 7], axis: -1, bias: false },
  { shape: [64], axis: 0 },
  { shape: [2, 3, 64], axis: -1, stats: true },
  { shape: [3, 111], axis: 0, stats: true },
  { shape: [2, 333], axis: 1, bias: false, offset: 1000 },
  { shape: [3, 1025], axis: -1, stats: true, offset: 1000 },
  { shape: [2, 5, 7, 3], axis: 1 },
  { shape: [2, 3, 4, 37], axis: -1, bias: false, stats: true },
  { shape: [7, 3, 3, 64], axis: -1, offset: 1000 },
  { shape: [300, 7], axis: -1 },
];

const INSTANCE_NORMS: [number[], ChannelLayout, number?][] = [
  [[2, 5, 7, 3], 'channelsLast'],
  [[1, 4, 4, 33], 'channelsLast', 1000],
  [[2, 3, 5, 7], 'channelsFirst'],
  [[2, 9, 5], 'channelsLast'],
  [[2, 9, 5], 'channelsFirst'],
  [[1, 40, 40, 3], 'channelsLast', 1000],
  [[3, 1, 1, 70], 'channelsLast'],
  [[1, 2, 3, 4, 5], 'channelsFirst'],
];

/** Conv -> InstanceNormalization -> LayerNormalization(axis 1, Scale [C, 1, 1] broadcast): channels last throughout. */
function channelsLastModel(): Uint8Array {
  const rng = new Random(91);
  return buildModel({
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { opType: 'InstanceNormalization', inputs: ['c', 'is', 'ib'], outputs: ['i'], attributes: { epsilon: attr.float(1e-4) } },
      { opType: 'LayerNormalization', inputs: ['i', 'ls', 'lb'], outputs: ['y', 'mean'], attributes: { axis: attr.int(1) } },
    ],
    inputs: [{ name: 'x', shape: ['N', 3, 6, 5] }],
    outputs: [{ name: 'y', shape: ['N', 4, 6, 5] }, { name: 'mean', shape: ['N', 1, 1, 1] }],
    initializers: [
      { name: 'w', dims: [4, 3, 3, 3], data: rng.floats(108) },
      { name: 'b', dims: [4], data: rng.floats(4) },
      { name: 'is', dims: [4], data: rng.floats(4, 0.5, 2) },
      { name: 'ib', dims: [4], data: rng.floats(4) },
      { name: 'ls', dims: [4, 1, 1], data: rng.floats(4, 0.5, 2) },
      { name: 'lb', dims: [4, 6, 5], data: rng.floats(120) },
    ],
    opset: 17,
  });
}

export const normalizationCases: GpuCase[] = [
  ...NORMALIZE_VARIANTS.flatMap((v) => LAYER_NORMS.map((c) => layerNormCase(c, v))),
  ...NORMALIZE_VARIANTS.flatMap((v) => INSTANCE_NORMS.map(([shape, layout, offset]) => instanceNormCase(shape, layout, v, offset))),
  {
    name: 'onnx Conv -> InstanceNormalization -> LayerNormalization(axis 1) on channels-last data',
    async run(ctx) {
      const engine = await ctx.engine();
      const bytes = channelsLastModel();
      const x = { data: new Random(92).floats(2 * 3 * 6 * 5), shape: [2, 3, 6, 5] };
      const expected = await (await createEngine({ backend: 'cpu' })).compile(await loadOnnx(bytes)).run({ x });
      const actual = await engine.compile(await loadOnnx(bytes)).run({ x });
      expectClose('onnx normalizations: y', actual.y, expected.y, reduction(120), { seed: 92, shape: [2, 4, 6, 5] });
      expectClose('onnx normalizations: mean', actual.mean, expected.mean, reduction(120), { seed: 92, shape: [2, 1, 1, 1] });
    },
  },
];
