// The live forecaster: an engine on one backend, the GRU with a set of weights, compiled for a
// batch of one window. forecast() normalizes the past values as training did (signals.ts), runs
// the model and maps its output back to the signal's units; `ms` is the wall time of compiled.run
// (upload, dispatches, readback; on the CPU backend, the reference's loops).
import type { CompiledModel, Engine, Profile } from '../../src/index.ts';
import type { Backend } from '../shared/backend.ts';
import { forecastModel } from './model.ts';
import { denormalize, LOOKBACK, normalization, normalize } from './signals.ts';

export class Forecaster {
  private compiled: CompiledModel | null = null;
  private readonly described = forecastModel();

  private constructor(readonly engine: Engine) {}

  /** The forecast model on `engine` (which the forecaster then owns) with `weights` loaded and warmed up. */
  static async create(engine: Engine, weights: Uint8Array): Promise<Forecaster> {
    const forecaster = new Forecaster(engine);
    forecaster.described.model.loadWeights(weights);
    forecaster.compiled = engine.compile(forecaster.described.model);
    await forecaster.compiled.run([new Float32Array(LOOKBACK)]);
    return forecaster;
  }

  get backend(): Backend {
    return this.engine.info.backend;
  }

  /** The next HORIZON values after `history` (the last LOOKBACK values), in the signal's units. */
  async forecast(history: Float32Array): Promise<{ forecast: Float32Array; ms: number }> {
    const norm = normalization(history);
    const start = performance.now();
    const outputs = await this.compiled!.run([normalize(history, norm)]);
    const ms = performance.now() - start;
    return { forecast: denormalize(outputs[this.described.outputName], norm), ms };
  }

  /** Per-node GPU time of one run (timestamp queries where the adapter has them); null on the CPU backend. */
  async profile(): Promise<Profile | null> {
    return this.backend === 'webgpu' ? this.compiled!.profile([new Float32Array(LOOKBACK)]) : null;
  }

  dispose(): void {
    this.compiled?.dispose();
    this.engine.dispose();
  }
}
