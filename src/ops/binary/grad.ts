// Gradient rule of the broadcasting binary ops (after the epilogue's activation):
//   add: da = dy, db = dy;  sub: db = -dy;  mul: da = dy b, db = dy a;  div: da = dy / b, db = -dy y / b
// each summed back to its operand's shape where it was broadcast.
import { WgnnError } from '../../errors.ts';
import type { ValueId } from '../../graph/ir.ts';
import type { GradRule } from '../../train/grad.ts';
import { epilogueGrad } from '../activation/grad.ts';
import { resolveActivation } from '../activation/kinds.ts';
import type { BinaryAttrs } from './op.ts';

export const binaryGrad: GradRule = (b, node, [dY], needs) => {
  const { op } = node.attrs as BinaryAttrs;
  const [x, y] = node.inputs as [ValueId, ValueId];
  const out = node.outputs[0];
  const d = epilogueGrad(b, node, dY!);
  const name = (s: string) => `${node.name}/${s}`;
  const neg = (v: ValueId) => b.node('activation', name('neg'), [v], resolveActivation(node.name, 'neg'))[0];
  let [dx, dy]: (ValueId | undefined)[] = [undefined, undefined];
  switch (op) {
    case 'add':
      [dx, dy] = [d, d];
      break;
    case 'sub':
      [dx, dy] = [d, needs[1] ? neg(d) : undefined];
      break;
    case 'mul':
      [dx, dy] = [needs[0] ? b.binary(name('dA'), 'mul', d, y) : undefined, needs[1] ? b.binary(name('dB'), 'mul', d, x) : undefined];
      break;
    case 'div':
      dx = needs[0] ? b.binary(name('dA'), 'div', d, y) : undefined;
      dy = needs[1] ? neg(b.binary(name('dB'), 'div', b.binary(name('dY_y'), 'mul', d, out), y)) : undefined;
      break;
    default:
      throw new WgnnError(`${node.name} (binary ${op})`, 'training through this op is not supported yet');
  }
  return [needs[0] ? b.sumTo(name('dA_sum'), dx!, b.shape(x)) : undefined, needs[1] ? b.sumTo(name('dB_sum'), dy!, b.shape(y)) : undefined];
};
