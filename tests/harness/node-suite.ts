// Registers one vitest test per GPU case of every suite, run in this Node process on Dawn: the
// same cases the browser page runs, each on an engine that poisons outputs and forces the
// case's variants. With CI set a missing adapter has already failed the run (global-setup.ts);
// locally the cases skip.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { nodeGpu } from '../../src/device/node-gpu.ts';
import { createEngine, type Engine, type EngineOptions } from '../../src/index.ts';
import { SUITES } from '../gpu/cases/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Makes Node look like the other WebGPU runtimes: cases call createEngine() with no `gpu`. */
function installNavigatorGpu(gpu: GPU): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
}

export function defineNodeSuites(): void {
  const harness = inject('nodeGpuHarness');
  const engines = new Map<string, Promise<Engine>>();
  let gpu: GPU | undefined;

  function engine(variants: EngineOptions['variants'] = {}, options: Pick<EngineOptions, 'im2colMaxBytes'> = {}): Promise<Engine> {
    const key = JSON.stringify([variants, options]);
    let made = engines.get(key);
    if (!made) {
      made = createEngine({ ...options, gpu, variants, poisonOutputs: true });
      engines.set(key, made);
    }
    return made;
  }

  beforeAll(async () => {
    if (harness.unavailable) return;
    gpu = await nodeGpu();
    installNavigatorGpu(gpu);
  });

  afterAll(async () => {
    for (const made of engines.values()) (await made.catch(() => undefined))?.dispose();
  });

  for (const [suite, cases] of Object.entries(SUITES)) {
    describe(suite, () => {
      let executed = 0;
      let skipped = 0;
      afterAll(() => writeFileSync(join(harness.reportDir, `node-${suite}.json`), JSON.stringify({ executed, skipped })));

      for (const c of cases) {
        it(c.name, async (context) => {
          if (harness.unavailable) {
            skipped++;
            context.skip(`no WebGPU adapter in Node: ${harness.unavailable}`);
          }
          executed++;
          await c.run({ engine, readFile: async (path) => new Uint8Array(readFileSync(join(ROOT, path))) });
        });
      }
    });
  }
}
