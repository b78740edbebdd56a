// The ONNX backend test suite (Debian's libonnx-testdata) on both backends: WebGPU (Dawn in
// Node) and the CPU reference. Every applicable case is a test; the table of found / passed /
// failed / excluded per op family is printed at the end. Exclusions are listed in README.md.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { nodeGpu } from '../../src/device/node-gpu.ts';
import { createEngine, type Engine } from '../../src/index.ts';
import { exclusion, familyOf, runCase, table, type Outcome } from './runner.ts';
import { listCases, TESTDATA_ROOT } from './testdata.ts';

const cases = listCases();
const applicable = cases.filter((c) => !exclusion(c));

describe('ONNX backend test data', () => {
  it('is installed (libonnx-testdata)', () => {
    if (!existsSync(TESTDATA_ROOT) && !process.env.CI) return;
    expect(cases.length).toBeGreaterThan(1000);
    expect(applicable.length).toBeGreaterThan(200);
  });
});

for (const backend of ['webgpu', 'cpu'] as const) {
  describe(`conformance on ${backend}`, () => {
    const outcomes: Outcome[] = [];
    let engine: Promise<Engine> | undefined;
    const getEngine = () => (engine ??= backend === 'cpu' ? createEngine({ backend: 'cpu' }) : nodeGpu().then((gpu) => createEngine({ gpu })));

    afterAll(async () => {
      (await engine?.catch(() => undefined))?.dispose();
      if (outcomes.length === 0) return;
      const excluded = cases.filter((c) => !applicable.includes(c)).map((c) => ({ testCase: c, family: familyOf(c), status: 'excluded' as const, reason: exclusion(c) }));
      const all = [...outcomes, ...excluded.filter((o) => !o.reason?.startsWith('unsupported op'))];
      const unsupported = excluded.length - (all.length - outcomes.length);
      console.log(`\nONNX conformance on ${backend}: ${outcomes.filter((o) => o.status === 'passed').length} passed, ${outcomes.filter((o) => o.status === 'failed').length} failed of ${outcomes.length} applicable; ${excluded.length} excluded (${unsupported} use ops outside wgnn's list)\n${table(all)}`);
    });

    for (const c of applicable) {
      it(`${c.suite}/${c.name}`, async (context) => {
        if (backend === 'webgpu' && inject('nodeGpuHarness').unavailable) context.skip('no WebGPU adapter in Node');
        const outcome = await runCase(c, await getEngine());
        outcomes.push(outcome);
        if (outcome.status === 'failed') throw new Error(outcome.reason);
      });
    }
  });
}
