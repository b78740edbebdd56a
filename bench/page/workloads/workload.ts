// A benchmark workload: one model or layer at one size, its seeded data (Keras layouts: NHWC
// activations, [KH, KW, Cin, Cout] kernels, [B, T, I] sequences), and a runner per engine built
// from that same data.
import type { EngineName, Runner } from '../engines/runner.ts';

export type Family = 'matmul' | 'conv' | 'cnn' | 'rnn' | 'video' | 'train';

export interface Workload {
  name: string;
  family: Family;
  /** 2 x multiply-adds of one run. */
  flops: number;
  /** Fewest bytes one run must move: input, weights and output, each once (float32). */
  bytes: number;
  /** Longest reduction in the output's computation, for the agreement tolerance. */
  k: number;
  /** Set when the default (SwiftShader-sized) run uses a smaller size than the issue's; --full restores it. */
  scaled?: string;
  /** Warm rounds at most, for workloads whose runs take seconds (training): fewer than --reps. */
  maxRounds?: number;
  /** Makes the runner for one engine; data is generated once per workload and shared. */
  runner(engine: EngineName): Promise<Runner>;
}

/** Generates a workload's data on first use and keeps it while the workload runs. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
