// The training form of a recurrentLayer node: ops that take Keras's parameters as they are, so
// that each one (the GRU's two bias rows included) gets its own gradient, as in Keras:
//   P = x · [kernel_fwd | kernel_bwd] (+ the input biases side by side)      one GEMM, all steps
//   y, h, c, saved = recurrentTrainForward(P, [rk_fwd | rk_bwd], a GRU with reset_after's bias rows)
//   y [B, T, D, H] viewed as [B, T, D*H] (concat), or merged by GEMMs with [1, 1], [.5, .5] or
//   the selectors [1, 0] and [0, 1] and a product (sum, ave, mul): ops that have gradient rules.
// The node's output values are written by the new nodes, so whatever read them is untouched.
// Training rewrites every recurrentLayer this way (rewriteRecurrentLayersForTraining, from
// src/train/step-graph.ts); inference does too where the weights are not constants (a model
// being trained evaluates and predicts through the same kernels, ./lower.ts).
import type { Graph, GraphNode, ValueId } from '../../graph/ir.ts';
import { LINEAR } from '../activation/kinds.ts';
import { GATES } from '../recurrent/layout.ts';
import { FORWARD_INPUTS, forwardSlots, type RecurrentTrainAttrs } from '../recurrent-train/attrs.ts';
import { directionsOf, layerOutputSlots, weightSlot, type RecurrentLayerAttrs, type WeightKind } from './attrs.ts';

/** Where the expansion puts its nodes: a graph (training) or a program being lowered. */
export interface Emitter {
  /** Adds a node; where `reuse[i]` is given, that existing value is its output i. */
  node(op: string, name: string, inputs: (ValueId | undefined)[], attrs: unknown, outputs: number, reuse?: (ValueId | undefined)[]): ValueId[];
  constant(name: string, shape: number[], data: Float32Array): ValueId;
}

export function trainAttrsOf(attrs: RecurrentLayerAttrs): RecurrentTrainAttrs {
  return { cell: attrs.cell, hiddenSize: attrs.units, numDirections: directionsOf(attrs), activations: attrs.activations, resetAfter: attrs.cell === 'gru' && attrs.resetAfter };
}

export function expandRecurrentLayer(emit: Emitter, node: GraphNode): void {
  const attrs = node.attrs as RecurrentLayerAttrs;
  const D = directionsOf(attrs);
  const GH = GATES[attrs.cell] * attrs.units;
  const name = (s: string) => `${node.name}/${s}`;
  const weights = (which: WeightKind) => Array.from({ length: D }, (_, d) => node.inputs[weightSlot(d, which)]);
  const sideBySide = (ids: (ValueId | undefined)[], axis: number, label: string): ValueId =>
    ids.length === 1 ? ids[0]! : emit.node('concat', name(label), ids, { axis }, 1)[0];
  const twoBiases = attrs.cell === 'gru' && attrs.resetAfter;
  const biases = weights('bias');
  const hasBias = biases[0] !== undefined;

  const kernel = sideBySide(weights('kernel'), 1, 'kernels'); // [I, D*G*H]
  const recurrent = sideBySide(weights('recurrentKernel'), 1, 'recurrent_kernels'); // [H, D*G*H]
  const inputBias = hasBias && !twoBiases ? sideBySide(biases, 0, 'biases') : undefined; // [D*G*H]
  // A GRU with reset_after: the bias rows go to the recurrence, which adds both, [D, 2, G*H].
  const biasRows = hasBias && twoBiases ? sideBySide(biases.map((b, d) => emit.node('reshape', name(`bias_rows${d}`), [b], { shape: [1, 2, GH] }, 1)[0]), 0, 'bias_rows') : undefined;
  const [projection] = emit.node('matmul', name('projection'), [node.inputs[0], kernel, inputBias], { transposeA: false, transposeB: false, activation: LINEAR }, 1);

  const layer = layerOutputSlots(attrs);
  const train = forwardSlots(attrs.cell);
  const reuse: (ValueId | undefined)[] = [];
  reuse[train.h] = node.outputs[layer.h];
  if (train.c !== undefined) reuse[train.c] = node.outputs[layer.c!];
  const inputs: (ValueId | undefined)[] = [];
  Object.assign(inputs, { [FORWARD_INPUTS.projection]: projection, [FORWARD_INPUTS.recurrent]: recurrent, [FORWARD_INPUTS.bias]: biasRows });
  const outputs = emit.node('recurrentTrainForward', name('recurrence'), [0, 1, 2].map((i) => inputs[i]), trainAttrsOf(attrs), Object.keys(train).length, reuse);
  if (layer.y === undefined) return;

  const y = outputs[train.y]; // [B, T, D, H]
  const target = [node.outputs[layer.y]];
  if (D === 1 || attrs.mergeMode === 'concat') {
    emit.node('reshape', name('sequence'), [y], { shape: [0, 0, -1] }, 1, target);
    return;
  }
  const pick = (label: string, weights: number[]) =>
    emit.node('matmul', name(label), [emit.constant(name(`${label}_weights`), [1, 2], Float32Array.from(weights)), y], { transposeA: false, transposeB: false, activation: LINEAR }, 1)[0];
  const merged =
    attrs.mergeMode === 'mul' ? emit.node('binary', name('mul'), [pick('forward', [1, 0]), pick('backward', [0, 1])], { op: 'mul' }, 1)[0] : pick(attrs.mergeMode, attrs.mergeMode === 'sum' ? [1, 1] : [0.5, 0.5]);
  emit.node('reshape', name('sequence'), [merged], { shape: [0, 0, -1] }, 1, target);
}

/** The graph emitter: new nodes go in place of the node they expand, so the order stays topological. */
export function rewriteRecurrentLayersForTraining(graph: Graph): void {
  for (const node of [...graph.nodes]) {
    if (node.op !== 'recurrentLayer') continue;
    const start = graph.nodes.length;
    expandRecurrentLayer(
      {
        node(op, label, inputs, attrs, count, reuse = []) {
          const outputs = graph.node(op, label, inputs, attrs, count);
          const added = graph.nodes[graph.nodes.length - 1];
          added.outputs = outputs.map((id, i) => reuse[i] ?? id);
          for (const id of added.outputs) graph.values[id].producer = added.id;
          return added.outputs;
        },
        constant: (label, shape, data) => graph.constant(label, shape, data),
      },
      node,
    );
    graph.nodes.splice(graph.nodes.indexOf(node), 1, ...graph.nodes.splice(start));
  }
}
