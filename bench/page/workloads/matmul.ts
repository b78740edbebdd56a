// matmul n x n x n: A is the input (uploaded every run), B stays on the device as a weight.
import { buildModel } from '../../../src/onnx/build.ts';
import { Rng } from '../data.ts';
import { ortRunner } from '../engines/ort.ts';
import { tfjs, tfjsRun, type TfTensor } from '../engines/tfjs.ts';
import { eagerRunner, wgnnEngine } from '../engines/wgnn.ts';
import type { Runner } from '../engines/runner.ts';
import { lazy, type Workload } from './workload.ts';

export function matmulWorkload(n: number, scaled?: string): Workload {
  const data = lazy(() => {
    const rng = new Rng(n);
    return { a: rng.floats(n * n), b: rng.floats(n * n) };
  });
  return {
    name: `matmul ${n}`,
    family: 'matmul',
    flops: 2 * n ** 3,
    bytes: 3 * 4 * n * n,
    k: n,
    scaled,
    async runner(engine): Promise<Runner> {
      const { a, b } = data();
      if (engine === 'wgnn' || engine === 'wgnn-cpu') {
        const e = await wgnnEngine(engine === 'wgnn' ? 'webgpu' : 'cpu');
        return eagerRunner(e, (e) => {
          const w = e.tensor([n, n], b);
          return { forward: (x) => e.matmul(x, w), dispose: () => w.dispose() };
        }, a, [n, n]);
      }
      if (engine === 'tfjs-webgpu') {
        const tf = await tfjs();
        let w: TfTensor | undefined;
        return {
          async build() {
            w = tf.tensor(b, [n, n]);
          },
          run: () => tfjsRun(tf, a, [n, n], (x) => tf.matMul(x, w!)),
          dispose: () => w?.dispose(),
        };
      }
      const model = buildModel({
        nodes: [{ opType: 'MatMul', inputs: ['A', 'B'], outputs: ['C'] }],
        inputs: [{ name: 'A', shape: [n, n] }],
        outputs: [{ name: 'C', shape: [n, n] }],
        initializers: [{ name: 'B', dims: [n, n], data: b }],
      });
      return ortRunner(model, { data: a, dims: [n, n] });
    },
  };
}
