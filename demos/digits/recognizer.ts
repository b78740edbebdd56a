// The live recognizer: an engine on one backend, the digit model with a set of weights, compiled
// for a batch of one. classify() returns the ten probabilities and the wall time of compiled.run
// (upload, dispatches, readback; on the CPU backend, the reference's loops).
import type { CompiledModel, Engine, Profile } from '../../src/index.ts';
import type { Backend } from '../shared/backend.ts';
import { digitsModel, type DigitsModel } from './model.ts';

export class Recognizer {
  private compiled: CompiledModel | null = null;

  private constructor(
    readonly engine: Engine,
    readonly digits: DigitsModel,
  ) {}

  /** The digit model on `engine` (which the recognizer then owns) with `weights` loaded and warmed up. */
  static async create(engine: Engine, weights: Uint8Array): Promise<Recognizer> {
    const recognizer = new Recognizer(engine, digitsModel());
    await recognizer.load(weights);
    return recognizer;
  }

  get backend(): Backend {
    return this.engine.info.backend;
  }

  /** Swaps in a safetensors file of weights (recompiling), and runs once so the first stroke is fast. */
  async load(weights: Uint8Array): Promise<void> {
    this.digits.model.loadWeights(weights);
    const next = this.engine.compile(this.digits.model);
    await next.run([new Float32Array(784)]);
    this.compiled?.dispose();
    this.compiled = next;
  }

  async classify(input: Float32Array): Promise<{ probabilities: Float32Array; ms: number }> {
    const start = performance.now();
    const outputs = await this.compiled!.run([input]);
    return { probabilities: outputs[this.digits.outputName], ms: performance.now() - start };
  }

  /** Per-node GPU time of one run (timestamp queries where the adapter has them); null on the CPU backend. */
  async profile(input: Float32Array): Promise<Profile | null> {
    return this.backend === 'webgpu' ? this.compiled!.profile([input]) : null;
  }

  dispose(): void {
    this.compiled?.dispose();
    this.engine.dispose();
  }
}
