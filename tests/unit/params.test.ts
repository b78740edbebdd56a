import { describe, expect, it } from 'vitest';
import { packParams, paramsLayout } from '../../src/runtime/params.ts';

describe('Params layout read from WGSL', () => {
  const wgsl = `
    struct Params {
      M: u32,          // a comment, with a comma
      alpha: f32,
      shape: vec4<u32>,
      offset: i32,
      more: vec4f,
    }`;

  it('follows the uniform layout rules: scalars at 4, vec4 aligned to 16, size rounded to 16', () => {
    const layout = paramsLayout('t.wgsl', wgsl);
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([['M', 0], ['alpha', 4], ['shape', 16], ['offset', 32], ['more', 48]]);
    expect(layout.byteSize).toBe(64);
  });

  it('packs values by name', () => {
    const layout = paramsLayout('t.wgsl', wgsl);
    const view = new DataView(packParams('t.wgsl', layout, { M: 7, alpha: 0.5, shape: [1, 2, 3, 4], offset: -3, more: [1.5, 0, 0, -2] }));
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect([16, 20, 24, 28].map((o) => view.getUint32(o, true))).toEqual([1, 2, 3, 4]);
    expect(view.getInt32(32, true)).toBe(-3);
    expect(view.getFloat32(60, true)).toBe(-2);
  });

  it('rejects a missing, unknown or malformed value', () => {
    const layout = paramsLayout('t.wgsl', wgsl);
    const ok = { M: 1, alpha: 0, shape: [0, 0, 0, 0], offset: 0, more: [0, 0, 0, 0] };
    expect(() => packParams('t.wgsl', layout, { ...ok, M: undefined } as never)).toThrow(/no value for Params.M/);
    expect(() => packParams('t.wgsl', layout, { ...ok, typo: 1 })).toThrow(/Params has no field 'typo'/);
    expect(() => packParams('t.wgsl', layout, { ...ok, shape: [1, 2] })).toThrow(/takes 4 value/);
    expect(() => packParams('t.wgsl', layout, { ...ok, M: -1 })).toThrow(/not a u32/);
  });

  it('rejects field types it does not know how to lay out', () => {
    expect(() => paramsLayout('bad.wgsl', 'struct Params { m: mat4x4<f32>, }')).toThrow(/unsupported Params field/);
  });
});
