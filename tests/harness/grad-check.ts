// Gradient checks of the reverse-mode pass (src/train/grad.ts) on small graphs: the loss is the
// probe sum(out * R) for a seeded R, so dL/dout = R seeds the backward; the gradients it builds
// are compared with central finite differences of the CPU reference forward. The graph of the
// forward and backward together is also what the GPU cases run, against the CPU.
import { inferShapes } from '../../src/compile/infer.ts';
import { Graph, type ValueId } from '../../src/graph/ir.ts';
import { runGraphOnCpu } from '../../src/runtime/cpu-runner.ts';
import { sizeOf } from '../../src/shape.ts';
import { backward, GradBuilder } from '../../src/train/grad.ts';
import { Random } from './random.ts';

export interface GradCase {
  name: string;
  /** The graph's inputs with their shapes, then the forward nodes; returns the value to differentiate. */
  inputs: number[][];
  build(g: Graph, inputs: ValueId[]): ValueId;
  /** Input values (default: seeded uniform in [-1, 1)); keep away from kinks. */
  data?(rng: Random, i: number, size: number): Float32Array;
}

export interface BuiltGradCase {
  /** Forward and backward: outputs [out, dL/dinput0, dL/dinput1, ...]. */
  graph: Graph;
  /** The forward alone (output: out). */
  forward: Graph;
  shapes: Map<ValueId, number[]>;
  data: Float32Array[];
  probe: Float32Array;
}

export function buildGradCase(c: GradCase, seed: number): BuiltGradCase {
  const rng = new Random(seed);
  const forward = new Graph();
  const ids = c.inputs.map((shape, i) => forward.input(`x${i}`, shape));
  forward.setOutputs([c.build(forward, ids)]);
  const shapes = new Map(ids.map((id, i) => [id, c.inputs[i]]));
  const data = c.inputs.map((shape, i) => (c.data ? c.data(rng, i, sizeOf(shape)) : rng.floats(sizeOf(shape))));
  const graph = forward.clone();
  const b = new GradBuilder(graph, inferShapes(graph, shapes));
  const out = graph.outputs[0];
  const probe = rng.floats(sizeOf(b.shape(out)));
  const seedGrad = b.constant('probe', b.shape(out), probe);
  const grads = backward(b, new Map([[out, seedGrad]]), ids);
  graph.setOutputs([out, ...ids.map((id) => grads.get(id)!)]);
  return { graph, forward, shapes, data, probe };
}

/** The gradients the pass builds, run on the CPU reference. */
export function analyticGrads(built: BuiltGradCase): Float32Array[] {
  return runGraphOnCpu(built.graph, built.shapes, built.data).slice(1) as Float32Array[];
}

/** Central differences of sum(out * probe) with respect to every input element (float32 forward). */
export function numericGrads(built: BuiltGradCase, eps = 1e-2): Float64Array[] {
  const loss = (data: Float32Array[]) => {
    const out = runGraphOnCpu(built.forward, built.shapes, data)[0] as Float32Array;
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i] * built.probe[i];
    return sum;
  };
  return built.data.map((x, k) => {
    const grad = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const shifted = (delta: number) => built.data.map((d, j) => (j === k ? Float32Array.from(d, (v, m) => (m === i ? v + delta : v)) : d));
      grad[i] = (loss(shifted(eps)) - loss(shifted(-eps))) / (2 * eps);
    }
    return grad;
  });
}
