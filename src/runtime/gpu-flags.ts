// WebGPU flag values, fixed by the spec. Used instead of the GPUBufferUsage / GPUMapMode globals,
// which Node's `webgpu` package does not install unless asked.
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MAP_MODE_READ = 0x0001;
