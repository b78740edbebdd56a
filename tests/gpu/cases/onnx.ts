// loadOnnx in a WebGPU runtime (the browser page, and Node): a model built with the ONNX
// builder, loaded from bytes and from a URL, compiled and run, compared with the CPU reference.
import { createEngine, loadOnnx } from '../../../src/index.ts';
import { attr, buildModel } from '../../../src/onnx/build.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';

/** Conv (NCHW, with bias) -> Relu -> MaxPool -> Flatten -> Gemm: layout changes at both ends. */
function convNet(): Uint8Array {
  const rng = new Random(77);
  return buildModel({
    nodes: [
      { opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([1, 1]) } },
      { opType: 'Relu', inputs: ['c'], outputs: ['r'] },
      { opType: 'MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } },
      { opType: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { opType: 'Gemm', inputs: ['f', 'g', 'gb'], outputs: ['y'], attributes: { transB: attr.int(1) } },
    ],
    inputs: [{ name: 'x', shape: ['N', 3, 6, 6] }],
    outputs: [{ name: 'y', shape: ['N', 5] }],
    initializers: [
      { name: 'w', dims: [4, 3, 3, 3], data: rng.floats(108) },
      { name: 'b', dims: [4], data: rng.floats(4) },
      { name: 'g', dims: [5, 36], data: rng.floats(180) },
      { name: 'gb', dims: [5], data: rng.floats(5) },
    ],
  });
}

export const onnxCases: GpuCase[] = [
  {
    name: 'loadOnnx from bytes and from a URL, run on the GPU',
    async run(ctx) {
      const engine = await ctx.engine();
      const bytes = convNet();
      const x = { data: new Random(78).floats(2 * 3 * 6 * 6), shape: [2, 3, 6, 6] };
      const expected = await (await createEngine({ backend: 'cpu' })).compile(await loadOnnx(bytes)).run({ x });
      const fromBytes = await engine.compile(await loadOnnx(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)).run({ x });
      expectClose('onnx from bytes', fromBytes.y, expected.y, reduction(36), { seed: 78, shape: [2, 5] });
      if (typeof window !== 'undefined') {
        // In the browser page; Node's fetch cannot read blob: URLs.
        const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
        const fromUrl = await engine.compile(await loadOnnx(url)).run({ x });
        URL.revokeObjectURL(url);
        expectClose('onnx from a URL', fromUrl.y, expected.y, reduction(36), { seed: 78, shape: [2, 5] });
      }
    },
  },
];
