// The built Node entry (dist/node.js, `wgnn/node`) computes on Dawn, an engine survives the
// garbage collection of the GPU object it came from, and the browser entry (dist/wgnn.js) never
// reaches `webgpu` or Node built-ins through its imports.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { matmulReference } from '../../src/ops/matmul/reference.ts';
import { resolveActivation } from '../../src/ops/activation/kinds.ts';
import { expectClose, reduction } from '../harness/compare.ts';
import { Random } from '../harness/random.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

/** Every module specifier that `file` imports, statically or dynamically, following local chunks. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const code = readFileSync(file, 'utf8');
  // Static imports open their line in the bundle; anchoring skips `from '...'` inside message text.
  const staticImports = code.matchAll(/^(?:import|export)\b[^;]*?["']([^"']+)["'];?$/gm);
  const dynamicImports = code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g);
  const specifiers = [...staticImports, ...dynamicImports].map((m) => m[1]);
  seen.set(file, specifiers);
  for (const s of specifiers) if (s.startsWith('.')) importGraph(join(dirname(file), s), seen);
  return seen;
}

describe('built package', () => {
  it('dist/wgnn.js imports neither webgpu nor Node built-ins', () => {
    const graph = importGraph(join(DIST, 'wgnn.js'));
    const external = [...graph.values()].flat().filter((s) => !s.startsWith('.'));
    expect(external).toEqual([]);
    // and the check itself sees what the Node entry imports
    expect([...importGraph(join(DIST, 'node.js')).values()].flat()).toContain('webgpu');
  });

  it('wgnn/node: createNodeEngine runs a matmul that matches the CPU reference', async (context) => {
    const harness = inject('nodeGpuHarness');
    if (harness.unavailable) context.skip(`no WebGPU adapter in Node: ${harness.unavailable}`);
    const wgnn = (await import(pathToFileURL(join(DIST, 'node.js')).href)) as typeof import('../../src/node.ts');
    const engine = await wgnn.createNodeEngine({ poisonOutputs: true });
    try {
      expect(engine.info.backend).toBe('webgpu');
      const rng = new Random(11);
      const a = { shape: [2, 6, 7], data: rng.floats(84) };
      const b = { shape: [7, 5], data: rng.floats(35) };
      const out = engine.matmul(engine.tensor(a.shape, a.data), engine.tensor(b.shape, b.data), { activation: 'tanh' });
      const expected = matmulReference(a, b, { transposeA: false, transposeB: false, activation: resolveActivation('test', 'tanh') });
      expectClose('dist/node.js matmul', await out.data(), expected.data, reduction(7), { seed: 11, shape: out.shape });
    } finally {
      engine.dispose();
    }
  });

  // Dawn frees its instance, and every device made from it, when the GPU object is collected; the
  // next callback then crashes the process (seen: SIGSEGV or SIGABRT on nearly every run). So this
  // runs in a child process, where a crash is an exit signal and not a lost test worker.
  it('an engine outlives the temporary GPU object it was made from', async (context) => {
    const harness = inject('nodeGpuHarness');
    if (harness.unavailable) context.skip(`no WebGPU adapter in Node: ${harness.unavailable}`);
    const script = `
      import { create } from 'webgpu';
      const { createEngine } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'wgnn.js')).href)});
      const engine = await createEngine({ gpu: create([]) });
      gc();
      await new Promise((r) => setTimeout(r, 50));
      gc();
      const y = engine.matmul(engine.tensor([2, 2], [1, 2, 3, 4]), engine.tensor([2, 2], [0, 1, 1, 0]));
      console.log((await y.data()).join(' '));
      engine.dispose();`;
    const result = await new Promise<{ error: Error | null; stdout: string; stderr: string }>((done) => {
      const args = ['--expose-gc', '--input-type=module', '-e', script];
      execFile(process.execPath, args, { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => done({ error, stdout, stderr }));
    });
    expect(result.error, result.stderr).toBeNull();
    expect(result.stdout.trim()).toBe('2 1 4 3');
  });
});
