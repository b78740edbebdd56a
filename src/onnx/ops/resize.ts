// ONNX Resize (opsets 10 to 19) and Upsample (7: scales attribute, 9: scales input) to the IR op
// resize. Scales, sizes and roi must be known when the plan is built (PyTorch's
// F.interpolate(size=...) computes sizes from shapes, which fold/ evaluates). On a channels-last
// input the per-axis arguments are permuted to its axis order and the output stays channels-last,
// so a U-Net's upsampling inserts no transposes.
//   Output dims: sizes, or floor(input * scale) (roi does not change them, as in ONNX's reference
//   and ONNX Runtime). The coordinate transform divides by the given scale, or by size / input.
//   Resize-10 and Upsample: asymmetric coordinates, and nearest rounds down when an axis
//   upsamples, up when it downsamples (ONNX Runtime's reading of those opsets).
//   Opset 18: axes, keep_aspect_ratio_policy; antialias must be 0.
import { WgnnError } from '../../errors.ts';
import { COORDINATE_MODES, NEAREST_MODES, type CoordinateMode, type NearestMode, type ResizeAttrs, type ResizeMode } from '../../ops/resize/coords.ts';
import { resizeTable } from '../../ops/resize/table.ts';
import { normalizeAxis } from '../../shape.ts';
import { describe, floatData, intValues, toChannelsLast, type Attributes, type ImportContext } from '../context.ts';
import { checkedElementCount } from '../limits.ts';
import type { OnnxNode } from '../model.ts';
import { optionalInput, requireConstant, type Handler } from './handler.ts';

const MODES: Record<string, ResizeMode> = { nearest: 'nearest', linear: 'linear', bilinear: 'linear', cubic: 'cubic' };
const POLICIES = ['stretch', 'not_larger', 'not_smaller'];

/** A float or integer input that must be known, or undefined when omitted or empty (opset 11 passes '' or an empty tensor). */
function knownValues(ctx: ImportContext, node: OnnxNode, index: number, what: string, read: (where: string, t: ReturnType<typeof requireConstant>) => ArrayLike<number>): number[] | undefined {
  if (!optionalInput(node, index)) return undefined;
  const values = Array.from(read(describe(node), requireConstant(ctx, node, index, what)));
  return values.length ? values : undefined;
}

/** Output dims and coordinate scales per ONNX axis, from scales or sizes over `axes`. */
function outputGeometry(where: string, dims: number[], axes: number[], scales: number[] | undefined, sizes: number[] | undefined, policy: string) {
  const shape = `input [${dims.join(', ')}]`;
  if (dims.some((d) => d < 1)) throw new WgnnError(where, `${shape} is empty; resize needs at least one element on every axis`);
  const given = scales ?? sizes!;
  const name = scales ? 'scales' : 'sizes';
  if (given.length !== axes.length) throw new WgnnError(where, `${name} [${given.join(', ')}] must give one value per resized axis (${axes.length}) of ${shape}`);
  const outScales = dims.map(() => 1);
  const outSizes = [...dims];
  if (scales) {
    axes.forEach((a, i) => {
      const s = scales[i];
      if (!Number.isFinite(s) || s <= 0) throw new WgnnError(where, `scale ${s} on axis ${a} of ${shape} must be a finite number > 0`);
      outScales[a] = s;
      outSizes[a] = Math.floor(s * dims[a]);
      if (outSizes[a] < 1) throw new WgnnError(where, `scale ${s} on axis ${a} of ${shape} leaves no output element (floor(${dims[a]} * ${s}) = 0)`);
    });
  } else {
    axes.forEach((a, i) => {
      const s = sizes![i];
      if (!Number.isSafeInteger(s) || s < 1) throw new WgnnError(where, `size ${s} on axis ${a} of ${shape} must be an integer >= 1`);
      outSizes[a] = s;
      outScales[a] = s / dims[a];
    });
    if (policy !== 'stretch') {
      const ratios = axes.map((a) => outScales[a]);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      for (const a of axes) {
        outScales[a] = scale;
        outSizes[a] = Math.floor(scale * dims[a] + 0.5);
      }
    }
  }
  checkedElementCount(outSizes, `${where} output`);
  return { outScales, outSizes };
}

/** The IR attributes in ONNX axis order. */
function resizeArgs(ctx: ImportContext, node: OnnxNode, attrs: Attributes, dims: number[]): ResizeAttrs {
  const where = describe(node);
  const r = dims.length;
  const legacy = node.opType === 'Upsample' || ctx.opset < 11;
  const modeName = attrs.string('mode', 'nearest');
  const mode = MODES[modeName];
  if (!mode) throw new WgnnError(where, `mode '${modeName}' is not supported (nearest, linear, cubic)`);
  if (attrs.int('antialias', 0) !== 0) throw new WgnnError(where, `antialias=1 is not supported (wgnn resizes without an antialiasing filter); input [${dims.join(', ')}]`);
  const coordinateMode = (legacy ? 'asymmetric' : attrs.string('coordinate_transformation_mode', 'half_pixel')) as CoordinateMode;
  if (!COORDINATE_MODES.includes(coordinateMode)) throw new WgnnError(where, `coordinate_transformation_mode '${coordinateMode}' is not supported (${COORDINATE_MODES.join(', ')})`);
  const nearestMode = (legacy ? 'simple' : attrs.string('nearest_mode', 'round_prefer_floor')) as NearestMode;
  if (!NEAREST_MODES.includes(nearestMode) || (!legacy && nearestMode === 'simple')) throw new WgnnError(where, `nearest_mode '${nearestMode}' is not supported (round_prefer_floor, round_prefer_ceil, floor, ceil)`);
  const policy = attrs.string('keep_aspect_ratio_policy', 'stretch');
  if (!POLICIES.includes(policy)) throw new WgnnError(where, `keep_aspect_ratio_policy '${policy}' is not one of ${POLICIES.join(', ')}`);
  const axes = (attrs.ints('axes') ?? dims.map((_, i) => i)).map((a) => normalizeAxis(where, a, r));
  if (new Set(axes).size !== axes.length) throw new WgnnError(where, `axes [${axes.join(', ')}] repeat an axis`);

  const floats = (where: string, t: ReturnType<typeof requireConstant>) => floatData(where, t);
  let scales: number[] | undefined;
  let sizes: number[] | undefined;
  let roi: number[] | undefined;
  if (node.opType === 'Upsample' && !optionalInput(node, 1)) scales = attrs.floats('scales');
  else if (legacy) scales = knownValues(ctx, node, 1, 'scales', floats);
  else {
    scales = knownValues(ctx, node, 2, 'scales', floats);
    sizes = knownValues(ctx, node, 3, 'sizes', intValues);
    if (coordinateMode === 'tf_crop_and_resize') roi = knownValues(ctx, node, 1, 'roi', floats);
  }
  if ((scales === undefined) === (sizes === undefined)) throw new WgnnError(where, `needs exactly one of scales and sizes, got ${scales ? 'both' : 'neither'}`);
  const { outScales, outSizes } = outputGeometry(where, dims, axes, scales, sizes, policy);

  let fullRoi: number[] | undefined;
  if (coordinateMode === 'tf_crop_and_resize') {
    if (!roi || roi.length !== 2 * axes.length) throw new WgnnError(where, `tf_crop_and_resize needs roi with ${2 * axes.length} values (starts, then ends, per resized axis), got [${roi?.join(', ') ?? ''}]`);
    fullRoi = [...dims.map(() => 0), ...dims.map(() => 1)];
    axes.forEach((a, i) => {
      fullRoi![a] = roi![i];
      fullRoi![r + a] = roi![axes.length + i];
    });
  }
  return {
    mode,
    sizes: outSizes,
    scales: outScales,
    coordinateMode,
    nearestMode,
    cubicCoeffA: attrs.float('cubic_coeff_a', -0.75),
    excludeOutside: attrs.int('exclude_outside', 0) !== 0,
    extrapolationValue: attrs.float('extrapolation_value', 0),
    roi: fullRoi,
  };
}

const resize: Handler = (ctx, node, attrs) => {
  const where = describe(node);
  const dims = ctx.onnxShape(node, 0);
  const args = resizeArgs(ctx, node, attrs, dims);
  const x = ctx.get(node, 0);
  // IR axis d of a channels-last tensor holds ONNX axis order[d].
  const order = x.layout === 'channelsLast' ? toChannelsLast(dims.length) : dims.map((_, i) => i);
  const permute = (v: number[]) => order.map((a) => v[a]);
  const ir: ResizeAttrs = {
    ...args,
    sizes: permute(args.sizes),
    scales: permute(args.scales!),
    roi: args.roi && [...permute(args.roi.slice(0, dims.length)), ...permute(args.roi.slice(dims.length))],
  };
  const table = resizeTable(where, permute(dims), ir);
  const tableTensor = ctx.hostConstant(`${where}/table`, [table.entries, 2], table.data);
  ctx.define(node.outputs[0], ctx.builder.node('resize', where, [x.tensor, tableTensor], ir)[0], x.layout);
};

export const RESIZE_HANDLERS: Record<string, Handler> = {
  Resize: resize,
  Upsample: resize,
};
