// Writes a shader's `struct Params` uniform from named values, with the layout read from the
// WGSL itself, so no TS file hand-counts byte offsets. Fields may be 4-byte scalars (u32, i32,
// f32) or 16-byte vectors (vec4<u32>, vec4<i32>, vec4<f32>, also spelled vec4u/vec4i/vec4f).

export type ParamValue = number | readonly number[];
export type ParamValues = Record<string, ParamValue>;

type Scalar = 'u32' | 'i32' | 'f32';
interface Field {
  name: string;
  scalar: Scalar;
  lanes: 1 | 4;
  offset: number;
}
export interface ParamsLayout {
  fields: Field[];
  byteSize: number;
}

const TYPES: Record<string, { scalar: Scalar; lanes: 1 | 4 }> = {
  u32: { scalar: 'u32', lanes: 1 },
  i32: { scalar: 'i32', lanes: 1 },
  f32: { scalar: 'f32', lanes: 1 },
  'vec4<u32>': { scalar: 'u32', lanes: 4 },
  'vec4<i32>': { scalar: 'i32', lanes: 4 },
  'vec4<f32>': { scalar: 'f32', lanes: 4 },
  vec4u: { scalar: 'u32', lanes: 4 },
  vec4i: { scalar: 'i32', lanes: 4 },
  vec4f: { scalar: 'f32', lanes: 4 },
};

const layoutCache = new Map<string, ParamsLayout>();

/** Parses `struct Params { ... }` from WGSL source and applies WGSL's uniform layout rules. */
export function paramsLayout(shaderName: string, wgsl: string): ParamsLayout {
  const cached = layoutCache.get(wgsl);
  if (cached) return cached;
  const body = /struct\s+Params\s*\{([^}]*)\}/.exec(wgsl.replace(/\/\/[^\n]*/g, ''))?.[1];
  if (body === undefined) throw new Error(`shader ${shaderName} declares no struct Params`);
  const fields: Field[] = [];
  let offset = 0;
  for (const decl of body.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\w+)\s*:\s*([\w<>]+)$/.exec(decl);
    const type = match && TYPES[match[2]];
    if (!match || !type) throw new Error(`shader ${shaderName}: unsupported Params field '${decl}'`);
    const align = type.lanes * 4;
    offset = Math.ceil(offset / align) * align;
    fields.push({ name: match[1], ...type, offset });
    offset += type.lanes * 4;
  }
  const layout = { fields, byteSize: Math.max(16, Math.ceil(offset / 16) * 16) };
  layoutCache.set(wgsl, layout);
  return layout;
}

/** Packs `values` by field name; a missing or unknown name is an error (it would be a silent bug). */
export function packParams(shaderName: string, layout: ParamsLayout, values: ParamValues): ArrayBuffer {
  const buffer = new ArrayBuffer(layout.byteSize);
  const view = new DataView(buffer);
  const known = new Set(layout.fields.map((f) => f.name));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) throw new Error(`shader ${shaderName}: Params has no field '${key}'`);
  }
  for (const field of layout.fields) {
    const value = values[field.name];
    if (value === undefined) throw new Error(`shader ${shaderName}: no value for Params.${field.name}`);
    const lanes = typeof value === 'number' ? [value] : value;
    if (lanes.length !== field.lanes) {
      throw new Error(`shader ${shaderName}: Params.${field.name} takes ${field.lanes} value(s), got ${lanes.length}`);
    }
    lanes.forEach((v, i) => {
      const at = field.offset + 4 * i;
      if (field.scalar === 'f32') view.setFloat32(at, v, true);
      else if (field.scalar === 'i32') view.setInt32(at, v, true);
      else {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
          throw new Error(`shader ${shaderName}: Params.${field.name} = ${v} is not a u32`);
        }
        view.setUint32(at, v, true);
      }
    });
  }
  return buffer;
}
