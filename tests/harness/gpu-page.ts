// The page the GPU tests run in. It exposes window.wgnnTest; the Node side calls run(suite, name)
// for each case and gets back either { ok: true } or the case's diagnosing error message.
import { createEngine, type Engine, type EngineOptions } from '../../src/index.ts';
import { SUITES } from '../gpu/cases/index.ts';

export interface CaseOutcome {
  ok: boolean;
  message?: string;
}

export interface AdapterReport {
  available: boolean;
  description: string;
}

const engines = new Map<string, Promise<Engine>>();

function engine(variants: EngineOptions['variants'] = {}, options: Pick<EngineOptions, 'im2colMaxBytes'> = {}): Promise<Engine> {
  const key = JSON.stringify([variants, options]);
  let made = engines.get(key);
  if (!made) {
    made = createEngine({ ...options, variants, poisonOutputs: true });
    engines.set(key, made);
  }
  return made;
}

async function readFile(path: string): Promise<Uint8Array> {
  const response = await fetch(`/${path}`);
  if (!response.ok) throw new Error(`fetching /${path}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const api = {
  async adapter(): Promise<AdapterReport> {
    try {
      const e = await engine();
      const a = e.info.adapter!;
      return { available: true, description: `${a.vendor} ${a.architecture}${a.description ? ` (${a.description})` : ''}; features: ${e.info.features.join(', ')}` };
    } catch (error) {
      engines.clear();
      return { available: false, description: (error as Error).message };
    }
  },

  async run(suite: string, name: string): Promise<CaseOutcome> {
    const found = SUITES[suite]?.find((c) => c.name === name);
    if (!found) return { ok: false, message: `no case '${name}' in suite '${suite}'` };
    try {
      await found.run({ engine, readFile });
      return { ok: true };
    } catch (error) {
      const e = error as Error;
      return { ok: false, message: `${e.message}\n${e.stack ?? ''}` };
    }
  },
};

(window as unknown as { wgnnTest: typeof api }).wgnnTest = api;
document.body.dataset.ready = 'true';
