// The loss op (shaders/loss.wgsl) on the GPU vs its CPU reference: every kind, from logits and
// from probabilities, rows of 1, 3, 10, 6 (rank 3) and 257 values, with and without per-row
// weights; probabilities with exact 0s and 1s (the clip), logits of +-1000, and sparse labels
// that are out of range or fractional (NaN in their row only).
import type { Engine } from '../../../src/index.ts';
import { CROSSENTROPY_KINDS, LOSS_KINDS, type LossAttrs, type LossKind } from '../../../src/ops/loss/op.ts';
import { lossReference } from '../../../src/ops/loss/reference.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

interface Inputs {
  pred: Float32Array;
  target: Float32Array;
  weights?: Float32Array;
}

/** Inputs for `kind` on pred [rows, F]: probabilities include exact 0s and 1s to hit the clip. */
function makeInputs(rng: Random, kind: LossKind, fromLogits: boolean, rows: number, F: number, extreme: boolean): Inputs {
  const n = rows * F;
  let pred: Float32Array;
  if (extreme) pred = Float32Array.from({ length: n }, (_, i) => [1000, -1000, rng.uniform(-3, 3)][i % 3]);
  else if (fromLogits) pred = rng.floats(n, -4, 4);
  else if (CROSSENTROPY_KINDS.includes(kind)) pred = rng.floats(n, 0, 1).map((v, i) => (i % 7 === 3 ? 0 : kind === 'binaryCrossentropy' && i % 11 === 5 ? 1 : v));
  else pred = rng.floats(n, -2, 2);
  if (kind === 'sparseCategoricalCrossentropy') return { pred, target: Float32Array.from({ length: rows }, () => rng.int(0, F - 1)) };
  return { pred, target: CROSSENTROPY_KINDS.includes(kind) ? rng.floats(n, 0, 1) : rng.floats(n, -2, 2) };
}

async function runLoss(engine: Engine, shape: number[], kind: LossKind, { pred, target, weights }: Inputs, attrs: LossAttrs) {
  const targetShape = kind === 'sparseCategoricalCrossentropy' ? shape.slice(0, -1) : shape;
  const rows = product(shape.slice(0, -1));
  const tensors = [engine.tensor(shape, pred), engine.tensor(targetShape, target), weights && engine.tensor([rows], weights)];
  const [rowLoss, dPred] = engine.runOp('loss', tensors, attrs);
  return { rowLoss: Float32Array.from(await rowLoss.data()), dPred: Float32Array.from(await dPred.data()) };
}

interface LossCase {
  kind: LossKind;
  fromLogits: boolean;
  shape: number[];
  weighted: boolean;
  delta?: number;
  extreme?: boolean;
}

function lossCase({ kind, fromLogits, shape, weighted, delta, extreme = false }: LossCase): GpuCase {
  const name = `loss ${kind}${fromLogits ? ' fromLogits' : ''} [${shape}]${weighted ? ' weighted' : ''}${delta ? ` delta ${delta}` : ''}${extreme ? ' logits +-1000' : ''}`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const F = shape[shape.length - 1];
      const rows = product(shape.slice(0, -1));
      const inputs = makeInputs(rng, kind, fromLogits, rows, F, extreme);
      if (weighted) inputs.weights = rng.floats(rows, 0, 2);
      const attrs: LossAttrs = { kind, fromLogits, delta, scale: 1 / rows };
      const got = await runLoss(engine, shape, kind, inputs, attrs);
      const targetShape = kind === 'sparseCategoricalCrossentropy' ? shape.slice(0, -1) : shape;
      const [rowLoss, dPred] = lossReference({ shape, data: inputs.pred }, { shape: targetShape, data: inputs.target }, inputs.weights && { shape: [rows], data: inputs.weights }, attrs);
      const info = { seed: rng.seed, shape };
      expectClose(`${name}: rowLoss`, got.rowLoss, rowLoss.data, reduction(F), info);
      expectClose(`${name}: dPred`, got.dPred, dPred.data, reduction(F), info);
    },
  };
}

/** A sparse label that is no class index (out of range, or fractional) makes its row NaN and only its row. */
function badLabelCase(fromLogits: boolean, bad: number): GpuCase {
  const shape = [5, 10];
  const badRow = 2;
  const name = `loss sparseCategoricalCrossentropy${fromLogits ? ' fromLogits' : ''} label ${bad} in row ${badRow}: NaN row`;
  return {
    name,
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(name));
      const kind = 'sparseCategoricalCrossentropy';
      const inputs = makeInputs(rng, kind, fromLogits, 5, 10, false);
      const attrs: LossAttrs = { kind, fromLogits, scale: 0.2 };
      const [rowLoss, dPred] = lossReference({ shape, data: inputs.pred }, { shape: [5], data: inputs.target }, undefined, attrs);
      inputs.target[badRow] = bad;
      const got = await runLoss(engine, shape, kind, inputs, attrs);
      const nanRow = (values: Float32Array, width: number, what: string) => {
        for (let i = badRow * width; i < (badRow + 1) * width; i++) {
          if (!Number.isNaN(values[i])) throw new Error(`${name}: ${what}[${i}] = ${values[i]}, expected NaN`);
        }
      };
      nanRow(got.rowLoss, 1, 'rowLoss');
      nanRow(got.dPred, 10, 'dPred');
      const others = (values: Float32Array, width: number) => values.filter((_, i) => Math.floor(i / width) !== badRow);
      const info = { seed: rng.seed, shape };
      expectClose(`${name}: other rows' rowLoss`, others(got.rowLoss, 1), others(rowLoss.data, 1), reduction(10), info);
      expectClose(`${name}: other rows' dPred`, others(got.dPred, 10), others(dPred.data, 10), reduction(10), info);
    },
  };
}

const SHAPES = [[1, 1], [7, 3], [5, 10], [4, 3, 6], [33, 257]];
const COMBOS: [LossKind, boolean][] = LOSS_KINDS.flatMap((k) => (CROSSENTROPY_KINDS.includes(k) ? [[k, false], [k, true]] : [[k, false]]) as [LossKind, boolean][]);

export const lossCases: GpuCase[] = [
  ...COMBOS.flatMap(([kind, fromLogits]) => SHAPES.flatMap((shape) => [false, true].map((weighted) => lossCase({ kind, fromLogits, shape, weighted })))),
  lossCase({ kind: 'huber', fromLogits: false, shape: [5, 10], weighted: true, delta: 0.4 }),
  ...CROSSENTROPY_KINDS.map((kind) => lossCase({ kind, fromLogits: true, shape: [7, 3], weighted: false, extreme: true })),
  badLabelCase(true, 10),
  badLabelCase(false, -1),
  badLabelCase(true, 2.5),
];
