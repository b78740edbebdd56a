// The live motion classifier: an engine on one backend, the motion model with a set of weights,
// compiled for one clip. classify() takes T frames and returns the nine probabilities and the
// wall time of compiled.run (upload, dispatches, readback; on the CPU backend, the reference's loops).
import type { CompiledModel, Engine, Profile } from '../../src/index.ts';
import type { Backend } from '../shared/backend.ts';
import { SIZE, T } from './clips.ts';
import { motionModel, type MotionModel } from './model.ts';

export const CLIP_VALUES = T * SIZE * SIZE;

export class Recognizer {
  private compiled: CompiledModel | null = null;

  private constructor(
    readonly engine: Engine,
    readonly motion: MotionModel,
  ) {}

  /** The motion model on `engine` (which the recognizer then owns) with `weights` loaded and warmed up. */
  static async create(engine: Engine, weights: Uint8Array): Promise<Recognizer> {
    const recognizer = new Recognizer(engine, motionModel());
    recognizer.motion.model.loadWeights(weights);
    recognizer.compiled = engine.compile(recognizer.motion.model);
    await recognizer.compiled.run([new Float32Array(CLIP_VALUES)]);
    return recognizer;
  }

  get backend(): Backend {
    return this.engine.info.backend;
  }

  /** `clip`: T frames of SIZE x SIZE grey levels, oldest first. */
  async classify(clip: Float32Array): Promise<{ probabilities: Float32Array; ms: number }> {
    const start = performance.now();
    const outputs = await this.compiled!.run([clip]);
    return { probabilities: outputs[this.motion.outputName], ms: performance.now() - start };
  }

  /** Per-node GPU time of one run (timestamp queries where the adapter has them); null on the CPU backend. */
  async profile(clip: Float32Array): Promise<Profile | null> {
    return this.backend === 'webgpu' ? this.compiled!.profile([clip]) : null;
  }

  dispose(): void {
    this.compiled?.dispose();
    this.engine.dispose();
  }
}
