// Single convolution layers (batch 1, 'same' padding, bias and relu fused where the engine can):
// wgnn and TF.js take NHWC and Keras kernels; ONNX Runtime takes the same values as NCHW input
// and OIHW weights, and its NCHW output is transposed back for the check (both outside the clock).
import { buildModel, attr } from '../../../src/onnx/build.ts';
import { depthwiseToOihw, hwioToOihw, nchwToNhwc, nhwcToNchw, Rng } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import type { Runner } from '../engines/runner.ts';
import { tfjs, tfjsRun, type TfTensor } from '../engines/tfjs.ts';
import { eagerRunner, wgnnEngine } from '../engines/wgnn.ts';
import { lazy, type Workload } from './workload.ts';

export interface ConvSpec {
  name: string;
  H: number;
  W: number;
  Cin: number;
  /** Ignored for depthwise (Cout = Cin, multiplier 1). */
  Cout: number;
  K: number;
  stride: number;
  depthwise?: boolean;
}

/** 'same' (upper) padding along one axis: [begin, end]. */
export function samePads(size: number, k: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

export function convWorkload(s: ConvSpec, scaled?: string): Workload {
  const Cout = s.depthwise ? s.Cin : s.Cout;
  const OH = Math.ceil(s.H / s.stride);
  const OW = Math.ceil(s.W / s.stride);
  const perOutput = s.K * s.K * (s.depthwise ? 1 : s.Cin);
  const kernelShape = s.depthwise ? [s.K, s.K, s.Cin, 1] : [s.K, s.K, s.Cin, Cout];
  const data = lazy(() => {
    const rng = new Rng(s.H * 7919 + s.Cin * 31 + s.K);
    return { x: rng.floats(s.H * s.W * s.Cin), kernel: rng.glorot(kernelShape, perOutput, s.K * s.K * Cout), bias: rng.floats(Cout, -0.1, 0.1) };
  });
  return {
    name: s.name,
    family: 'conv',
    flops: 2 * OH * OW * Cout * perOutput,
    bytes: 4 * (s.H * s.W * s.Cin + kernelShape.reduce((p, d) => p * d, 1) + Cout + OH * OW * Cout),
    k: perOutput,
    scaled,
    async runner(engine): Promise<Runner> {
      const { x, kernel, bias } = data();
      const shape = [1, s.H, s.W, s.Cin];
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        return eagerRunner(await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu'), (e) => {
          const w = e.tensor(kernelShape, kernel);
          const b = e.tensor([Cout], bias);
          const options = { strides: s.stride, padding: 'same' as const, bias: b, activation: 'relu' as const };
          return {
            forward: (t) => (s.depthwise ? e.depthwiseConv2d(t, w, options) : e.conv2d(t, w, options)),
            dispose: () => (w.dispose(), b.dispose()),
          };
        }, x, shape);
      }
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        let w: TfTensor | undefined;
        let b: TfTensor | undefined;
        return {
          async build() {
            w = tf.tensor(kernel, kernelShape);
            b = tf.tensor(bias, [Cout]);
          },
          run: () =>
            tfjsRun(tf, x, shape, (t) => {
              const args = { x: t as never, filter: w as never, strides: s.stride, pad: 'same' as const, bias: b, activation: 'relu' as const };
              return s.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
            }),
          dispose: () => (w?.dispose(), b?.dispose()),
        };
      }
      const [top, bottom] = samePads(s.H, s.K, s.stride);
      const [left, right] = samePads(s.W, s.K, s.stride);
      const weights = s.depthwise ? depthwiseToOihw(kernel, [s.K, s.K, s.Cin]) : hwioToOihw(kernel, kernelShape);
      const model = buildModel({
        nodes: [
          {
            opType: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['conv'],
            attributes: { kernel_shape: attr.ints([s.K, s.K]), strides: attr.ints([s.stride, s.stride]), pads: attr.ints([top, left, bottom, right]), group: attr.int(s.depthwise ? s.Cin : 1) },
          },
          { opType: 'Relu', inputs: ['conv'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', shape: [1, s.Cin, s.H, s.W] }],
        outputs: [{ name: 'y', shape: [1, Cout, OH, OW] }],
        initializers: [
          { name: 'w', dims: [Cout, s.depthwise ? 1 : s.Cin, s.K, s.K], data: weights },
          { name: 'b', dims: [Cout], data: bias },
        ],
      });
      return ortRunner(model, { data: nhwcToNchw(x, shape), dims: [1, s.Cin, s.H, s.W] }, (out) => nchwToNhwc(out, [1, Cout, OH, OW]));
    },
  };
}
