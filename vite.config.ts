import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `vite build` bundles the library; shaders are imported with `?raw` and inlined. Three entries:
  // dist/wgnn.js (browser and any WebGPU runtime), dist/node.js (`wgnn/node`, Dawn) and
  // dist/cli.js (the `wgnn` command); code they share goes to a chunk. `webgpu` and Node's
  // built-ins stay imports, and only the Node entries reach them.
  build: {
    lib: {
      entry: {
        wgnn: resolve(import.meta.dirname, 'src/index.ts'),
        node: resolve(import.meta.dirname, 'src/node.ts'),
        cli: resolve(import.meta.dirname, 'src/cli/wgnn.ts'),
      },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: { external: ['webgpu', /^node:/] },
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  // The demo and the GPU test pages import the sources from the repository root.
  server: { fs: { allow: [import.meta.dirname] } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/harness/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
