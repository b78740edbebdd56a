// What a GPU test case is: a name and a function that runs it in a page with WebGPU, comparing
// the GPU result with the CPU reference and throwing a diagnosing error on a mismatch.
import { ACTIVATIONS, type ActivationKind, type Engine, type EngineOptions } from '../../../src/index.ts';

export interface CaseContext {
  /** A WebGPU engine that poisons outputs with NaN, one per distinct set of forced variants and options. */
  engine(variants?: EngineOptions['variants'], options?: Pick<EngineOptions, 'im2colMaxBytes'>): Promise<Engine>;
  /** A file of the repository (path from its root): fetched from the test server in the page, read from disk in Node. */
  readFile(path: string): Promise<Uint8Array>;
}

export interface GpuCase {
  name: string;
  run(ctx: CaseContext): Promise<void>;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * The activations that epilogue cases (matmul, conv) sweep: those with parameters or shapes of
 * their own, up to hardSwish and mish. The unary math kinds (erf, sqrt, log, ...) are checked by
 * the activation cases over their domains; every epilogue carries the same activate() text
 * (tests/unit/shader-sources.test.ts), so sweeping them again would test nothing new.
 */
export const EPILOGUE_ACTIVATIONS = (Object.keys(ACTIVATIONS) as ActivationKind[]).filter((k) => ACTIVATIONS[k].code <= ACTIVATIONS.mish.code);
