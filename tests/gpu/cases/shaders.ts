// Every .wgsl file compiles on its own, with its default override values: no shader depends on
// text spliced in from elsewhere.
import type { GpuCase } from './case.ts';

const SOURCES = import.meta.glob('../../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export const shaderCases: GpuCase[] = Object.entries(SOURCES).map(([path, code]) => {
  const file = path.split('/').pop()!;
  return {
    name: `${file} compiles standalone`,
    async run(ctx) {
      const gpuDevice = (await ctx.engine()).device!;
      gpuDevice.pushErrorScope('validation');
      const module = gpuDevice.createShaderModule({ label: file, code });
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === 'error');
      if (errors.length) throw new Error(`${file}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
      // Creating the pipeline also checks the defaults of the override constants.
      gpuDevice.createComputePipeline({ label: file, layout: 'auto', compute: { module, entryPoint: 'main' } });
      const error = await gpuDevice.popErrorScope();
      if (error) throw new Error(`${file}: ${error.message}`);
    },
  };
});
