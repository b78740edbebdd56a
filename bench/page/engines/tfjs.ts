// TensorFlow.js on its WebGPU backend, as a TF.js user runs it: tfjs-layers models for the
// networks (including LSTM/GRU), tfjs-core ops for single layers. One backend for the page.
// tfjs-core, tfjs-layers and tfjs-backend-webgpu are imported separately (what the
// @tensorflow/tfjs bundle package re-exports), so that layers comes in untyped: see tfjs-layers.d.ts.
import * as core from '@tensorflow/tfjs-core';
import * as layersApi from '@tensorflow/tfjs-layers/dist/tf-layers.fesm.js';
import '@tensorflow/tfjs-backend-webgpu';
import type { Runner } from './runner.ts';

export type Tf = typeof core & typeof layersApi;
export type TfTensor = core.Tensor;
export type TfModel = layersApi.LayersModel;

let ready: Promise<Tf> | undefined;

export function tfjs(): Promise<Tf> {
  ready ??= (async () => {
    if (!(await core.setBackend('webgpu'))) throw new Error('TF.js: the webgpu backend did not initialize');
    await core.ready();
    return { ...core, ...layersApi };
  })();
  return ready;
}

/** Upload, predict, download, free: what one TF.js inference costs a user. */
export async function tfjsRun(tf: Tf, input: Float32Array, shape: number[], body: (x: TfTensor) => TfTensor): Promise<Float32Array> {
  const x = tf.tensor(input, shape);
  const y = body(x);
  const data = (await y.data()) as Float32Array;
  x.dispose();
  y.dispose();
  return data;
}

/** A tfjs-layers model: build() constructs it and sets the weights (uploads), run() is predict. */
export function tfjsModelRunner(tf: Tf, build: () => TfModel, input: Float32Array, shape: number[]): Runner {
  let model: TfModel | undefined;
  return {
    async build() {
      model = build();
    },
    run: () => tfjsRun(tf, input, shape, (x) => model!.predict(x) as TfTensor),
    dispose: () => model?.dispose(),
  };
}
