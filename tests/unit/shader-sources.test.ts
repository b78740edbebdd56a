// Checks over the .wgsl files themselves: each declares its Params, every copy of the activation
// epilogue is identical to the canonical one in activation.wgsl, and each *_quad.wgsl kernel
// (and *_quad_narrow.wgsl) repeats the declarations and helpers of the kernel it extends before its
// own (WGSL has no imports).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramsLayout } from '../../src/runtime/params.ts';

const SHADERS = resolve(import.meta.dirname, '../../shaders');
const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl'));
const source = (f: string) => readFileSync(join(SHADERS, f), 'utf8');
const activateBlock = (code: string) => /\/\/ BEGIN activate\n[\s\S]*?\/\/ END activate/.exec(code)?.[0];
/** From the Params struct to the entry point: the declarations and helpers of a kernel. */
const helpers = (code: string) => code.slice(code.indexOf('struct Params'), code.indexOf('@compute'));

describe('shader sources', () => {
  it('there are shaders to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of files) {
    it(`${file} opens with a comment and has a readable Params struct`, () => {
      const code = source(file);
      expect(code.startsWith('//')).toBe(true);
      expect(paramsLayout(file, code).fields.length).toBeGreaterThan(0);
    });

    it(`${file} declares storage read_write (arena bindings share one buffer)`, () => {
      expect(source(file)).not.toMatch(/var<storage,\s*read>/);
    });

    if (file.endsWith('_quad.wgsl') || file.endsWith('_quad_narrow.wgsl')) {
      const base = file.endsWith('_quad.wgsl') ? file.replace('_quad.wgsl', '.wgsl') : file.replace('_narrow.wgsl', '.wgsl');
      it(`${file} starts with the helpers of ${base}`, () => {
        expect(files).toContain(base);
        expect(helpers(source(file)).length).toBeGreaterThan(0);
        expect(helpers(source(file)).startsWith(helpers(source(base)))).toBe(true);
      });
    }

    const block = activateBlock(source(file));
    if (block) {
      it(`${file} carries the canonical activate() copy`, () => {
        expect(block).toBe(activateBlock(source('activation.wgsl')));
      });
    } else {
      it(`${file} either has no ACTIVATION override or carries activate()`, () => {
        expect(source(file)).not.toMatch(/override ACTIVATION/);
      });
    }
  }
});
