// The real PyTorch exports (tests/fixtures/torch) on the CPU reference backend: each within
// 2e-3 x max |torch| of PyTorch's outputs for every data set; the errors are printed. The same
// fixtures run on WebGPU as GPU cases (tests/gpu/cases/torch-fixtures.ts).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createEngine } from '../../src/index.ts';
import { FIXTURES, formatErrors, runFixture } from '../harness/torch-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const readFile = async (path: string) => new Uint8Array(readFileSync(join(ROOT, path)));

describe('real PyTorch exports on the CPU reference', () => {
  const engine = createEngine({ backend: 'cpu' });
  const lines: string[] = [];
  afterAll(() => console.log(`\nmax |wgnn - torch| per output (and relative to max |torch|):\n${lines.join('\n')}`));

  for (const f of FIXTURES) {
    it(`${f.name}: ${f.description}`, async () => {
      lines.push(formatErrors('cpu', f.name, await runFixture(f.name, await engine, readFile)));
    });
  }
});
