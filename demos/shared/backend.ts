// The backend switch every demo page has: WebGPU by default, the CPU reference on request
// (?backend=cpu or the switch) or when WebGPU has no adapter, which the page says in its #fallback
// note. The page's masthead holds buttons with data-backend="webgpu" / "cpu", #adapter and #fallback.
import { createEngine, type Engine } from '../../src/index.ts';

export type Backend = 'webgpu' | 'cpu';

const $ = (id: string) => document.getElementById(id)!;
/** The switch's buttons. */
export const backendButtons = () => Array.from(document.querySelectorAll<HTMLButtonElement>('button[data-backend]'));

/** The backend the URL asks for. */
export const requestedBackend = (): Backend => (new URLSearchParams(location.search).get('backend') === 'cpu' ? 'cpu' : 'webgpu');

/** An engine on `backend`; where WebGPU cannot start, the CPU reference, with the fallback note shown and the WebGPU button disabled. */
export async function openEngine(backend: Backend): Promise<Engine> {
  $('adapter').textContent = backend === 'webgpu' ? 'Looking for a WebGPU adapter…' : 'Loading the CPU reference…';
  $('adapter').classList.remove('error');
  try {
    return await createEngine({ backend });
  } catch (error) {
    if (backend !== 'webgpu') throw error;
    const reason = 'gpu' in navigator ? 'no WebGPU adapter was found' : 'this browser has no WebGPU';
    Object.assign($('fallback'), { hidden: false, textContent: `Running on the CPU reference: ${reason}.`, title: (error as Error).message });
    const webgpu = backendButtons().find((b) => b.dataset.backend === 'webgpu');
    if (webgpu) webgpu.disabled = true;
    return createEngine({ backend: 'cpu' });
  }
}

/** Says which adapter (or the CPU reference) the engine runs on, and marks the switch's pressed button. */
export function showBackend(engine: Engine | null): void {
  const adapter = engine?.info.adapter;
  if (engine) $('adapter').textContent = adapter ? `GPU: ${[adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ')}` : 'CPU reference: plain loops written from the math';
  document.body.dataset.backend = engine?.info.backend ?? '';
  for (const button of backendButtons()) button.setAttribute('aria-pressed', String(button.dataset.backend === engine?.info.backend));
}

/** Calls `choose` when the user picks the other backend. */
export function onBackendSwitch(current: () => Backend | null, choose: (backend: Backend) => void): void {
  for (const button of backendButtons()) {
    button.id = `backend-${button.dataset.backend}`;
    button.addEventListener('click', () => button.dataset.backend !== current() && choose(button.dataset.backend as Backend));
  }
}

/** Shows an error where it happened (by default under the backend switch) and in the console. */
export function showError(error: unknown, where: HTMLElement = $('adapter')): void {
  console.error(error);
  where.textContent = `Error: ${(error as Error).message}`;
  where.classList.add('error');
}
