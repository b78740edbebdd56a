// ONNX normalizations computed from the data itself: LayerNormalization and InstanceNormalization.
// Both work on a channels-last input where they can, without moving it back to ONNX's layout:
// instance norm always (it takes either layout), layer norm when the normalized ONNX axes are a
// trailing block of the channels-last tensor's axes (axis 0 or 1: [N, C, H, W] normalized from
// C on is [N, H, W, C] normalized from H on, with scale and bias permuted like the data).
import { WgnnError } from '../../errors.ts';
import type { SymbolicTensor } from '../../model/builder.ts';
import { expandReference } from '../../ops/strided-copy/reference.ts';
import { transposeOp } from '../../ops/transpose/op.ts';
import { formatShape, normalizeAxis } from '../../shape.ts';
import { describe, floatData, toChannelsLast, type ImportContext } from '../context.ts';
import type { OnnxNode } from '../model.ts';
import { optionalInput, type Handler } from './handler.ts';

const stripLeadingOnes = (shape: readonly number[]) => shape.slice(Math.max(shape.findIndex((d) => d !== 1), 0));

/** Whether `shape` broadcasts to `target` (NumPy rules) without growing it. */
function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  const s = stripLeadingOnes(shape);
  const lead = target.length - s.length;
  return lead >= 0 && s.every((d, i) => d === 1 || d === target[lead + i]);
}

/**
 * LayerNormalization's Scale or B as the IR op takes it: the normalized shape (ONNX order), in the
 * IR's order of the normalized axes (`irOrder`, when the data is channels last). A constant is
 * broadcast and permuted on the host, once; a tensor through expand and transpose nodes.
 */
function normalizedOperand(ctx: ImportContext, node: OnnxNode, index: number, normalized: number[], irOrder: number[] | undefined): SymbolicTensor {
  const where = describe(node);
  const name = index === 1 ? 'Scale' : 'B';
  const shape = ctx.onnxShape(node, index);
  if (!broadcastsTo(shape, normalized)) {
    throw new WgnnError(where, `${name} ${formatShape(shape)} does not broadcast to the normalized shape ${formatShape(normalized)} (X's dims from axis on)`);
  }
  const exact = stripLeadingOnes(shape).join() === stripLeadingOnes(normalized).join();
  const c = ctx.constant(node.inputs[index]);
  if (exact && !irOrder) return ctx.plain(node, index);
  if (c) {
    const t = ctx.derived.get(c, `normalized ${normalized} as ${irOrder ?? 'is'}`, () => {
      const full = expandReference(where, { shape: stripLeadingOnes(c.dims), data: floatData(where, c) }, normalized);
      return irOrder ? transposeOp.reference([full], { perm: irOrder })[0] : full;
    });
    return ctx.hostConstant(`${where}/${name}`, t.shape, t.data);
  }
  let t = ctx.plain(node, index);
  if (!exact) t = ctx.builder.node('expand', `${where}/${name}_expand`, [t], { shape: normalized })[0];
  if (!irOrder) return t;
  t = ctx.builder.node('reshape', `${where}/${name}_shape`, [t], { shape: normalized })[0];
  return ctx.transpose(`${where}/${name}_nhwc`, t, irOrder);
}

const layerNormalization: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const dims = ctx.onnxShape(node, 0);
  const r = dims.length;
  const axis = normalizeAxis(where, attrs.int('axis', -1), r);
  const v = ctx.get(node, 0);
  // Channels last, axis 0 or 1: the normalized axes are the IR's axes axis..r-1, in the order
  // toChannelsLast gives them; axis >= 2 would leave C (last in the IR) out: back to ONNX layout.
  const direct = v.layout === 'plain' || axis <= 1;
  const irOrder = v.layout === 'channelsLast' && direct ? toChannelsLast(r).filter((a) => a >= axis).map((a) => a - axis) : undefined;
  const x = direct ? v.tensor : ctx.plain(node, 0);
  const normalized = dims.slice(axis);
  const scale = normalizedOperand(ctx, node, 1, normalized, irOrder);
  const bias = optionalInput(node, 2) ? normalizedOperand(ctx, node, 2, normalized, irOrder) : undefined;
  // Mean and InvStdDev (shaped [dims before axis, 1...], the same in either layout) only when asked for.
  const stats = node.outputs.slice(1).some(Boolean);
  const outputs = ctx.builder.node('layerNorm', where, [x, scale, bias], { axis, epsilon: attrs.float('epsilon', 1e-5), stats }, stats ? 3 : 1);
  ctx.define(node.outputs[0], outputs[0], irOrder ? 'channelsLast' : 'plain');
  for (const k of [1, 2]) if (node.outputs[k]) ctx.define(node.outputs[k], outputs[k]);
};

const instanceNormalization: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const v = ctx.get(node, 0);
  if (v.tensor.shape.length < 3) throw new WgnnError(where, `input ${formatShape(ctx.onnxShape(node, 0))} needs rank >= 3: N, C and at least one spatial dim`);
  const layout = v.layout === 'channelsLast' ? 'channelsLast' : 'channelsFirst';
  const inputs = [v.tensor, ctx.plain(node, 1), ctx.plain(node, 2)];
  const y = ctx.builder.node('instanceNorm', where, inputs, { epsilon: attrs.float('epsilon', 1e-5), layout })[0];
  ctx.define(node.outputs[0], y, v.layout);
};

export const NORMALIZATION_HANDLERS: Record<string, Handler> = {
  LayerNormalization: layerNormalization,
  InstanceNormalization: instanceNormalization,
};
