// Gradient cases of the recurrent layers in training (src/ops/recurrent-train/grad.ts and the
// training form of recurrentLayer, src/ops/recurrent-layer/expand.ts): recurrentTrainForward on
// its own (projection, recurrent kernels, a GRU's bias rows, initial states; the loss reads y, the
// final h and the LSTM's final c), and whole layers as training rewrites them (the projection
// GEMM, the directions' weights side by side, the merges of Bidirectional), with Keras's weights
// as inputs. Small awkward shapes: T 1-5, B 1-3, H 1-6 (no multiple of 4 above 4), I 2-3.
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import { normalizeRecurrentActivation } from '../../src/ops/recurrent/activations.ts';
import { GATES, type CellKind } from '../../src/ops/recurrent/layout.ts';
import type { LayerMergeMode, RecurrentLayerAttrs } from '../../src/ops/recurrent-layer/attrs.ts';
import { rewriteRecurrentLayersForTraining } from '../../src/ops/recurrent-layer/expand.ts';
import { forwardSlots, type RecurrentTrainAttrs } from '../../src/ops/recurrent-train/attrs.ts';
import type { GradCase } from './grad-check.ts';

const act = (name: string) => normalizeRecurrentActivation({ name });
const ACTIVATIONS: Record<CellKind, ReturnType<typeof act>[]> = {
  lstm: [act('Sigmoid'), act('Tanh'), act('Tanh')],
  gru: [act('Sigmoid'), act('Tanh')],
  simpleRnn: [act('Tanh')],
};

/** Every output flattened per batch entry and joined: one loss reads them all. */
function joined(g: Graph, outputs: ValueId[]): ValueId {
  const flat = outputs.map((id, i) => g.node('reshape', `flat${i}`, [id], { shape: [0, -1] })[0]);
  return flat.length === 1 ? flat[0] : g.node('concat', 'joined', flat, { axis: 1 })[0];
}

interface OpCase {
  cell: CellKind;
  resetAfter?: boolean;
  D: number;
  B: number;
  T: number;
  H: number;
  bias?: boolean;
  h0?: boolean;
  c0?: boolean;
}

function opCase(c: OpCase): GradCase {
  const G = GATES[c.cell];
  const attrs: RecurrentTrainAttrs = { cell: c.cell, hiddenSize: c.H, numDirections: c.D, activations: ACTIVATIONS[c.cell], resetAfter: c.cell === 'gru' && (c.resetAfter ?? true) };
  const optional: [boolean | undefined, number[]][] = [[c.bias, [c.D, 2, G * c.H]], [c.h0, [c.B, c.D, c.H]], [c.c0, [c.B, c.D, c.H]]];
  const inputs = [[c.B, c.T, c.D * G * c.H], [c.H, c.D * G * c.H], ...optional.filter(([on]) => on).map(([, shape]) => shape)];
  const name = `recurrentTrainForward ${c.cell}${c.cell === 'gru' ? ` reset_after=${attrs.resetAfter}` : ''} D${c.D} B${c.B} T${c.T} H${c.H}${c.bias ? ' bias rows' : ''}${c.h0 ? ' h0' : ''}${c.c0 ? ' c0' : ''}`;
  return {
    name,
    inputs,
    build: (g, [projection, recurrent, ...rest]) => {
      const given = optional.map(([on]) => (on ? rest.shift() : undefined));
      const outputs = g.node('recurrentTrainForward', 'rnn', [projection, recurrent, ...given], attrs, Object.keys(forwardSlots(c.cell)).length);
      const slots = forwardSlots(c.cell);
      return joined(g, [outputs[slots.y], outputs[slots.h], ...(slots.c !== undefined ? [outputs[slots.c]] : [])]);
    },
  };
}

interface LayerCase {
  cell: CellKind;
  resetAfter?: boolean;
  bidirectional?: LayerMergeMode;
  B: number;
  T: number;
  I: number;
  H: number;
  returnSequences?: boolean;
  /** The loss also reads the final states. */
  states?: boolean;
  useBias?: boolean;
}

function layerCase(c: LayerCase): GradCase {
  const G = GATES[c.cell];
  const D = c.bidirectional ? 2 : 1;
  const resetAfter = c.cell === 'gru' && (c.resetAfter ?? true);
  const useBias = c.useBias ?? true;
  const weights = [[c.I, G * c.H], [c.H, G * c.H], ...(useBias ? [resetAfter ? [2, G * c.H] : [G * c.H]] : [])];
  const attrs: RecurrentLayerAttrs = {
    cell: c.cell, units: c.H, inputSize: c.I, activations: ACTIVATIONS[c.cell], resetAfter,
    direction: D === 2 ? 'bidirectional' : 'forward', mergeMode: c.bidirectional ?? 'concat', returnSequences: c.returnSequences ?? true,
  };
  const name = `${c.cell} layer${c.cell === 'gru' ? ` reset_after=${resetAfter}` : ''}${c.bidirectional ? ` bidirectional ${c.bidirectional}` : ''} B${c.B} T${c.T} I${c.I} H${c.H}${attrs.returnSequences ? '' : ' last output'}${c.states ? ' + states' : ''}${useBias ? '' : ' no bias'}`;
  return {
    name,
    inputs: [[c.B, c.T, c.I], ...Array.from({ length: D }, () => weights).flat()],
    build: (g, [x, ...w]) => {
      const perDirection = Array.from({ length: D }, (_, d) => {
        const [kernel, recurrent, bias] = w.slice(d * weights.length, (d + 1) * weights.length);
        return [kernel, recurrent, useBias ? bias : undefined];
      }).flat();
      const count = 1 + Number(c.cell === 'lstm') + Number(attrs.returnSequences);
      const outputs = g.node('recurrentLayer', 'layer', [x, ...perDirection], attrs, count);
      rewriteRecurrentLayersForTraining(g);
      const sequence = attrs.returnSequences ? [outputs[count - 1]] : [];
      const states = c.states || !attrs.returnSequences ? outputs.slice(0, count - sequence.length) : [];
      return joined(g, [...sequence, ...states]);
    },
  };
}

export const RNN_GRAD_CASES: GradCase[] = [
  opCase({ cell: 'lstm', D: 1, B: 2, T: 4, H: 3 }),
  opCase({ cell: 'lstm', D: 2, B: 1, T: 3, H: 2, h0: true, c0: true }),
  opCase({ cell: 'gru', D: 1, B: 3, T: 2, H: 3, bias: true, h0: true }),
  opCase({ cell: 'gru', resetAfter: false, D: 2, B: 2, T: 3, H: 2, h0: true }),
  opCase({ cell: 'gru', D: 2, B: 1, T: 5, H: 1, bias: true }),
  opCase({ cell: 'simpleRnn', D: 1, B: 2, T: 5, H: 5 }),
  opCase({ cell: 'simpleRnn', D: 2, B: 3, T: 1, H: 1, h0: true }),
  layerCase({ cell: 'lstm', B: 2, T: 3, I: 3, H: 2, states: true }),
  layerCase({ cell: 'lstm', bidirectional: 'concat', B: 1, T: 4, I: 2, H: 3, returnSequences: false, useBias: false }),
  layerCase({ cell: 'gru', bidirectional: 'sum', B: 2, T: 3, I: 2, H: 3 }),
  layerCase({ cell: 'gru', resetAfter: false, bidirectional: 'mul', B: 2, T: 2, I: 3, H: 2, states: true }),
  layerCase({ cell: 'gru', resetAfter: false, B: 3, T: 4, I: 2, H: 6 }),
  layerCase({ cell: 'simpleRnn', bidirectional: 'ave', B: 2, T: 5, I: 3, H: 1 }),
];
