// recurrentLayer lowered for inference. Over constant weights (a model's): Keras's weights are
// converted on the host into the canonical layout of the fast recurrent kernels
// (src/model/recurrent-lowering.ts, src/ops/recurrent/layout.ts: units padded to quads, W and R
// biases folded), once per set of weight arrays (every signature's plan gets the same arrays, so
// a compiled model uploads them once), and one `recurrent` node writes the layer's outputs: the
// same numbers and speed as a model whose layers emitted that node directly. Over weights that
// live in buffers (a model being trained, evaluated or predicted in its session) the training
// form (./expand.ts) computes the same outputs from Keras's parameters as they are.
import { memoizedByArrays } from '../../compile/memo.ts';
import type { Program } from '../../compile/fuse.ts';
import type { GraphNode, ValueId } from '../../graph/ir.ts';
import { KERNEL_OPS, reshapeShape, VIEW_OPS, type ReshapeAttrs } from '../../graph/ops.ts';
import { canonicalRecurrent } from '../../model/recurrent-lowering.ts';
import type { TensorSpec } from '../op.ts';
import { recurrentAttrsFor } from '../recurrent/api.ts';
import { RECURRENT_INPUTS } from '../recurrent/attrs.ts';
import type { KerasCellWeights } from '../recurrent/convert.ts';
import { directionsOf, weightSlot, type RecurrentLayerAttrs } from './attrs.ts';
import { expandRecurrentLayer } from './expand.ts';

function addValue(program: Program, name: string, spec: TensorSpec, data?: Float32Array): ValueId {
  const id = program.values.length;
  program.values.push({ id, name, dtype: spec.dtype, shape: spec.shape, data });
  program.specs.set(id, spec);
  return id;
}

export function lowerRecurrentLayer(program: Program, node: GraphNode): GraphNode[] {
  const weights = node.inputs.slice(1);
  const constant = weights.every((id) => id === undefined || program.values[id].data !== undefined);
  return constant ? canonicalNode(program, node) : trainingForm(program, node);
}

function canonicalNode(program: Program, node: GraphNode): GraphNode[] {
  const attrs = node.attrs as RecurrentLayerAttrs;
  const D = directionsOf(attrs);
  const array = (id: ValueId | undefined) => (id === undefined ? undefined : { shape: program.specs.get(id)!.shape, data: program.values[id].data as Float32Array });
  const cell = (d: number): KerasCellWeights => ({
    kernel: array(node.inputs[weightSlot(d, 'kernel')])!,
    recurrentKernel: array(node.inputs[weightSlot(d, 'recurrentKernel')])!,
    bias: array(node.inputs[weightSlot(d, 'bias')]),
  });
  const arrays = node.inputs.slice(1).flatMap((id) => (id === undefined ? [] : [program.values[id].data as Float32Array]));
  const byFlavour = memoizedByArrays(arrays, () => new Map<string, ReturnType<typeof canonicalRecurrent>>());
  const flavour = `${attrs.cell} ${attrs.resetAfter}`;
  if (!byFlavour.has(flavour)) {
    const spec = { format: 'keras' as const, forward: cell(0), backward: D === 2 ? cell(1) : undefined, resetAfter: attrs.cell === 'gru' ? attrs.resetAfter : undefined };
    byFlavour.set(flavour, canonicalRecurrent(node.name, attrs.cell, spec));
  }
  const { info, constants } = byFlavour.get(flavour)!;
  const recurrentAttrs = recurrentAttrsFor(node.name, attrs.cell, info, {
    layout: 'batch-major',
    direction: D === 2 ? 'bidirectional' : 'forward',
    mergeMode: attrs.mergeMode,
    returnSequences: attrs.returnSequences,
    activations: attrs.activations,
  });
  const slots: (ValueId | undefined)[] = new Array(7).fill(undefined);
  slots[RECURRENT_INPUTS.x] = node.inputs[0];
  for (const key of ['input', 'bias', 'recurrent'] as const) {
    slots[RECURRENT_INPUTS[key]] = addValue(program, `${node.name}/${key}_weights`, { shape: constants[key].shape, dtype: 'float32' }, constants[key].data);
  }
  // The recurrent op's outputs are the layer's, in the same order (final h, c, y).
  return [{ ...node, op: 'recurrent', inputs: slots, attrs: recurrentAttrs }];
}

function trainingForm(program: Program, node: GraphNode): GraphNode[] {
  const nodes: GraphNode[] = [];
  expandRecurrentLayer(
    {
      node(op, name, inputs, attrs, count, reuse = []) {
        const specs = inputs.map((id) => (id === undefined ? undefined : program.specs.get(id)));
        const outs = VIEW_OPS.has(op) ? [{ shape: reshapeShape(name, specs[0]!, attrs as ReshapeAttrs), dtype: specs[0]!.dtype }] : KERNEL_OPS[op].infer(name, specs, attrs);
        const outputs = outs.slice(0, count).map((spec, i) => reuse[i] ?? addValue(program, count === 1 ? name : `${name}:${i}`, spec));
        const id = -1 - program.values.length;
        nodes.push({ id, name, op, inputs, outputs, attrs });
        for (const out of outputs) program.values[out].producer = id;
        return outputs;
      },
      constant: (name, shape, data) => addValue(program, name, { shape, dtype: 'float32' }, data),
    },
    node,
  );
  return nodes;
}
