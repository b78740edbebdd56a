// The part of tfjs-layers the benchmark uses, typed here: tfjs-layers' own .d.ts files do not
// type-check under this project's strict settings without skipLibCheck (tsconfig.json explains
// why that stays off), so engines/tfjs.ts imports its ES module bundle, which has no types.
declare module '@tensorflow/tfjs-layers/dist/tf-layers.fesm.js' {
  import type { Tensor } from '@tensorflow/tfjs-core';

  type Config = Record<string, unknown>;

  export interface SymbolicTensor {
    readonly shape: (number | null)[];
  }

  export interface Layer {
    apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor;
    setWeights(weights: Tensor[]): void;
    getWeights(): Tensor[];
    getConfig(): Config;
  }

  export interface LayersModel {
    predict(x: Tensor): Tensor | Tensor[];
    getLayer(name: string): Layer;
    compile(config: { optimizer: unknown; loss: string; metrics?: string[] }): void;
    fit(x: Tensor, y: Tensor, config: Config): Promise<unknown>;
    dispose(): unknown;
  }

  export const layers: {
    conv2d(config: Config): Layer;
    maxPooling2d(config: Config): Layer;
    flatten(config?: Config): Layer;
    dense(config: Config): Layer;
    batchNormalization(config: Config): Layer;
    activation(config: Config): Layer;
    add(config?: Config): Layer;
    lstm(config: Config): Layer;
    gru(config: Config): Layer;
    timeDistributed(config: { layer: Layer } & Config): Layer;
  };
  export function sequential(config: { layers: Layer[] }): LayersModel;
  export function model(config: { inputs: SymbolicTensor; outputs: SymbolicTensor }): LayersModel;
  export function input(config: { shape: number[] }): SymbolicTensor;
}
