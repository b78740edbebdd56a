// Every suite of GPU cases, by name. The Node side lists them; the test page runs them.
import type { GpuCase } from './case.ts';
import { conv2dCases } from './conv2d.ts';
import { convTransposeCases } from './conv-transpose.ts';
import { poolCases } from './pool.ts';
import { elementwiseCases } from './elementwise.ts';
import { engineCases } from './engine.ts';
import { matmulCases } from './matmul.ts';
import { shaderCases } from './shaders.ts';

export const SUITES: Record<string, GpuCase[]> = {
  matmul: matmulCases,
  conv2d: conv2dCases,
  convTranspose: convTransposeCases,
  pool: poolCases,
  elementwise: elementwiseCases,
  engine: engineCases,
  shaders: shaderCases,
};
