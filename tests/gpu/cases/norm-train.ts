// Training-mode normalization and dropout on the GPU vs their CPU references:
// batchNormTrain and batchNormBackward (shaders/batch_norm_*.wgsl) with both gather variants
// forced (one invocation per channel; a workgroup per channel), channel counts 1, 3, 5, 64, 67
// and 130 (not multiples of 4 or of the workgroup's channels), rank 1 to 4, one row, 4100 rows,
// and inputs around 1000 (a naive E[x^2] - E[x]^2 variance loses them); movingAverage
// (shaders/moving_average.wgsl) on an external buffer over several updates, its neighbours
// untouched; dropoutTrain and dropoutBackward (shaders/dropout.wgsl): the GPU's mask equals the
// CPU's bit for bit over seeds, steps, rates and sizes up to 100k elements.
import type { Engine, EngineOptions, Tensor } from '../../../src/index.ts';
import { batchNormBackwardReference, batchNormTrainReference } from '../../../src/ops/batch-norm-train/reference.ts';
import { dropoutBackwardOp, dropoutTrainOp } from '../../../src/ops/dropout-train/op.ts';
import { movingAverageOp } from '../../../src/ops/moving-average/op.ts';
import type { NormalizeVariant } from '../../../src/ops/normalize/dispatch.ts';
import { expectClose, F32, reduction, type Tolerance } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

const VARIANTS: NormalizeVariant[] = ['line', 'workgroup'];
const forcing = (variant: NormalizeVariant): EngineOptions['variants'] => ({ normalize: variant });
const EPSILON = 1e-3;

/** gamma's magnitudes in [0.5, 2) of either sign. */
const signed = (rng: Random, n: number) => rng.floats(n, 0.5, 2).map((v) => (rng.next() < 0.5 ? -v : v));

/**
 * y is computed from the float32 mean, which rounds an offset's last digit: y can only come
 * within |gamma| * invStd * ulp(offset) of the exact value, on top of the sum's error.
 */
function yTolerance(rows: number, offset: number, gamma: Float32Array, variance: Float32Array): Tolerance {
  const base = reduction(rows);
  if (!offset) return base;
  const gain = Math.max(...Array.from(gamma, (g, c) => Math.abs(g) / Math.sqrt(variance[c] + EPSILON)));
  return { ...base, atol: base.atol + gain * offset * 2 ** -23 };
}

function batchNormCase(shape: number[], variant: NormalizeVariant, offset = 0): GpuCase {
  const name = `batchNormTrain+backward [${shape}]${offset ? ` offset ${offset}` : ''} ${variant}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine(forcing(variant));
      const rng = new Random(seedOf(name));
      const C = shape[shape.length - 1];
      const count = product(shape);
      const rows = count / C;
      const x = { shape, data: rng.floats(count).map((v) => v + offset) };
      const gamma = { shape: [C], data: signed(rng, C) };
      const beta = { shape: [C], data: rng.floats(C) };
      const dY = { shape, data: rng.floats(count) };
      const info = { seed: rng.seed, shape };

      const forward = engine.runOp('batchNormTrain', [engine.tensor(shape, x.data), engine.tensor([C], gamma.data), engine.tensor([C], beta.data)], { epsilon: EPSILON });
      const want = batchNormTrainReference(x, gamma, beta, EPSILON);
      expectClose(`${name}: mean`, await forward[1].data(), want.mean.data, reduction(rows), info);
      expectClose(`${name}: variance`, await forward[2].data(), want.variance.data, reduction(rows), info);
      expectClose(`${name}: y`, await forward[0].data(), want.y.data, yTolerance(rows, offset, gamma.data, want.variance.data), info);

      // The backward from the reference's statistics, so each kernel is checked on its own.
      const stats = [want.mean, want.variance].map((t) => engine.tensor([C], t.data));
      const back = engine.runOp('batchNormBackward', [engine.tensor(shape, dY.data), engine.tensor(shape, x.data), engine.tensor([C], gamma.data), ...stats], { epsilon: EPSILON });
      const grads = batchNormBackwardReference(dY, x, gamma, want.mean, want.variance, EPSILON);
      expectClose(`${name}: dBeta`, await back[2].data(), grads.dBeta.data, reduction(rows), info);
      expectClose(`${name}: dGamma`, await back[1].data(), grads.dGamma.data, reduction(rows), info);
      expectClose(`${name}: dX`, await back[0].data(), grads.dX.data, reduction(rows), info);
    },
  };
}

/** Two averages in one 60-float buffer, at [3, 3 + a) and [20, 20 + b), updated `steps` times. */
function movingAverageCase(a: number, b: number, momentum: number, steps: number): GpuCase {
  const name = `movingAverage [${a}] at 3 and [${b}] at 20, momentum ${momentum}, ${steps} steps`;
  return {
    name,
    async run(ctx) {
      const engine: Engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const expected = rng.floats(60, -2, 2);
      const stats = engine.tensor([60], expected);
      const host = new Map([['stats', expected]]);
      for (let s = 0; s < steps; s++) {
        for (const [count, offset] of [[a, 3], [b, 20]]) {
          const values = rng.floats(count, -3, 3);
          const value = engine.tensor([count], values);
          const attrs = { buffer: 'stats', offset, momentum };
          if (engine.runOp('movingAverage', [value], attrs, { stats }).length !== 0) throw new Error(`${name}: an effect op returned tensors`);
          movingAverageOp.referenceEffects!([{ shape: [count], data: values }], attrs, host);
          value.dispose();
        }
      }
      const gpu = (await stats.data()) as Float32Array;
      expectClose(name, gpu, expected, F32, { seed: rng.seed, shape: [60] });
      const untouched = [0, 1, 2, 3 + a, 19, 20 + b, 59].filter((i) => i < 60 && !(i >= 3 && i < 3 + a) && !(i >= 20 && i < 20 + b));
      for (const i of untouched) if (gpu[i] !== expected[i]) throw new Error(`${name}: element ${i} outside the averages changed to ${gpu[i]}, expected ${expected[i]}`);
      stats.dispose();
    },
  };
}

/** dropoutTrain or dropoutBackward over `count` elements at step t: the kept set must equal the CPU's exactly. */
function dropoutCase(op: 'dropoutTrain' | 'dropoutBackward', count: number, rate: number, seed: number, t: number): GpuCase {
  const name = `${op} [${count}] rate ${rate} seed ${seed} step ${t}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      // Away from 0, so an output of 0 means dropped.
      const data = rng.floats(count, 0.5, 1.5).map((v) => (rng.next() < 0.5 ? -v : v));
      const step = Float32Array.of(0.01, t, 0.5, 0.5);
      const stepTensor = engine.tensor([4], step);
      const out = engine.runOp(op, [engine.tensor([count], data)], { rate, seed }, { step: stepTensor });
      const def = op === 'dropoutTrain' ? dropoutTrainOp : dropoutBackwardOp;
      const want = def.reference([{ shape: [count], data }], { rate, seed }, new Map([['step', step]]))[0].data;
      const got = (await out[0].data()) as Float32Array;
      const info = { seed: rng.seed, shape: [count] };
      const differ = got.findIndex((v, i) => (v === 0) !== (want[i] === 0));
      if (differ >= 0) throw new Error(`${name} (seed ${rng.seed}): element ${differ} is ${got[differ] === 0 ? 'dropped' : 'kept'} on the GPU, ${want[differ] === 0 ? 'dropped' : 'kept'} on the CPU`);
      expectClose(name, got, want, F32, info);
      stepTensor.dispose();
    },
  };
}

/** Without the 'step' buffer, dropout fails before any work, naming it. */
const missingStepCase: GpuCase = {
  name: 'dropoutTrain without its step buffer is an error',
  async run(ctx) {
    const engine = await ctx.engine();
    const x: Tensor = engine.tensor([4], [1, 2, 3, 4]);
    let message = '';
    try {
      engine.runOp('dropoutTrain', [x], { rate: 0.5, seed: 1 });
    } catch (error) {
      message = String(error);
    }
    if (!/binds the external buffer 'step', which was not given/.test(message)) throw new Error(`unexpected error: '${message}'`);
    x.dispose();
  },
};

const BATCH_SHAPES: [number[], number][] = [
  [[5], 0],
  [[1, 3], 0],
  [[4, 3], 0],
  [[2, 3, 5, 4], 0],
  [[3, 37, 5], 0],
  [[2, 4, 4, 67], 0],
  [[7, 130], 0],
  [[4100, 3], 0],
  [[2, 9, 9, 1], 0],
  [[5, 20, 64], 1000],
  [[2, 6, 6, 5], 1000],
];

export const normTrainCases: GpuCase[] = [
  ...BATCH_SHAPES.flatMap(([shape, offset]) => VARIANTS.map((v) => batchNormCase(shape, v, offset))),
  movingAverageCase(5, 33, 0.99, 3),
  movingAverageCase(1, 1, 0.5, 2),
  movingAverageCase(7, 40, 0, 1),
  missingStepCase,
  dropoutCase('dropoutTrain', 1, 0.5, 0, 1),
  dropoutCase('dropoutTrain', 7, 0.5, 12345, 1),
  dropoutCase('dropoutTrain', 1000, 0.1, 12345, 2),
  dropoutCase('dropoutTrain', 1000, 0.9, 4294967295, 1000),
  dropoutCase('dropoutTrain', 1000, 0, 99, 3),
  dropoutCase('dropoutTrain', 100_000, 0.5, 2024, 16_777_216),
  dropoutCase('dropoutTrain', 100_000, 0.3, 7, 5),
  dropoutCase('dropoutBackward', 4099, 0.25, 31337, 11),
  dropoutCase('dropoutBackward', 100_000, 0.5, 2024, 16_777_216),
];
