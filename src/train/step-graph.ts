// The graph of one training (or evaluation, or prediction) step for one batch shape: the
// model's forward graph with its trainable weights moved to the 'params' buffer, the loss (one
// stable kernel that also gives the gradient of the model's output; a final softmax or sigmoid
// is folded into a cross-entropy on logits), the metrics' running sums, the backward graph
// derived by grad.ts writing each parameter's gradient into 'grads', and the optimizer's update.
// It compiles and runs like any graph: one command buffer, one submit per step.
import { inferShapes } from '../compile/infer.ts';
import { WgnnError } from '../errors.ts';
import type { Graph, GraphNode, ValueId } from '../graph/ir.ts';
import { VIEW_OPS } from '../graph/ops.ts';
import { LINEAR, resolveActivation, type ResolvedActivation } from '../ops/activation/kinds.ts';
import type { OptimizerAttrs } from '../ops/optimizer/op.ts';
import { rewriteRecurrentLayersForTraining } from '../ops/recurrent-layer/expand.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { backward, GradBuilder } from './grad.ts';
import type { ParamLayout } from './params.ts';
import type { Loss, Metric } from './spec.ts';

/** The external buffers a step graph reads and writes. */
export const BUFFERS = { params: 'params', variables: 'variables', grads: 'grads', state: 'optimizerState', step: 'step', metrics: 'metrics', dataX: 'data:x', dataY: 'data:y' } as const;

/** Running sums: slot 0 the loss, then one per metric. */
export const LOSS_SLOT = 0;

export type StepMode = 'train' | 'evaluate' | 'predict';

export interface StepSpec {
  mode: StepMode;
  loss: Loss;
  metrics: Metric[];
  optimizer: OptimizerAttrs;
  /** Rows of x and y come from the uploaded training set ('data:x', 'data:y') by batch indices, or are inputs. */
  gather: { rows: number } | undefined;
  /** Per-row weights (Keras class weights) as an input. */
  weighted: boolean;
}

export interface StepGraph {
  graph: Graph;
  /** The step's inputs, in order: x (or batch indices), then labels and weights where the mode has them. */
  inputShapes: Map<ValueId, number[]>;
  /** Rows the loss averages over (batch x every dim but the last). */
  rows: number;
}

/** The node that writes `id`, looking through views. */
function producerOf(graph: Graph, id: ValueId): GraphNode | undefined {
  const node = graph.nodes.find((n) => n.outputs.includes(id));
  return node && VIEW_OPS.has(node.op) ? producerOf(graph, node.inputs[0]!) : node;
}

/** The uploaded training set of model input `i` (input 0's keeps the name 'data:x'). */
export const dataXBuffer = (i: number): string => (i === 0 ? BUFFERS.dataX : `${BUFFERS.dataX}${i}`);

/**
 * `forward` is the model's graph (one or more inputs, one output); `sampleShapes` the shape of one
 * sample of each input (the batch dim excluded), `batch` the batch size of this step.
 */
export function buildStepGraph(forward: Graph, layout: ParamLayout, variables: ParamLayout, spec: StepSpec, sampleShapes: number[][], labelSample: number[], batch: number): StepGraph {
  if (forward.outputs.length !== 1) {
    throw new WgnnError('compile', `training takes models of one output; this one has ${forward.outputs.length}`);
  }
  if (sampleShapes.length !== forward.inputs.length) throw new WgnnError('compile', `the model has ${forward.inputs.length} inputs, the step was given ${sampleShapes.length}`);
  const graph = forward.clone();
  for (const [slots, buffer] of [[layout.slots, BUFFERS.params], [variables.slots, BUFFERS.variables]] as const) {
    for (const slot of slots) {
      const v = graph.values[slot.id];
      delete v.data;
      v.external = { buffer, offset: slot.offset };
    }
  }
  if (spec.mode === 'train') trainingModeOps(graph, variables);
  const xs = [...graph.inputs];
  const inputShapes = new Map<ValueId, number[]>();
  if (spec.gather) {
    // The batch's rows of each uploaded input, gathered on the GPU by index: the model's inputs are
    // no longer the step's inputs, the batch's indices are.
    graph.inputs.splice(0, xs.length);
    const indices = graph.input('batch_indices', [batch], 'int32');
    inputShapes.set(indices, [batch]);
    const added = graph.nodes.length;
    xs.forEach((x, i) => {
      const table = graph.external(dataXBuffer(i), [spec.gather!.rows, sizeOf(sampleShapes[i])], { buffer: dataXBuffer(i), offset: 0 });
      const [rows] = graph.node('embedding', `data/x${i}_rows`, [table, indices], {});
      graph.nodes.push({ id: graph.nodes.length, name: `data/x${i}`, op: 'reshape', inputs: [rows], outputs: [x], attrs: { shape: [batch, ...sampleShapes[i]] } });
      graph.values[x].producer = graph.nodes.length - 1;
    });
    graph.nodes.unshift(...graph.nodes.splice(added)); // before the model's nodes: the order stays topological
  } else {
    xs.forEach((x, i) => inputShapes.set(x, [batch, ...sampleShapes[i]]));
  }
  const specs = inferShapes(graph, inputShapes);
  const b = new GradBuilder(graph, specs);
  const output = graph.outputs[0];
  if (spec.mode === 'predict') return { graph, inputShapes, rows: 0 };

  const outShape = b.shape(output);
  const rows = sizeOf(outShape.slice(0, -1));
  const labelShape = [batch, ...labelSample];
  let labels: ValueId;
  if (spec.gather) {
    const indices = graph.inputs[0];
    const table = graph.external(BUFFERS.dataY, [spec.gather.rows, sizeOf(labelSample)], { buffer: BUFFERS.dataY, offset: 0 });
    specs.set(table, { shape: [spec.gather.rows, sizeOf(labelSample)], dtype: 'float32' });
    labels = b.reshape('data/y', b.node('embedding', 'data/y_rows', [table, indices], {})[0], labelShape);
  } else {
    labels = graph.input('labels', labelShape);
    inputShapes.set(labels, labelShape);
    specs.set(labels, { shape: labelShape, dtype: 'float32' });
  }
  const expected = spec.loss.kind === 'sparseCategoricalCrossentropy' ? outShape.slice(0, -1) : outShape;
  if (labelShape.join() !== expected.join()) {
    throw new WgnnError('loss', `${spec.loss.kind} needs labels of shape ${formatShape(expected)} for the model's output ${formatShape(outShape)}, got ${formatShape(labelShape)}`);
  }
  let weights: ValueId | undefined;
  if (spec.weighted) {
    weights = graph.input('sample_weights', [rows]);
    inputShapes.set(weights, [rows]);
    specs.set(weights, { shape: [rows], dtype: 'float32' });
  }

  // A cross-entropy on a softmax or sigmoid output runs on the logits, in one stable kernel.
  let pred = output;
  let fromLogits = spec.loss.fromLogits;
  const last = producerOf(graph, output);
  const categorical = spec.loss.kind === 'sparseCategoricalCrossentropy' || spec.loss.kind === 'categoricalCrossentropy';
  if (!fromLogits && last && categorical && last.op === 'softmax' && !(last.attrs as { log: boolean }).log && [-1, outShape.length - 1].includes((last.attrs as { axis: number }).axis)) {
    [pred, fromLogits] = [last.inputs[0]!, true];
  } else if (!fromLogits && last && spec.loss.kind === 'binaryCrossentropy' && last.op === 'activation' && (last.attrs as ResolvedActivation).kind === 'sigmoid') {
    [pred, fromLogits] = [last.inputs[0]!, true];
  }
  const lossAttrs = { kind: spec.loss.kind, fromLogits, delta: spec.loss.delta, scale: 1 / rows };
  const [rowLoss, dPred] = b.node('loss', 'loss', [b.reshape('loss/pred', pred, outShape), labels, weights], lossAttrs, 2);
  b.node('accumulate', 'loss/sum', [rowLoss], { slot: LOSS_SLOT }, 0);
  spec.metrics.forEach((metric, i) => b.node('accumulate', `${metric.name}/sum`, [metricValues(b, metric, output, labels)], { slot: LOSS_SLOT + 1 + i }, 0));
  if (spec.mode === 'evaluate') return { graph, inputShapes, rows };

  const grads = backward(b, new Map([[pred, b.reshape('loss/grad', dPred, b.shape(pred))]]), layout.slots.map((s) => s.id));
  const written = layout.slots.flatMap((slot) => {
    const d = grads.get(slot.id);
    return d === undefined ? [] : [intoGradBuffer(b, d, slot.offset, slot.name)];
  });
  b.node('optimizerStep', 'optimizer', [...normClipping(b, spec.optimizer, layout, written), ...written], { ...spec.optimizer, count: layout.total }, 0);
  return { graph, inputShapes, rows };
}

/**
 * The layers that act differently in training: dropout masks (seeded, a new mask every step),
 * batch norm normalizes by the batch's statistics and moves its moving ones towards them,
 * recurrent layers run the kernels that save what their backward through time needs.
 */
function trainingModeOps(graph: Graph, variables: ParamLayout): void {
  rewriteRecurrentLayersForTraining(graph);
  for (const node of [...graph.nodes]) {
    if (node.op === 'dropout') node.op = 'dropoutTrain';
    if (node.op !== 'batchNorm') continue;
    const [x, gamma, beta, movingMean, movingVariance] = node.inputs as ValueId[];
    const { epsilon, momentum } = node.attrs as { epsilon: number; momentum: number };
    const [mean, variance] = [`${node.name}:mean`, `${node.name}:variance`].map((name) => graph.values.push({ id: graph.values.length, name, dtype: 'float32', producer: node.id }) - 1);
    Object.assign(node, { op: 'batchNormTrain', inputs: [x, gamma, beta], outputs: [node.outputs[0], mean, variance], attrs: { epsilon } });
    for (const [batch, moving] of [[mean, movingMean], [variance, movingVariance]]) {
      const slot = variables.slots.find((s) => s.id === moving)!;
      graph.node('movingAverage', `${graph.values[moving].name}/update`, [batch], { buffer: BUFFERS.variables, offset: slot.offset, momentum }, 0);
    }
  }
}

/**
 * Clipping by norm (clipNorm per parameter, globalClipNorm over all): the per-parameter scales and
 * the parameters' bounds in the flat buffers (each parameter with the padding after it, which is
 * zero), the optimizer step's first two inputs; none without it.
 */
function normClipping(b: GradBuilder, optimizer: OptimizerAttrs, layout: ParamLayout, written: ValueId[]): ValueId[] {
  const clip = optimizer.clipNorm ?? optimizer.globalClipNorm;
  if (clip === undefined) return [];
  const bounds = Int32Array.from([...layout.slots.map((s) => s.offset), layout.total]);
  const boundsId = b.graph.constant('optimizer/clip_bounds', [bounds.length], bounds);
  b.specs.set(boundsId, { shape: [bounds.length], dtype: 'int32' });
  const [scales] = b.node('clipNormScales', 'optimizer/clip_scales', [boundsId, ...written], { clip, global: optimizer.clipNorm === undefined });
  return [scales, boundsId];
}

/**
 * Makes the gradient `d` land at `offset` of the 'grads' buffer: the node computing it (through
 * views) writes there directly, unless its value lives elsewhere already; then a copy does.
 */
function intoGradBuffer(b: GradBuilder, d: ValueId, offset: number, name: string): ValueId {
  let root = d;
  for (let node = b.graph.nodes.find((n) => n.outputs.includes(root)); node && VIEW_OPS.has(node.op); node = b.graph.nodes.find((n) => n.outputs.includes(root))) root = node.inputs[0]!;
  const value = b.graph.values[root];
  const own = value.producer !== undefined && value.external === undefined && !b.graph.inputs.includes(root) && !b.graph.outputs.includes(root);
  const target = own ? root : b.node('activation', `${name}/grad`, [d], LINEAR)[0];
  b.graph.values[target].external = { buffer: BUFFERS.grads, offset };
  return target;
}

/** One value per row whose sum is the metric's running total (accuracy: 1 where right). */
function metricValues(b: GradBuilder, metric: Metric, output: ValueId, labels: ValueId): ValueId {
  const shape = b.shape(output);
  const axis = shape.length - 1;
  const name = metric.name;
  const argmax = (v: ValueId) => b.node('cast', `${name}/float`, [b.node('argReduce', `${name}/argmax`, [v], { kind: 'max', axis, keepDims: false, selectLast: false })[0]], { to: 'float32' })[0];
  const meanOfLast = (v: ValueId) => b.node('reduce', `${name}/mean`, [v], { kind: 'mean', axes: [axis], keepDims: false })[0];
  switch (metric.kind) {
    case 'sparseCategoricalAccuracy':
      return b.binary(`${name}/hit`, 'equal', argmax(output), labels);
    case 'categoricalAccuracy':
      return b.binary(`${name}/hit`, 'equal', argmax(output), argmax(labels));
    case 'binaryAccuracy': {
      const half = b.constant(`${name}/threshold`, [1], Float32Array.of(0.5));
      return meanOfLast(b.binary(`${name}/hit`, 'equal', b.binary(`${name}/positive`, 'greater', output, half), labels));
    }
    case 'topKCategoricalAccuracy':
      return topKHits(b, metric, output, argmax(labels));
    case 'sparseTopKCategoricalAccuracy':
      return topKHits(b, metric, output, labels);
    case 'mse': {
      const e = b.binary(`${name}/error`, 'sub', output, labels);
      return meanOfLast(b.binary(`${name}/square`, 'mul', e, e));
    }
    case 'mae':
      return meanOfLast(b.node('activation', `${name}/abs`, [b.binary(`${name}/error`, 'sub', output, labels)], resolveActivation(name, 'abs'))[0]);
  }
}

/**
 * 1 where the target class is among the k highest outputs (TF's in_top_k, which Keras's top-k
 * accuracies call: classes tied with the target's output count as below it, so a tie straddling
 * the boundary is a hit): fewer than k outputs strictly greater than the target's.
 */
function topKHits(b: GradBuilder, metric: Metric, output: ValueId, target: ValueId): ValueId {
  const name = metric.name;
  const shape = b.shape(output);
  const axis = shape.length - 1;
  const classes = b.constant(`${name}/classes`, [shape[axis]], Float32Array.from({ length: shape[axis] }, (_, i) => i));
  const isTarget = b.binary(`${name}/is_target`, 'equal', classes, b.reshape(`${name}/target`, target, [...shape.slice(0, -1), 1]));
  const sumLast = (v: ValueId, keepDims: boolean) => b.node('reduce', `${name}/sum`, [v], { kind: 'sum', axes: [axis], keepDims })[0];
  const targetOutput = sumLast(b.binary(`${name}/target_only`, 'mul', output, isTarget), true);
  const above = sumLast(b.binary(`${name}/above`, 'greater', output, targetOutput), false);
  return b.binary(`${name}/hit`, 'less', above, b.constant(`${name}/k`, [1], Float32Array.of(metric.k!)));
}
