// The Node entry of wgnn (`import { createNodeEngine } from 'wgnn/node'`): the public API plus an
// engine on Dawn, the `webgpu` package. Kept apart from src/index.ts so that the browser bundle
// never imports `webgpu` or Node built-ins.
import { createEngine, type Engine, type EngineOptions } from './engine.ts';
import { nodeGpu } from './device/node-gpu.ts';
import { layersModelFromShards, loadLayersModel as loadLayersModelFromSource, type LayersModelSource, type LoadLayersModelOptions } from './keras/load-layers-model.ts';
import type { Model } from './model/model.ts';
import { saveLayersModel, type SaveLayersModelOptions } from './keras/save-layers-model.ts';
import { kerasModelFromBytes, loadKerasModel as loadKerasModelFromSource, type KerasModelSource, type LoadKerasModelOptions } from './keras/load-keras-model.ts';

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

/** The file a source names on disk (a path, or a file: URL), or undefined for anything else (http:, data:, bytes, parts). */
async function localFile(source: unknown): Promise<string | undefined> {
  const fileUrl = (typeof source === 'string' && source.startsWith('file:')) || (source instanceof URL && source.protocol === 'file:');
  if (fileUrl) return (await import('node:url')).fileURLToPath(source as string | URL);
  return typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(source) ? source : undefined;
}

/**
 * loadLayersModel (see src/keras/load-layers-model.ts) that also reads a path on disk: a
 * model.json whose shards sit beside it. URLs (http:, https:, data:) are fetched as in a page.
 */
export async function loadLayersModel(source: LayersModelSource, options?: LoadLayersModelOptions): Promise<Model> {
  const file = await localFile(source);
  if (file === undefined) return loadLayersModelFromSource(source, options);
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const dir = path.dirname(file);
  return layersModelFromShards(file, await readFile(file, 'utf8'), async (p) => new Uint8Array(await readFile(path.resolve(dir, p))));
}

/** saveLayersModel written to disk: `dir`/model.json and its weight shard beside it (tf.loadLayersModel('file://...') reads them). */
export async function writeLayersModel(model: Model, dir: string, options?: SaveLayersModelOptions): Promise<string> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const saved = saveLayersModel(model, options);
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(saved.weights)) await writeFile(path.join(dir, name), bytes);
  const file = path.join(dir, 'model.json');
  await writeFile(file, JSON.stringify(saved.modelJson));
  return file;
}

/** loadKerasModel (see src/keras/load-keras-model.ts) that also reads a .keras or .h5 file by its path. */
export async function loadKerasModel(source: KerasModelSource, options?: LoadKerasModelOptions): Promise<Model> {
  const file = await localFile(source);
  if (file === undefined) return loadKerasModelFromSource(source, options);
  const { readFile } = await import('node:fs/promises');
  return kerasModelFromBytes(new Uint8Array(await readFile(file)));
}
