// `wgnn info`: the WebGPU adapter that Node's Dawn finds, with its limits and features, as text
// or as JSON (--json).
import { nodeGpu } from '../device/node-gpu.ts';
import { WgnnError } from '../errors.ts';
import { parseFlags, type Command } from './command.ts';

export interface AdapterReport {
  adapter: { vendor: string; architecture: string; device: string; description: string };
  /** The Vulkan driver file in use when one was chosen through VK_ICD_FILENAMES (Linux). */
  vulkanDriver: string | null;
  limits: Record<string, number>;
  features: string[];
}

async function adapterReport(): Promise<AdapterReport> {
  const adapter = await (await nodeGpu()).requestAdapter();
  if (!adapter) throw new WgnnError('info', 'the WebGPU adapter found a moment ago is gone');
  const { vendor, architecture, device, description } = adapter.info;
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) limits[key] = adapter.limits[key as keyof GPUSupportedLimits] as number;
  return {
    adapter: { vendor, architecture, device, description },
    vulkanDriver: process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES || null,
    limits,
    features: [...adapter.features].sort(),
  };
}

export function formatReport(r: AdapterReport): string {
  const { vendor, architecture, device, description } = r.adapter;
  const rows = (entries: [string, string | number][]) => {
    const width = Math.max(...entries.map(([k]) => k.length));
    return entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  };
  const about: [string, string][] = [['vendor', vendor], ['architecture', architecture], ['device', device], ['description', description]];
  if (r.vulkanDriver) about.push(['vulkan driver', r.vulkanDriver]);
  return [
    `adapter: ${[vendor, architecture].filter(Boolean).join(' ') || 'unnamed'}${description ? ` (${description})` : ''}`,
    ...rows(about),
    'limits:',
    ...rows(Object.entries(r.limits).sort(([a], [b]) => a.localeCompare(b))),
    `features (${r.features.length}):`,
    ...r.features.map((f) => `  ${f}`),
  ].join('\n');
}

export const infoCommand: Command = {
  usage: 'wgnn info [--json]',
  summary: 'show the WebGPU adapter, its limits and features',
  async run(args) {
    const flags = parseFlags(args, ['--json']);
    const report = await adapterReport();
    console.log(flags.has('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
  },
};
