// Compute pipelines, cached by shader and override constants: shapes travel in Params, so one
// pipeline serves every shape and a model compiles each kernel variant once.
import type { Dispatch, ShaderSource } from '../ops/op.ts';

export class PipelineCache {
  private readonly modules = new Map<string, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  static key(shader: ShaderSource, overrides: Record<string, number>): string {
    const constants = Object.keys(overrides).sort().map((k) => `${k}=${overrides[k]}`);
    return `${shader.name}{${constants.join(',')}}`;
  }

  /** Creates the missing pipelines of `dispatches` in parallel (createComputePipelineAsync). */
  async prepare(dispatches: Dispatch[]): Promise<void> {
    const missing = new Map<string, Dispatch>();
    for (const d of dispatches) {
      const key = PipelineCache.key(d.shader, d.overrides);
      if (!this.pipelines.has(key)) missing.set(key, d);
    }
    const made = await Promise.all(
      [...missing].map(([key, d]) =>
        this.device.createComputePipelineAsync({
          label: key,
          layout: 'auto',
          compute: { module: this.module(d.shader), entryPoint: 'main', constants: d.overrides },
        }),
      ),
    );
    [...missing.keys()].forEach((key, i) => this.pipelines.set(key, made[i]));
  }

  get(dispatch: Dispatch): GPUComputePipeline {
    const key = PipelineCache.key(dispatch.shader, dispatch.overrides);
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module: this.module(dispatch.shader), entryPoint: 'main', constants: dispatch.overrides },
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  private module(shader: ShaderSource): GPUShaderModule {
    let module = this.modules.get(shader.name);
    if (!module) {
      module = this.device.createShaderModule({ label: shader.name, code: shader.code });
      this.modules.set(shader.name, module);
    }
    return module;
  }
}
