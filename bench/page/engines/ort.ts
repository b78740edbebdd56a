// ONNX Runtime Web, WebGPU build (its C++ WebGPU execution provider, the one whose LSTM/GRU run on
// the GPU). The .wasm comes from node_modules through Vite (`?url`), never from a CDN. One wasm
// thread: multithreading needs a cross-origin-isolated page, and with every supported op on the
// WebGPU EP the wasm side only drives the GPU.
import * as ort from 'onnxruntime-web/webgpu';
import wasmUrl from '../../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { Runner } from './runner.ts';

let configured = false;

export function ortRuntime(): typeof ort {
  if (!configured) {
    ort.env.wasm.wasmPaths = { wasm: wasmUrl };
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    configured = true;
  }
  return ort;
}

export async function ortSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ortRuntime().InferenceSession.create(model, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
}

/** Upload, run, download (outputs come back to CPU memory, ORT's default location). */
export async function ortRun(session: ort.InferenceSession, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Float32Array> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', f.data, f.dims);
  const results = await session.run(tensors);
  const out = results[session.outputNames[0]];
  const data = (await out.getData()) as Float32Array;
  for (const t of Object.values(results)) t.dispose();
  return data;
}

/** An ONNX model (bytes made before the clock starts) run on one input already in ORT's layout. */
export function ortRunner(model: Uint8Array, input: { data: Float32Array; dims: number[] }, toReference?: (out: Float32Array) => Float32Array): Runner {
  let session: ort.InferenceSession | undefined;
  return {
    async build() {
      session = await ortSession(model);
    },
    run: () => ortRun(session!, { [session!.inputNames[0]]: input }),
    toReference,
    dispose: () => void session?.release(),
  };
}
