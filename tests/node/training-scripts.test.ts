// The demos' training scripts (demos/training/*.ts, `npm run train:<demo>`) run end to end in Node
// on a tiny budget, so that they cannot rot: each writes its weights to a temporary file, which
// must load into the page's model. The full runs that produce the committed weights are not in CI.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { Model } from '../../src/index.ts';
import { digitsModel } from '../../demos/digits/model.ts';
import { superresModel } from '../../demos/superres/model.ts';
import { forecastModel } from '../../demos/forecast/model.ts';
import { textModel } from '../../demos/text/model.ts';
import { motionModel } from '../../demos/motion/model.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** One script on a tiny budget: its arguments, and the page's model its weights must load into. */
const SCRIPTS: { script: string; args: string[]; model: () => Model }[] = [
  { script: 'digits', args: ['--limit', '100', '--epochs', '1'], model: () => digitsModel().model },
  { script: 'superres', args: ['--patches', '16', '--epochs', '1', '--held', '1'], model: () => superresModel().model },
  { script: 'forecast', args: ['--train', '32', '--held', '16', '--batch', '16', '--epochs', '1'], model: () => forecastModel().model },
  { script: 'text', args: ['--limit', '90', '--batch', '16', '--epochs', '1'], model: () => textModel(null).model },
  { script: 'motion', args: ['--clips', '32', '--held', '16', '--batch', '16', '--epochs', '1'], model: () => motionModel().model },
];

function runScript(script: string, args: string[]): Promise<{ code: number; output: string }> {
  const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
  const argv = [tsx, '--import', './demos/training/raw-imports.mjs', `demos/training/${script}.ts`, ...args];
  return new Promise((done) => {
    execFile(process.execPath, argv, { cwd: ROOT, timeout: 300_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: stdout + stderr });
    });
  });
}

for (const { script, args, model } of SCRIPTS) {
  it(`npm run train:${script} trains on a tiny budget and writes weights the page's model loads`, async () => {
    const out = join(mkdtempSync(join(tmpdir(), `wgnn-train-${script}-`)), `${script}.safetensors`);
    const { code, output } = await runScript(script, [...args, '--out', out]);
    expect(code, output).toBe(0);
    // On WebGPU (Dawn), not the CPU reference; and at least one epoch reported with a finite loss.
    expect(output).toMatch(/^adapter: (?!CPU reference)/m);
    expect(output).toMatch(/^epoch 1: .*loss \d+\.\d+/m);
    const bytes = new Uint8Array(readFileSync(out));
    expect(() => model().loadWeights(bytes)).not.toThrow();
  });
}
