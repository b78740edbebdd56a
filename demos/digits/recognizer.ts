// The live recognizer: an engine on one backend, the digit model with a set of weights, compiled
// for a batch of one. classify() returns the ten probabilities and the wall time of compiled.run
// (upload, dispatches, readback; on the CPU backend, the reference's loops).
import { createEngine, type CompiledModel, type Engine, type Profile } from '../../src/index.ts';
import { digitsModel, type DigitsModel } from './model.ts';

export type Backend = 'webgpu' | 'cpu';

export class Recognizer {
  private compiled: CompiledModel | null = null;

  private constructor(
    readonly engine: Engine,
    readonly digits: DigitsModel,
  ) {}

  /** An engine on `backend` (createEngine's error when WebGPU has no adapter) with `weights` loaded and warmed up. */
  static async create(backend: Backend, weights: Uint8Array): Promise<Recognizer> {
    const recognizer = new Recognizer(await createEngine({ backend }), digitsModel());
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
