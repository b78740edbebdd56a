// The recurrent layers' training kernels on the GPU vs their CPU references:
// recurrentTrainForward (shaders/{lstm,gru,rnn}_train_forward.wgsl) and recurrentBackward
// (*_train_backward.wgsl), each cell and both GRU forms, one and two directions, every variant
// forced (the whole sequence in one dispatch; one dispatch per step; the vec4 kernels both ways,
// on the LSTMs and GRUs whose units are a multiple of 4), batch tiles of 1,
// 2, 4 and 8 entries with a partial last tile (B 5, 9, 17), with and without initial states, each
// gradient input alone and together, units 1 to 70 and 260 (16 and 48: the LSTM's vec4 backward
// then sums four quads of rows per invocation; 260: more units than invocations, each
// takes several), T 1 to 20, and the non-default activations. The backward runs on the
// reference's saved values, so each kernel is checked on its own; outputs are poisoned. Then whole
// models: fit steps of stacked LSTM, bidirectional GRU and simple RNN layers against the CPU
// backend, and the same weights bit for bit from two runs with one seed.
import { createEngine, layers, sequential, type Engine, type EngineOptions } from '../../../src/index.ts';
import type { HostTensor } from '../../../src/ops/host-tensor.ts';
import { normalizeRecurrentActivation } from '../../../src/ops/recurrent/activations.ts';
import { GATES, type CellKind } from '../../../src/ops/recurrent/layout.ts';
import { BACKWARD_INPUTS, backwardSlots, FORWARD_INPUTS, forwardSlots, type RecurrentTrainAttrs } from '../../../src/ops/recurrent-train/attrs.ts';
import { RECURRENT_TRAIN_VARIANTS, vec4Fits, type RecurrentTrainVariant } from '../../../src/ops/recurrent-train/launch.ts';
import { recurrentBackwardReference, recurrentTrainForwardReference } from '../../../src/ops/recurrent-train/reference.ts';
import { BUFFERS } from '../../../src/train/step-graph.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random, seedOf } from '../../harness/random.ts';
import { product, type GpuCase } from './case.ts';

const act = (name: string) => normalizeRecurrentActivation({ name });
const DEFAULTS: Record<CellKind, ReturnType<typeof act>[]> = {
  lstm: [act('Sigmoid'), act('Tanh'), act('Tanh')],
  gru: [act('Sigmoid'), act('Tanh')],
  simpleRnn: [act('Tanh')],
};

interface TrainCase {
  cell: CellKind;
  resetAfter?: boolean;
  D: number;
  B: number;
  T: number;
  H: number;
  initial?: boolean;
  /** Which gradients the backward gets (default all the cell has). */
  grads?: ('dY' | 'dHN' | 'dCN')[];
  activations?: ReturnType<typeof act>[];
}

function trainCase(c: TrainCase, variant: RecurrentTrainVariant): GpuCase {
  const attrs: RecurrentTrainAttrs = { cell: c.cell, hiddenSize: c.H, numDirections: c.D, activations: c.activations ?? DEFAULTS[c.cell], resetAfter: c.cell === 'gru' && (c.resetAfter ?? true) };
  const grads = c.grads ?? (c.cell === 'lstm' ? ['dY', 'dHN', 'dCN'] : ['dY', 'dHN']);
  const name = `${c.cell}${c.cell === 'gru' ? ` reset_after=${attrs.resetAfter}` : ''} D${c.D} B${c.B} T${c.T} H${c.H} ${variant}${c.initial ? ' with initial states' : ''} from ${grads.join('+')}${c.activations ? ` ${c.activations.map((a) => a.name).join('/')}` : ''}`;
  return {
    name,
    async run(ctx) {
      const engine: Engine = await ctx.engine({ recurrentTrain: variant } as EngineOptions['variants']);
      const rng = new Random(seedOf(name));
      const { B, T, D, H } = c;
      const G = GATES[c.cell];
      const t = (shape: number[], scale = 1): HostTensor => ({ shape, data: rng.floats(product(shape), -scale, scale) });
      const inputs: (HostTensor | undefined)[] = [];
      inputs[FORWARD_INPUTS.projection] = t([B, T, D * G * H], 1.5);
      inputs[FORWARD_INPUTS.recurrent] = t([H, D * G * H], 2 / Math.sqrt(H));
      if (attrs.resetAfter) inputs[FORWARD_INPUTS.bias] = t([D, 2, G * H], 0.5);
      if (c.initial) inputs[FORWARD_INPUTS.h0] = t([B, D, H]);
      if (c.initial && c.cell === 'lstm') inputs[FORWARD_INPUTS.c0] = t([B, D, H]);
      const info = { seed: rng.seed, shape: [B, T, D, H] };
      const tol = reduction(G * H * T);
      const gpu = (list: (HostTensor | undefined)[]) => Array.from({ length: list.length }, (_, i) => (list[i] ? engine.tensor(list[i]!.shape, list[i]!.data) : undefined));

      const out = forwardSlots(c.cell);
      const want = recurrentTrainForwardReference(inputs, attrs);
      const got = engine.runOp('recurrentTrainForward', gpu(inputs), attrs);
      for (const [label, slot] of Object.entries(out)) expectClose(`${name}: forward ${label}`, await got[slot].data(), want[slot].data, tol, info);

      const back: (HostTensor | undefined)[] = [];
      if (grads.includes('dY')) back[BACKWARD_INPUTS.dY] = t([B, T, D, H]);
      if (grads.includes('dHN')) back[BACKWARD_INPUTS.dHN] = t([B, D, H]);
      if (grads.includes('dCN')) back[BACKWARD_INPUTS.dCN] = t([B, D, H]);
      back[BACKWARD_INPUTS.recurrent] = inputs[FORWARD_INPUTS.recurrent];
      back[BACKWARD_INPUTS.saved] = want[out.saved];
      const wantBack = recurrentBackwardReference(back, attrs);
      const gotBack = engine.runOp('recurrentBackward', gpu(back), attrs);
      for (const [label, slot] of Object.entries(backwardSlots(attrs))) expectClose(`${name}: backward ${label}`, await gotBack[slot].data(), wantBack[slot].data, tol, info);
    },
  };
}

const CASES: TrainCase[] = [
  { cell: 'lstm', D: 1, B: 1, T: 1, H: 1 },
  { cell: 'lstm', D: 1, B: 3, T: 5, H: 6, initial: true },
  { cell: 'lstm', D: 2, B: 2, T: 4, H: 5, grads: ['dHN'] },
  { cell: 'lstm', D: 1, B: 2, T: 3, H: 3, grads: ['dCN'], activations: [act('HardSigmoid'), act('Softsign'), act('Elu')] },
  { cell: 'lstm', D: 1, B: 2, T: 20, H: 70, grads: ['dY'] },
  { cell: 'lstm', D: 2, B: 17, T: 3, H: 5, initial: true },
  // Units a multiple of 4, which the vec4 variants take (and the others too).
  { cell: 'lstm', D: 1, B: 5, T: 4, H: 8, initial: true },
  { cell: 'lstm', D: 2, B: 9, T: 3, H: 4, grads: ['dHN'] },
  { cell: 'lstm', D: 1, B: 17, T: 6, H: 12, grads: ['dCN'], activations: [act('HardSigmoid'), act('Softsign'), act('Elu')] },
  { cell: 'lstm', D: 1, B: 3, T: 20, H: 68, grads: ['dY'] },
  { cell: 'lstm', D: 2, B: 2, T: 2, H: 260, initial: true },
  // Units a multiple of 16: the vec4 backward sums four quads of R's rows per invocation.
  { cell: 'lstm', D: 2, B: 9, T: 3, H: 16, grads: ['dHN', 'dCN'] },
  { cell: 'lstm', D: 1, B: 17, T: 4, H: 48, initial: true },
  { cell: 'gru', D: 1, B: 3, T: 5, H: 6, initial: true },
  { cell: 'gru', D: 2, B: 2, T: 3, H: 3, grads: ['dY'] },
  { cell: 'gru', D: 1, B: 9, T: 4, H: 3, initial: true },
  { cell: 'gru', resetAfter: false, D: 2, B: 5, T: 3, H: 6 },
  { cell: 'gru', resetAfter: false, D: 1, B: 2, T: 4, H: 5, initial: true },
  { cell: 'gru', resetAfter: false, D: 2, B: 1, T: 2, H: 70, grads: ['dHN'], activations: [act('Sigmoid'), act('Softplus')] },
  // Units a multiple of 4, which the vec4 variants take (the GRU's backward has a vec4 form).
  { cell: 'gru', D: 1, B: 5, T: 4, H: 8, initial: true },
  { cell: 'gru', D: 2, B: 9, T: 3, H: 4, grads: ['dY'] },
  { cell: 'gru', resetAfter: false, D: 2, B: 17, T: 4, H: 12, initial: true },
  { cell: 'gru', resetAfter: false, D: 1, B: 3, T: 6, H: 68, grads: ['dHN'], activations: [act('HardSigmoid'), act('Softsign')] },
  { cell: 'gru', D: 1, B: 2, T: 2, H: 260, grads: ['dY'] },
  { cell: 'simpleRnn', D: 1, B: 3, T: 5, H: 1, initial: true },
  { cell: 'simpleRnn', D: 2, B: 2, T: 4, H: 6, activations: [act('Relu')] },
  { cell: 'simpleRnn', D: 1, B: 1, T: 3, H: 260, grads: ['dY'] },
  { cell: 'simpleRnn', D: 1, B: 17, T: 2, H: 3, initial: true, activations: [act('Relu')] },
];

/** Stacked recurrent layers of every kind, as the model API builds them for training. */
const stacked = () =>
  sequential(
    [
      layers.lstm({ units: 8, returnSequences: true }), // units a multiple of 4: the vec4 backward
      layers.bidirectional(layers.gru({ units: 3, returnSequences: true }), { mergeMode: 'sum' }), // scalar kernels
      layers.gru({ units: 4, returnSequences: true }), // vec4
      layers.simpleRNN({ units: 4 }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { inputShape: [6, 2] },
  );

const modelCases: GpuCase[] = [
  {
    name: 'LSTM -> bidirectional GRU (sum) -> simple RNN -> dense: three fit steps on WebGPU equal the CPU reference\'s (gradients, parameters)',
    async run(ctx) {
      const rng = new Random(seedOf(this.name));
      const x = { data: rng.floats(20 * 6 * 2), shape: [20, 6, 2] };
      const y = Float32Array.from({ length: 20 }, (_, i) => i % 2);
      const results: Float32Array[][] = [];
      for (const engine of [await ctx.engine(), await createEngine({ backend: 'cpu' })] as Engine[]) {
        const t = engine.compile(stacked(), { optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'binaryCrossentropy' });
        await t.fit(x, y, { epochs: 1, batchSize: 7, shuffle: false });
        results.push([await t.trainingSession.readExternal(BUFFERS.grads), await t.trainingSession.readExternal(BUFFERS.params)]);
        t.dispose();
      }
      const [[gpuGrads, gpuParams], [cpuGrads, cpuParams]] = results;
      expectClose(`${this.name}: gradients of the last step`, gpuGrads, cpuGrads, reduction(7 * 6 * 12), { seed: rng.seed, shape: [gpuGrads.length] });
      expectClose(`${this.name}: parameters after 3 steps`, gpuParams, cpuParams, reduction(7 * 6 * 12), { seed: rng.seed, shape: [gpuParams.length] });
    },
  },
  {
    name: 'training recurrent layers twice with one seed gives the same weights bit for bit (no atomics)',
    async run(ctx) {
      const engine = await ctx.engine();
      const rng = new Random(seedOf(this.name));
      const x = { data: rng.floats(24 * 6 * 2), shape: [24, 6, 2] };
      const y = Float32Array.from({ length: 24 }, (_, i) => i % 2);
      const weights: Float32Array[] = [];
      for (let run = 0; run < 2; run++) {
        const model = stacked();
        const t = engine.compile(model, { optimizer: 'adam', loss: 'binaryCrossentropy' });
        await t.fit(x, y, { epochs: 2, batchSize: 8, seed: 5 });
        await t.syncWeights();
        weights.push(model.getWeights('lstm_1').recurrentKernel, model.getWeights('gru_1')['backward/bias']);
        t.dispose();
      }
      weights.slice(0, 2).forEach((w, i) => {
        if (w.some((v, k) => v !== weights[2 + i][k])) throw new Error(`two runs with one seed gave different weights (${i === 0 ? 'lstm_1 recurrentKernel' : 'gru_1 backward/bias'})`);
      });
    },
  },
];

/** Every case on every variant that takes it (the vec4 ones: LSTMs and GRUs with units a multiple of 4). */
const casesFor = (variant: RecurrentTrainVariant) => CASES.filter((c) => !variant.startsWith('vec4') || vec4Fits(c.cell, c.H));

export const recurrentTrainCases: GpuCase[] = [...RECURRENT_TRAIN_VARIANTS.flatMap((variant) => casesFor(variant).map((c) => trainCase(c, variant))), ...modelCases];
