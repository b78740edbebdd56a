// Gradient rule of matmul, Z = op(A) op(B) + bias (then the epilogue's activation): two GEMMs and
// a column sum. With op = transpose where flagged:
//   d op(A) = dZ op(B)^T,  d op(B) = op(A)^T dZ,  dbias = dZ summed to the bias's shape.
// A dense layer on a batched input (A [..., K], B [K, N]) folds A's batch dims into rows, so dB
// is one GEMM with K = every row; otherwise the batched GEMMs' results are summed back to the
// operands' broadcast shapes.
import type { ValueId } from '../../graph/ir.ts';
import { sizeOf } from '../../shape.ts';
import type { GradRule } from '../../train/grad.ts';
import { epilogueGrad } from '../activation/grad.ts';
import { LINEAR } from '../activation/kinds.ts';
import type { MatmulAttrs } from './op.ts';

export const matmulGrad: GradRule = (b, node, [dY], needs) => {
  const { transposeA: ta, transposeB: tb } = node.attrs as MatmulAttrs;
  const [a, w, bias] = node.inputs as [ValueId, ValueId, ValueId | undefined];
  const dZ = epilogueGrad(b, node, dY!);
  const [aShape, wShape, zShape] = [b.shape(a), b.shape(w), b.shape(dZ)];
  const mm = (name: string, x: ValueId, y: ValueId, transposeA: boolean, transposeB: boolean) =>
    b.node('matmul', `${node.name}/${name}`, [x, y], { transposeA, transposeB, activation: LINEAR })[0];
  const grads: (ValueId | undefined)[] = [undefined, undefined, undefined];
  if (wShape.length === 2 && aShape.length > 2 && !ta) {
    const [K, N] = [aShape.at(-1)!, zShape.at(-1)!];
    const rows = sizeOf(aShape) / K;
    const a2 = b.reshape(`${node.name}/rows`, a, [rows, K]);
    const z2 = b.reshape(`${node.name}/grad_rows`, dZ, [rows, N]);
    if (needs[0]) grads[0] = b.reshape(`${node.name}/dA_shape`, mm('dA', z2, w, false, !tb), aShape);
    if (needs[1]) grads[1] = tb ? mm('dB', z2, a2, true, false) : mm('dB', a2, z2, true, false);
  } else {
    if (needs[0]) grads[0] = b.sumTo(`${node.name}/dA_sum`, ta ? mm('dA', w, dZ, tb, true) : mm('dA', dZ, w, false, !tb), aShape);
    if (needs[1]) grads[1] = b.sumTo(`${node.name}/dB_sum`, tb ? mm('dB', dZ, a, true, ta) : mm('dB', a, dZ, !ta, false), wShape);
  }
  if (bias !== undefined && needs[2]) grads[2] = b.sumTo(`${node.name}/dbias`, dZ, b.shape(bias));
  return grads;
};
