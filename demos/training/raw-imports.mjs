// Lets Node (under tsx) run wgnn's TypeScript sources directly: the sources import their WGSL
// as `./x.wgsl?raw` (a Vite convention, which inlines the text); this hook gives such an import
// the file's text as its default export. Used by the training scripts: tsx --import ./demos/training/raw-imports.mjs
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
      import { readFile } from 'node:fs/promises';
      export async function load(url, context, next) {
        if (!url.endsWith('?raw')) return next(url, context);
        const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
        return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
      }`),
);
