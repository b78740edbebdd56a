// The Node entry of wgnn (`import { createNodeEngine } from 'wgnn/node'`): the public API plus an
// engine on Dawn, the `webgpu` package. Kept apart from src/index.ts so that the browser bundle
// never imports `webgpu` or Node built-ins.
import { createEngine, type Engine, type EngineOptions } from './engine.ts';
import { nodeGpu } from './device/node-gpu.ts';

export * from './index.ts';
export { nodeGpu, SWIFTSHADER_ICD } from './device/node-gpu.ts';

/**
 * createEngine() with Dawn's WebGPU unless `options.gpu` is given. On Linux without a usable
 * Vulkan driver it falls back to Chromium's SwiftShader, setting VK_ICD_FILENAMES (see nodeGpu).
 */
export async function createNodeEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options.backend === 'cpu' || options.gpu) return createEngine(options);
  return createEngine({ ...options, gpu: await nodeGpu() });
}
