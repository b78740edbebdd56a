// Acquiring a WebGPU adapter and device: from the browser's navigator.gpu or an injected GPU
// object (Node's `webgpu` package), asking for the adapter's own limits so that large
// convolutions and sequences are not held to the WebGPU defaults.
import { WgnnError } from '../errors.ts';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: AdapterSummary;
  limits: Record<string, number>;
  features: string[];
  /** Kernels may share loads within quads: the 'subgroups' feature and WGSL's subgroup_id. */
  quadOps: boolean;
}

/** Limits raised from the WebGPU defaults to what the adapter supports. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Features used when present: timestamp-query times kernels in profiles; subgroups lets the vec4
 * matmul and convolution kernels share loads within quads.
 */
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups'];

const NO_WEBGPU =
  'WebGPU is not available in this runtime. In a browser, use one with WebGPU enabled ' +
  '(Chrome or Edge 113+, Safari 26+, Firefox 141+; headless Chromium needs --enable-unsafe-webgpu). ' +
  "In Node, use createNodeEngine() from 'wgnn/node', or pass a GPU object: `createEngine({ gpu: create([]) })` with `create` from 'webgpu'. " +
  "Or run on the CPU reference: createEngine({ backend: 'cpu' }).";

/**
 * The GPU object each device came from. Dawn in Node frees its instance, and with it every adapter
 * and device, when the GPU object is garbage collected: the next callback then crashes the process.
 * Holding it as long as its device lets `createEngine({ gpu: create([]) })` pass a temporary.
 */
const entryPoints = new WeakMap<GPUDevice, GPU>();

export async function acquireDevice(gpu: GPU | undefined, powerPreference: GPUPowerPreference | undefined): Promise<AcquiredDevice> {
  const source = gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!source) throw new WgnnError('createEngine', NO_WEBGPU);
  const adapter = await source.requestAdapter(powerPreference ? { powerPreference } : undefined);
  if (!adapter) {
    throw new WgnnError(
      'createEngine',
      'WebGPU is present but no adapter was found (no supported GPU or driver). On a machine without a GPU, ' +
        'Chromium provides SwiftShader with --enable-unsafe-webgpu; in Node, createNodeEngine() from wgnn/node ' +
        'finds it, or set VK_ICD_FILENAMES to a Vulkan driver such as /usr/lib/chromium/vk_swiftshader_icd.json. ' +
        "Or use createEngine({ backend: 'cpu' }).",
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'wgnn' });
  entryPoints.set(device, source);

  const limits: Record<string, number> = {};
  for (const key in device.limits) limits[key] = device.limits[key as keyof GPUSupportedLimits] as number;
  const info = adapter.info;
  return {
    device,
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description },
    limits,
    features: [...device.features].sort(),
    quadOps: device.features.has('subgroups') && (source.wgslLanguageFeatures?.has('subgroup_id') ?? false),
  };
}
