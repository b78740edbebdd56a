// Lowering for inference: the ops that say what a layer computes without saying how (batchNorm,
// dropout; see their op files) become ops with kernels. batchNorm over constant statistics folds
// on the host into a channelAffine (which the fusion pass may fold into the layer before it);
// over statistics that live in buffers (a model being trained) it computes the same scale and
// shift with a few [C]-sized nodes. dropout becomes a view: the identity. recurrentLayer becomes
// the fast recurrent node over weights converted once (src/ops/recurrent-layer/lower.ts).
import type { GraphNode, ValueId } from '../graph/ir.ts';
import { LINEAR, resolveActivation } from '../ops/activation/kinds.ts';
import type { BatchNormAttrs } from '../ops/batch-norm/layer-op.ts';
import { foldBatchNorm } from '../ops/batch-norm/fold.ts';
import { lowerRecurrentLayer } from '../ops/recurrent-layer/lower.ts';
import type { Program } from './fuse.ts';
import { memoizedByArrays } from './memo.ts';


export function lowerForInference(program: Program): void {
  program.nodes = program.nodes.flatMap((node) => {
    if (node.op === 'dropout') return [{ ...node, op: 'reshape', attrs: { shape: program.specs.get(node.outputs[0])!.shape } }];
    if (node.op === 'batchNorm') return lowerBatchNorm(program, node);
    if (node.op === 'recurrentLayer') return lowerRecurrentLayer(program, node);
    return [node];
  });
}

function addValue(program: Program, name: string, shape: number[], data?: Float32Array): ValueId {
  const id = program.values.length;
  program.values.push({ id, name, dtype: 'float32', shape, data });
  program.specs.set(id, { shape, dtype: 'float32' });
  return id;
}

function lowerBatchNorm(program: Program, node: GraphNode): GraphNode[] {
  const [x, gamma, beta, mean, variance] = node.inputs as ValueId[];
  const { epsilon } = node.attrs as BatchNormAttrs;
  const C = program.specs.get(gamma)!.shape;
  const data = [gamma, beta, mean, variance].map((id) => program.values[id].data as Float32Array | undefined);
  const affine = (scale: ValueId, shift: ValueId): GraphNode => ({ ...node, op: 'channelAffine', inputs: [x, scale, shift], attrs: { activation: LINEAR } });
  if (data.every(Boolean)) {
    const [g, b, m, v] = data as Float32Array[];
    const byEpsilon = memoizedByArrays([g, b, m, v], () => new Map<number, { scale: Float32Array; shift: Float32Array }>());
    if (!byEpsilon.has(epsilon)) byEpsilon.set(epsilon, foldBatchNorm(node.name, { scale: g, bias: b, mean: m, variance: v, epsilon }));
    const { scale, shift } = byEpsilon.get(epsilon)!;
    return [affine(addValue(program, `${node.name}/scale`, C, scale), addValue(program, `${node.name}/shift`, C, shift))];
  }
  // scale = gamma / sqrt(variance + epsilon), shift = beta - mean * scale, on the GPU.
  const nodes: GraphNode[] = [];
  const op = (name: string, kind: string, inputs: ValueId[], attrs: unknown): ValueId => {
    const out = addValue(program, `${node.name}/${name}`, C);
    nodes.push({ id: -1 - program.values.length, name: `${node.name}/${name}`, op: kind, inputs, outputs: [out], attrs });
    program.values[out].producer = nodes.at(-1)!.id;
    return out;
  };
  const eps = addValue(program, `${node.name}/epsilon`, [1], Float32Array.of(epsilon));
  const root = op('sqrt', 'activation', [op('var_eps', 'binary', [variance, eps], { op: 'add' })], resolveActivation(node.name, 'sqrt'));
  const scale = op('scale', 'binary', [gamma, root], { op: 'div' });
  const shift = op('shift', 'binary', [beta, op('mean_scale', 'binary', [mean, scale], { op: 'mul' })], { op: 'sub' });
  return [...nodes, affine(scale, shift)];
}
