// wgnn on WebGPU and the same API on the CPU reference ('wgnn-cpu', for scale and as the oracle
// the other engines are checked against). One engine of each kind for the page.
import { createEngine, type CompiledModel, type Engine, type Model, type Tensor } from '../../../src/index.ts';
import type { Runner } from './runner.ts';

const engines: Partial<Record<'webgpu' | 'cpu', Promise<Engine>>> = {};

export function wgnnEngine(backend: 'webgpu' | 'cpu'): Promise<Engine> {
  engines[backend] ??= createEngine({ backend });
  return engines[backend]!;
}

/**
 * A Keras-style model run through engine.compile: build() compiles the graph (the GPU plan and
 * pipelines are made on the first run, for the input shape it sees); run() is compiled.run,
 * which uploads, submits once and reads the output back.
 */
export function compiledRunner(engine: Engine, build: () => Model, input: Float32Array, shape: number[]): Runner {
  let compiled: CompiledModel | undefined;
  return {
    async build() {
      compiled = engine.compile(build());
    },
    async run() {
      const out = await compiled!.run([{ data: input, shape }]);
      return Object.values(out)[0];
    },
    async stats(): Promise<Record<string, number>> {
      if (!engine.device) return {};
      const s = await compiled!.stats([shape]);
      return { dispatches: s.dispatchCount, peakBytes: s.peakBytes, naiveBytes: s.naiveBytes, lowerBoundBytes: s.lowerBoundBytes };
    },
    dispose() {
      compiled?.dispose();
    },
  };
}

/** Layers written with eager ops (single-layer workloads: engine.matmul, engine.conv2d). */
export interface EagerModel {
  /** Runs the layers on x; frees its intermediates, returns the output. */
  forward(x: Tensor): Tensor;
  /** Frees the weights. */
  dispose(): void;
}

/**
 * Eager ops: build() uploads the weights; run() uploads the input, runs forward (each op encodes
 * and submits its dispatches as it is called) and reads the result back. Dispatches per run.
 */
export function eagerRunner(engine: Engine, setup: (e: Engine) => EagerModel, input: Float32Array, shape: number[]): Runner {
  let prepared: ReturnType<typeof setup> | undefined;
  let dispatches = 0;
  return {
    async build() {
      prepared = setup(engine);
    },
    async run() {
      const before = engine.dispatchCount;
      const x = engine.tensor(shape, input);
      const y = prepared!.forward(x);
      const data = (await engine.read(y)) as Float32Array;
      x.dispose();
      y.dispose();
      dispatches = engine.dispatchCount - before;
      return data;
    },
    async stats(): Promise<Record<string, number>> {
      return engine.device ? { dispatches } : {};
    },
    dispose() {
      prepared?.dispose();
    },
  };
}
