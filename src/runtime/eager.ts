// Eager execution: one op on tensors, outside any compiled model (the Engine's methods and the
// GPU tests' runOp). Every op goes the same way: the inputs checked, infer (validate + shapes),
// then either the GPU plan or the CPU reference.
import { WgnnError } from '../errors.ts';
import { resolveActivation } from '../ops/activation/kinds.ts';
import { activationOp } from '../ops/activation/op.ts';
import type { HostTensor } from '../ops/host-tensor.ts';
import type { OpDefinition, PlanContext, TensorSpec } from '../ops/op.ts';
import { formatShape } from '../shape.ts';
import { Tensor, type Storage, type TensorData, type TensorOwner } from '../tensor.ts';
import type { GpuExecutor } from './gpu-executor.ts';

/** What an eager op runs with: the tensors' owner, its GPU executor (null: the CPU reference) and plan context. */
export interface EagerContext {
  owner: TensorOwner;
  gpu: GpuExecutor | null;
  planContext: PlanContext;
}

/** The storage of each external tensor by name: float32 tensors of this engine, one storage each (all are writable). */
function externalStorages(owner: TensorOwner, where: string, externals: Record<string, Tensor>): Map<string, Storage> {
  const storages = new Map<string, Storage>();
  for (const [name, t] of Object.entries(externals)) {
    if (!(t instanceof Tensor) || t.owner !== owner || t.dtype !== 'float32') throw new WgnnError(where, `external '${name}' must be a float32 tensor of this engine, got ${String(t)}`);
    const storage = t.storage(`${where} external '${name}'`);
    const other = [...storages].find(([, s]) => s === storage);
    if (other) throw new WgnnError(where, `externals '${other[0]}' and '${name}' share one buffer; each must have its own`);
    storages.set(name, storage);
  }
  return storages;
}

/**
 * Runs one op on tensors: checks that they belong to `ctx.owner`, infers (validates) the outputs,
 * then runs the GPU plan or, on the CPU backend, the op's reference.
 */
export function runEager<A>(ctx: EagerContext, where: string, op: OpDefinition<A>, inputs: (Tensor | undefined)[], attrs: A, externals: Record<string, Tensor> = {}): Tensor[] {
const { owner, gpu } = ctx;
  for (const t of inputs) {
    if (!t) continue;
    if (!(t instanceof Tensor)) throw new WgnnError(where, `inputs must be wgnn Tensors, got ${String(t)}`);
    t.storage(where);
    if (t.owner !== owner) throw new WgnnError(where, `tensor ${formatShape(t.shape)} belongs to another engine`);
  }
  gpu?.checkAlive();
  if (gpu) {
    // One buffer bound twice in a dispatch is rejected (all storage bindings are writable):
    // a repeated input (matmul(t, t), or two views of one tensor) is read from a copy.
    const seen = new Set<Storage>();
    const copies: Tensor[] = [];
    const distinct = inputs.map((t) => {
      if (!t) return t;
      const storage = t.storage(where);
      if (!seen.has(storage)) {
        seen.add(storage);
        return t;
      }
      const copy = runEager(ctx, `${where}/copy`, activationOp, [t], resolveActivation(where, 'linear'))[0];
      copies.push(copy);
      return copy;
    });
    if (copies.length) {
      try {
        return runEager(ctx, where, op, distinct, attrs, externals);
      } finally {
        for (const c of copies) c.dispose();
      }
    }
  }
  const specs: (TensorSpec | undefined)[] = inputs.map((t) => t && { shape: [...t.shape], dtype: t.dtype });
  const outputs = op.infer(where, specs, attrs);
  const bound = externalStorages(owner, where, externals);
  if (!gpu) {
    const hosts = inputs.map((t): HostTensor | undefined => {
      if (!t) return undefined;
      const data = (t.storage(where) as { data: TensorData }).data;
      return { shape: [...t.shape], data: data as Float32Array };
    });
    const arrays = new Map([...bound].map(([name, s]) => [name, (s as { data: Float32Array }).data]));
    const results = op.reference(hosts, attrs, arrays);
    if (op.effects) op.referenceEffects?.(hosts, attrs, arrays);
    return results.map((r, i) => new Tensor(owner, outputs[i].shape, outputs[i].dtype, { kind: 'cpu', data: r.data, holders: 0 }));
  }
  const plan = op.plan(specs, outputs, attrs, ctx.planContext);
  const buffers = inputs.map((t) => t && (t.storage(where) as { buffer: GPUBuffer }).buffer);
  const externalBuffers = new Map([...bound].map(([name, s]) => [name, (s as { buffer: GPUBuffer }).buffer]));
  return gpu
    .run(where, plan, buffers, outputs, externalBuffers)
    .map((buffer, i) => new Tensor(owner, outputs[i].shape, outputs[i].dtype, { kind: 'gpu', buffer, holders: 0 }));
}
