// Gradient cases of the embedding lookup (src/ops/gather/grad.ts): the table is differentiated,
// the ids are an int32 constant (the graph's float inputs cannot carry them) with repeated and
// negative ids and rows no id hits, alone and inside a small text model (embedding -> flatten ->
// dense -> tanh).
import type { Graph, ValueId } from '../../src/graph/ir.ts';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import type { GradCase } from './grad-check.ts';

const lookup = (g: Graph, table: ValueId, shape: number[], ids: number[]) => g.node('embedding', 'emb', [table, g.constant('ids', shape, Int32Array.from(ids))], {})[0];

export const EMBEDDING_GRAD_CASES: GradCase[] = [
  {
    name: 'embedding [6,5] ids [2,4] with repeats, negatives and unhit rows',
    inputs: [[6, 5]],
    build: (g, [table]) => lookup(g, table, [2, 4], [3, 0, -3, 5, 3, -1, 3, 0]),
  },
  {
    name: 'embedding [3,2] ids [7] all naming one row',
    inputs: [[3, 2]],
    build: (g, [table]) => lookup(g, table, [7], [1, -2, 1, 1, -2, 1, 1]),
  },
  {
    name: 'embedding [7,3] -> flatten -> dense [12,4] -> tanh, ids [2,4]',
    inputs: [[7, 3], [12, 4], [4]],
    build: (g, [table, kernel, bias]) => {
      const x = g.node('reshape', 'flatten', [lookup(g, table, [2, 4], [6, 2, 2, -1, 0, 4, -5, 6])], { shape: [2, 12] })[0];
      const linear = resolveActivation('t', 'linear');
      const y = g.node('matmul', 'dense', [x, kernel, bias], { transposeA: false, transposeB: false, activation: linear })[0];
      return g.node('activation', 'tanh', [y], resolveActivation('t', 'tanh'))[0];
    },
  },
];
