/** A tensor in host memory: what the CPU reference ops take and return. Row-major (C order). */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}
