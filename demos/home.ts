// The front page: a thumbnail per page (the screenshots the page tests write to docs/screenshots,
// which the README shows too) and a line on the WebGPU adapter this browser offers.

const thumbnails = import.meta.glob('../docs/screenshots/*.png', { eager: true, query: '?url', import: 'default' }) as Record<string, string>;

for (const img of Array.from(document.querySelectorAll<HTMLImageElement>('img[data-thumb]'))) {
  const url = thumbnails[`../docs/screenshots/${img.dataset.thumb}.png`];
  if (url) img.src = url;
  else img.replaceWith(Object.assign(document.createElement('div'), { className: 'no-thumb', textContent: img.alt }));
}

async function describeAdapter(): Promise<string> {
  if (!('gpu' in navigator)) return 'This browser has no WebGPU: the pages run on the CPU reference (slower, same numbers).';
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return 'No WebGPU adapter was found: the pages run on the CPU reference (slower, same numbers).';
  const { vendor, architecture, description } = adapter.info;
  return `WebGPU adapter: ${[vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed'}. The pages run on it.`;
}

const line = document.getElementById('adapter')!;
describeAdapter()
  .then((text) => (line.textContent = text))
  .catch((error: Error) => (line.textContent = `WebGPU failed to start (${error.message}): the pages run on the CPU reference.`))
  .finally(() => (document.body.dataset.ready = 'true'));
