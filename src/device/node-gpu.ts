// WebGPU in Node through Dawn (the `webgpu` package). Only the Node entry (src/node.ts) imports
// this file, so the browser bundle never loads `webgpu` or Node built-ins.
//
// On Linux Dawn uses Vulkan, which needs the loader (libvulkan.so.1) and a driver (ICD). A machine
// without a GPU has no driver; Debian's chromium ships SwiftShader, a Vulkan driver on the CPU.
// The loader picks drivers from VK_ICD_FILENAMES, read when Dawn creates its instance, so
// setting it in process.env before create([]) is enough.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { WgnnError } from '../errors.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const WHERE = 'nodeGpu';

let shared: Promise<GPU> | undefined;

/**
 * The process's WebGPU entry point on Dawn, one that has an adapter. On Linux, when neither
 * VK_ICD_FILENAMES nor VK_DRIVER_FILES is set and the system's Vulkan drivers give no adapter
 * (or there are none), it sets VK_ICD_FILENAMES to Chromium's SwiftShader driver if that file
 * exists. A real GPU's driver is always tried first. Throws a WgnnError that says what to install
 * otherwise. The GPU object is made once and kept: Dawn frees every adapter and device made
 * from it when it is garbage collected, and later callbacks then crash the process.
 */
export function nodeGpu(): Promise<GPU> {
  shared ??= findGpu().catch((error: unknown) => {
    shared = undefined; // a later call may find a driver installed since
    throw error;
  });
  return shared;
}

async function findGpu(): Promise<GPU> {
  const dawn = await loadDawn();
  const canFallBack = process.platform === 'linux' && !driverChosen() && existsSync(SWIFTSHADER_ICD);
  // With no system driver at all, go straight to SwiftShader: trying first only makes Dawn print warnings.
  if (!(canFallBack && systemVulkanDrivers().length === 0)) {
    const gpu = dawn.create([]);
    if (await gpu.requestAdapter()) return gpu;
  }
  if (canFallBack) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    const gpu = dawn.create([]);
    if (await gpu.requestAdapter()) return gpu;
    delete process.env.VK_ICD_FILENAMES;
  }
  throw new WgnnError(WHERE, noAdapterMessage(canFallBack));
}

async function loadDawn(): Promise<typeof import('webgpu')> {
  try {
    return await import('webgpu');
  } catch (error) {
    throw new WgnnError(
      WHERE,
      `the 'webgpu' package (Dawn for Node) could not be loaded (${(error as Error).message.split('\n')[0]}); ` +
        `install it with 'npm install webgpu' (prebuilt for linux, macOS and Windows on x64 and arm64)`,
    );
  }
}

function driverChosen(): boolean {
  return Boolean(process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES);
}

/** Vulkan driver manifests in the loader's default search folders. */
function systemVulkanDrivers(): string[] {
  const dataDirs = (process.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = ['/etc', ...dataDirs, join(homedir(), '.local/share')].map((d) => join(d, 'vulkan/icd.d'));
  return dirs.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []));
}

function vulkanLoaderInstalled(): boolean {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  if (fromEnv.some((dir) => existsSync(join(dir, 'libvulkan.so.1')))) return true;
  for (const ldconfig of ['/sbin/ldconfig', 'ldconfig']) {
    try {
      return execFileSync(ldconfig, ['-p'], { encoding: 'utf8' }).includes('libvulkan.so.1');
    } catch {
      // not at this path: try the next
    }
  }
  return true; // cannot tell: do not send the user after a loader that may be there
}

function noAdapterMessage(triedSwiftShader: boolean): string {
  const found = 'Dawn found no WebGPU adapter';
  const cpu = "without a GPU, createEngine({ backend: 'cpu' }) runs the CPU reference";
  if (process.platform !== 'linux') return `${found}: check the GPU driver; ${cpu}`;
  const reasons: string[] = [];
  if (!vulkanLoaderInstalled()) reasons.push('the Vulkan loader libvulkan.so.1 is missing (Debian: apt-get install -y libvulkan1)');
  const chosen = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
  if (chosen) reasons.push(`the Vulkan driver named by VK_ICD_FILENAMES or VK_DRIVER_FILES (${chosen}) gave none: check that file, or unset the variable`);
  else if (triedSwiftShader) reasons.push(`neither the system's Vulkan drivers nor SwiftShader (${SWIFTSHADER_ICD}) gave one`);
  else {
    reasons.push(
      'no Vulkan driver gave one: use a machine with a GPU driver, or install a software one ' +
        `(apt-get install -y chromium libvulkan1) and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} ` +
        '(wgnn sets it itself when it is unset and that file exists)',
    );
  }
  return `${found}: ${reasons.join('; ')}; ${cpu}`;
}
