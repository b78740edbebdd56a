// The recurrent shaders each carry a copy of recurrentActivate (each .wgsl compiles on its own):
// the copies must be identical, and the codes must cover every ONNX activation name.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECURRENT_ACTIVATION_NAMES } from '../../src/ops/recurrent/activations.ts';
import { RECURRENT_ACTIVATION_CODES } from '../../src/ops/recurrent/op.ts';

const SHADERS = resolve(import.meta.dirname, '../../shaders');
const block = (file: string) => /\/\/ BEGIN recurrentActivate\n[\s\S]*?\/\/ END recurrentActivate/.exec(readFileSync(join(SHADERS, file), 'utf8'))?.[0];

describe('recurrent shaders', () => {
  it('gru.wgsl and rnn.wgsl carry the same recurrentActivate as lstm.wgsl', () => {
    const canonical = block('lstm.wgsl');
    expect(canonical).toBeDefined();
    expect(block('gru.wgsl')).toBe(canonical);
    expect(block('rnn.wgsl')).toBe(canonical);
  });

  it('every ONNX recurrent activation has a code, and the shader comments name them in code order', () => {
    expect(Object.keys(RECURRENT_ACTIVATION_CODES).sort()).toEqual([...RECURRENT_ACTIVATION_NAMES].sort());
    const cases = [...block('lstm.wgsl')!.matchAll(/case (\d+)u: .*\/\/ (\w+)/g)].map((m) => [m[2], Number(m[1])]);
    expect(Object.fromEntries(cases)).toEqual(RECURRENT_ACTIVATION_CODES);
  });
});
