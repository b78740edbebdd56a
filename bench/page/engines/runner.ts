// What each engine provides for one workload. The harness times build() + the first run()
// together (first-run time: model construction, weight upload, session creation, pipeline
// compilation) and then run() alone (warm). run() covers the same span on every engine: host
// input arrays uploaded -> model executed -> output downloaded into a Float32Array in JS.
// Anything outside that span (layout conversion of the inputs, model-file bytes) happens when
// the runner is made, before the clock starts.

export type EngineName = 'wgnn' | 'tfjs-webgpu' | 'ort-webgpu' | 'wgnn-cpu';
export const ENGINES: readonly EngineName[] = ['wgnn', 'tfjs-webgpu', 'ort-webgpu', 'wgnn-cpu'];

export interface Runner {
  /** Timed, once, as part of the first run. */
  build(): Promise<void>;
  /** Timed: upload the inputs, execute, download the output. */
  run(): Promise<Float32Array>;
  /** Untimed: the output in the reference layout (NHWC, batch-major), when the engine's differs. */
  toReference?(out: Float32Array): Float32Array;
  /** Untimed, after the first run: engine-specific numbers (wgnn: dispatches, peak bytes). */
  stats?(): Promise<Record<string, number>>;
  dispose(): void;
}
