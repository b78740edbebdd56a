// Checks of dropout in training (dropoutTrain, dropoutBackward) on the CPU reference: the hash
// against MurmurHash3's fmix32 written again in BigInt arithmetic, rate 0 as the identity, kept
// values scaled by 1 / (1 - rate), the kept fraction within statistical bounds of 1 - rate over
// 100k elements (and no correlation between neighbouring elements or consecutive steps), new masks
// for new steps and seeds, the step read from the external 'step' buffer, the attribute checks,
// and the gradient rule through runGraphOnCpu with that buffer against central differences.
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/compile/infer.ts';
import { WgnnError } from '../../src/errors.ts';
import { Graph } from '../../src/graph/ir.ts';
import { createEngine } from '../../src/index.ts';
import { dropoutBits, mix32 } from '../../src/ops/dropout-train/hash.ts';
import { dropoutBackwardOp, dropoutTrainOp, type DropoutAttrs } from '../../src/ops/dropout-train/op.ts';
import type { HostTensor } from '../../src/ops/host-tensor.ts';
import { runGraphOnCpu } from '../../src/runtime/cpu-runner.ts';
import { backward, GradBuilder } from '../../src/train/grad.ts';
import { Random, seedOf } from '../harness/random.ts';

/** A 'step' buffer at step t: [learning rate, t]. */
const stepAt = (t: number) => new Map([['step', Float32Array.of(0.01, t)]]);
const run = (x: HostTensor, attrs: DropoutAttrs, t: number) => dropoutTrainOp.reference([x], attrs, stepAt(t))[0];
/** Inputs away from 0, so an output of 0 means dropped. */
const nonZero = (name: string, n: number): HostTensor => {
  const rng = new Random(seedOf(name));
  return { shape: [n], data: rng.floats(n, 0.5, 1.5).map((v) => (rng.next() < 0.5 ? -v : v)) };
};
const keptMask = (y: HostTensor) => Array.from(y.data, (v) => v !== 0);

/** fmix32 in exact integer arithmetic: no Math.imul, no int32 conversions to get wrong. */
function fmix32BigInt(value: number): number {
  const M = 2n ** 32n;
  let h = BigInt(value >>> 0);
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) % M;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) % M;
  h ^= h >> 16n;
  return Number(h);
}

describe('the dropout hash', () => {
  it('mix32 is MurmurHash3 fmix32 (checked against BigInt arithmetic), mapping u32 to u32', () => {
    const rng = new Random(seedOf('fmix32'));
    const values = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, ...Array.from({ length: 200 }, () => Math.floor(rng.next() * 2 ** 32))];
    for (const v of values) expect(mix32(v), `mix32(${v})`).toBe(fmix32BigInt(v));
    expect(mix32(0)).toBe(0);
  });

  it('dropoutBits mixes (seed, t) into a stream key, then the spread index into it', () => {
    const mul = (a: number, b: number) => Number((BigInt(a >>> 0) * BigInt(b)) % 2n ** 32n);
    for (const [seed, t, i] of [[0, 1, 0], [12345, 7, 99999], [0xffffffff, 2 ** 24, 2 ** 31 - 1]]) {
      const stream = fmix32BigInt(Number(BigInt(seed) ^ BigInt(mul(t, 0x9e3779b9))));
      expect(dropoutBits(seed, t, i)).toBe(fmix32BigInt(Number(BigInt(stream) ^ BigInt(mul(i, 0x85ebca77)))));
    }
  });
});

describe('dropoutTrain reference', () => {
  it('rate 0 is the identity, bit for bit', () => {
    const x = nonZero('identity', 1000);
    expect(run(x, { rate: 0, seed: 3 }, 1).data).toEqual(x.data);
  });

  it('kept values are x / (1 - rate), dropped ones 0; the shape is kept', () => {
    const x = { shape: [10, 10, 10], data: nonZero('scaled', 1000).data };
    const y = run(x, { rate: 0.3, seed: 11 }, 5);
    expect(y.shape).toEqual([10, 10, 10]);
    y.data.forEach((v, i) => expect(v === 0 || v === Math.fround(x.data[i] / 0.7), `element ${i}`).toBe(true));
  });

  for (const rate of [0.1, 0.5, 0.9]) {
    it(`rate ${rate}: the kept fraction of 100k elements is 1 - rate within 5 standard deviations, neighbours and consecutive steps independent`, () => {
      const n = 100_000;
      const x = nonZero(`fraction ${rate}`, n);
      const attrs = { rate, seed: seedOf(`seed ${rate}`) };
      const [a, b] = [keptMask(run(x, attrs, 41)), keptMask(run(x, attrs, 42))];
      const p = 1 - rate;
      const within = (count: number, pairs: number, q: number) => expect(Math.abs(count - pairs * q)).toBeLessThan(5 * Math.sqrt(pairs * q * (1 - q)));
      within(a.filter(Boolean).length, n, p);
      within(a.filter((k, i) => k && a[i + 1]).length, n - 1, p * p);
      within(a.filter((k, i) => k && b[i]).length, n, p * p);
    });
  }

  it('different steps and seeds give different masks; the same (seed, t) the same mask', () => {
    const x = nonZero('masks', 4096);
    const mask = (seed: number, t: number) => keptMask(run(x, { rate: 0.5, seed }, t)).map(Number).join('');
    const masks = [mask(1, 1), mask(1, 2), mask(1, 3), mask(2, 1), mask(2, 2), mask(0, 1)];
    expect(new Set(masks).size).toBe(masks.length);
    expect(mask(1, 2)).toBe(masks[1]);
  });

  it('dropoutBackward applies the same mask and scale to dY', () => {
    const x = nonZero('backward x', 500);
    const dY = nonZero('backward dY', 500);
    const attrs = { rate: 0.4, seed: 77 };
    const y = run(x, attrs, 9);
    const dX = dropoutBackwardOp.reference([dY], attrs, stepAt(9))[0];
    dX.data.forEach((v, i) => expect(v).toBe(y.data[i] === 0 ? 0 : Math.fround(dY.data[i] / 0.6)));
  });

  it('reads t from the external step buffer, which must be given and hold an integer', () => {
    const x = nonZero('step', 4);
    expect(() => dropoutTrainOp.reference([x], { rate: 0.5, seed: 1 })).toThrow(/needs the external buffer 'step'/);
    expect(() => dropoutTrainOp.reference([x], { rate: 0.5, seed: 1 }, stepAt(1.5))).toThrow(/t = 1.5 in 'step' slot 1 must be an integer/);
  });

  it('checks rate, seed and dtype', () => {
    const spec = { shape: [3], dtype: 'float32' as const };
    expect(dropoutTrainOp.infer('d', [spec], { rate: 0.5, seed: 0 })).toEqual([spec]);
    const bad: [unknown[], DropoutAttrs, RegExp][] = [
      [[spec], { rate: 1, seed: 0 }, /rate 1 must be in \[0, 1\)/],
      [[spec], { rate: 1 - 2 ** -40, seed: 0 }, /must be in \[0, 1\)/],
      [[spec], { rate: -0.1, seed: 0 }, /rate -0.1 must be in \[0, 1\)/],
      [[spec], { rate: Number.NaN, seed: 0 }, /rate NaN/],
      [[spec], { rate: 0.5, seed: -1 }, /seed -1 must be an integer in \[0, 2\^32\)/],
      [[spec], { rate: 0.5, seed: 2 ** 32 }, /seed 4294967296 must be an integer/],
      [[{ shape: [3], dtype: 'int32' }], { rate: 0.5, seed: 0 }, /x must be float32, got int32/],
    ];
    for (const [inputs, attrs, message] of bad) {
      expect(() => dropoutTrainOp.infer('d', inputs as never, attrs)).toThrow(WgnnError);
      expect(() => dropoutTrainOp.infer('d', inputs as never, attrs)).toThrow(message);
    }
    expect(() => dropoutBackwardOp.infer('db', [undefined], { rate: 0.5, seed: 0 })).toThrow(/needs dY/);
  });
});

describe('dropout through the CPU engine', () => {
  it('runOp reads t from the given step tensor', async () => {
    const engine = await createEngine({ backend: 'cpu' });
    const x = nonZero('engine', 64);
    const attrs = { rate: 0.5, seed: 5 };
    const step = engine.tensor([2], Float32Array.of(0.01, 3));
    const [y] = engine.runOp('dropoutTrain', [engine.tensor([64], x.data)], attrs, { step });
    expect(await y.data()).toEqual(run(x, attrs, 3).data);
    expect(() => engine.runOp('dropoutTrain', [engine.tensor([64], x.data)], attrs)).toThrow(/needs the external buffer 'step'/);
  });
});

describe('dropoutTrain gradient rule (through runGraphOnCpu with the step buffer)', () => {
  it('dX = dropoutBackward(dY) matches central differences of sum(dropoutTrain(x) * probe) at a fixed t', () => {
    const shape = [6, 7];
    const rng = new Random(seedOf('dropout grad'));
    const forward = new Graph();
    const x = forward.input('x', shape);
    const y = forward.node('dropoutTrain', 'drop', [x], { rate: 0.35, seed: 2024 })[0];
    forward.setOutputs([y]);
    const shapes = new Map([[x, shape]]);
    const graph = forward.clone();
    const b = new GradBuilder(graph, inferShapes(graph, shapes));
    const probe = rng.floats(42);
    const dx = backward(b, new Map([[y, b.constant('probe', shape, probe)]]), [x]).get(x)!;
    expect(graph.nodes.map((n) => n.op)).toEqual(['dropoutTrain', 'dropoutBackward']);
    graph.setOutputs([dx]);

    const data = rng.floats(42);
    const externals = stepAt(17);
    const analytic = runGraphOnCpu(graph, shapes, [data], externals)[0] as Float32Array;
    const loss = (d: Float32Array) => (runGraphOnCpu(forward, shapes, [d], externals)[0] as Float32Array).reduce((s, v, i) => s + v * probe[i], 0);
    const eps = 1e-2;
    let dropped = 0;
    analytic.forEach((a, i) => {
      const at = (delta: number) => Float32Array.from(data, (v, m) => (m === i ? v + delta : v));
      const numeric = (loss(at(eps)) - loss(at(-eps))) / (2 * eps);
      expect(Math.abs(a - numeric), `element ${i}`).toBeLessThan(1e-4);
      if (a === 0) dropped++;
    });
    // Both kinds of element occur (a mask of all ones or all zeros would test less).
    expect(dropped).toBeGreaterThan(5);
    expect(dropped).toBeLessThan(37);
  });
});
