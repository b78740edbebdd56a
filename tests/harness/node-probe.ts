// Finds the WebGPU adapter that Dawn gives Node, once for the whole run (global-setup.ts).
import { nodeGpu } from '../../src/device/node-gpu.ts';

export interface NodeGpuHarness {
  reportDir: string;
  /** The adapter, described for the log, or '' when there is none. */
  adapter: string;
  /** Why the Node GPU cases cannot run here, or '' when they can. */
  unavailable: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    nodeGpuHarness: NodeGpuHarness;
  }
}

export async function probeNodeGpu(reportDir: string): Promise<NodeGpuHarness> {
  try {
    const adapter = await (await nodeGpu()).requestAdapter();
    if (!adapter) throw new Error('the adapter went away between two requests');
    const { vendor, architecture, description } = adapter.info;
    // nodeGpu may have chosen SwiftShader through VK_ICD_FILENAMES; the test workers inherit it.
    const driver = process.env.VK_ICD_FILENAMES ? ` via VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES}` : '';
    return { reportDir, adapter: `${vendor} ${architecture} (${description})${driver}`, unavailable: '' };
  } catch (error) {
    return { reportDir, adapter: '', unavailable: (error as Error).message };
  }
}
