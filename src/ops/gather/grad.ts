// Gradient rule of embedding (y[..., :] = table[ids[...], :]): the table's gradient gathers dY by
// row, dTable = embeddingBackward(dY, ids) (src/ops/gather/backward.ts). The ids are int32 and
// get none (the pass never asks: src/train/grad.ts skips integer inputs).
import type { ValueId } from '../../graph/ir.ts';
import type { GradRule } from '../../train/grad.ts';

export const embeddingGrad: GradRule = (b, node, [dy], needs) => {
  const [table, ids] = node.inputs as [ValueId, ValueId];
  if (!needs[0]) return [undefined, undefined];
  return [b.node('embeddingBackward', `${node.name}/dtable`, [dy!, ids], { rows: b.shape(table)[0] })[0], undefined];
};
