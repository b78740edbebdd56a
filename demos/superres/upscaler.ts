// The live upscaler: an engine on one backend and the ESPCN model with a set of weights, compiled
// once; the compiled model builds (and caches) a plan for each input size it meets, since the
// network is fully convolutional. upscale() returns the 3x luminance and the wall time of
// compiled.run (upload, dispatches, readback; on the CPU backend, the reference's loops).
import type { CompiledModel, Engine, Profile } from '../../src/index.ts';
import type { Backend } from '../shared/backend.ts';
import { fromModelOutput, SCALE, toModelInput, type GreyImage } from './images.ts';
import { superresModel, type SuperresModel } from './model.ts';

export class Upscaler {
  private compiled: CompiledModel | null = null;
  /** Input sizes ("HxW") already run once: their plan is built. */
  private readonly sizes = new Set<string>();

  private constructor(
    readonly engine: Engine,
    readonly espcn: SuperresModel,
  ) {}

  /** The model on `engine` (which the upscaler then owns) with `weights` loaded. */
  static async create(engine: Engine, weights: Uint8Array): Promise<Upscaler> {
    const upscaler = new Upscaler(engine, superresModel());
    upscaler.espcn.model.loadWeights(weights);
    upscaler.compiled = engine.compile(upscaler.espcn.model);
    return upscaler;
  }

  get backend(): Backend {
    return this.engine.info.backend;
  }

  /** Whether the next run at this size builds a new plan first. */
  isNewSize(low: GreyImage): boolean {
    return !this.sizes.has(`${low.height}x${low.width}`);
  }

  async upscale(low: GreyImage): Promise<{ image: GreyImage; ms: number }> {
    const start = performance.now();
    const outputs = await this.compiled!.run([{ data: toModelInput(low), shape: [1, low.height, low.width, 1] }]);
    const ms = performance.now() - start;
    this.sizes.add(`${low.height}x${low.width}`);
    return { image: fromModelOutput(low.width * SCALE, low.height * SCALE, outputs[this.espcn.outputName]), ms };
  }

  /** Per-node GPU time of one run (timestamp queries where the adapter has them); null on the CPU backend. */
  async profile(low: GreyImage): Promise<Profile | null> {
    return this.backend === 'webgpu' ? this.compiled!.profile([{ data: toModelInput(low), shape: [1, low.height, low.width, 1] }]) : null;
  }

  dispose(): void {
    this.compiled?.dispose();
    this.engine.dispose();
  }
}
