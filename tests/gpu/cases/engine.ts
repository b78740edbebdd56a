// Engine behaviour that needs a real device: the built package, use after dispose, device loss.
import { createEngine, DeviceLostError, type Engine } from '../../../src/index.ts';
import { matmulReference } from '../../../src/ops/matmul/reference.ts';
import { resolveActivation } from '../../../src/ops/activation/kinds.ts';
import { BufferUsage } from '../../../src/runtime/gpu-flags.ts';
import { expectClose, reduction } from '../../harness/compare.ts';
import { Random } from '../../harness/random.ts';
import type { GpuCase } from './case.ts';

async function expectRejects(what: string, promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof Error) || !pattern.test(error.message)) throw new Error(`${what}: wrong error: ${String(error)}`);
    return error;
  }
  throw new Error(`${what}: expected an error matching ${pattern}`);
}

export const engineCases: GpuCase[] = [
  {
    name: 'built package runs a matmul through the public API',
    async run() {
      // The bundle that `npm run build` wrote, not the sources.
      const url = '/dist/wgnn.js';
      const wgnn = (await import(/* @vite-ignore */ url)) as typeof import('../../../src/index.ts');
      const engine: Engine = await wgnn.createEngine();
      const rng = new Random(7);
      const a = { shape: [3, 7, 5], data: rng.floats(105) };
      const b = { shape: [5, 9], data: rng.floats(45) };
      const bias = { shape: [9], data: rng.floats(9) };
      const out = engine.matmul(engine.tensor(a.shape, a.data), engine.tensor(b.shape, b.data), {
        bias: engine.tensor([9], bias.data),
        activation: 'relu',
      });
      const expected = matmulReference(a, b, { transposeA: false, transposeB: false, bias, activation: resolveActivation('test', 'relu') });
      expectClose('dist matmul', await out.data(), expected.data, reduction(5), { seed: 7, shape: out.shape });
      if (engine.info.adapter === null) throw new Error('dist engine reports no adapter');
      engine.dispose();
    },
  },
  {
    name: 'use after dispose names the tensor',
    async run(ctx) {
      const engine = await ctx.engine();
      const t = engine.tensor([2, 3], [1, 2, 3, 4, 5, 6]);
      t.dispose();
      await expectRejects('data()', t.data(), /tensor \[2, 3\] float32 was used after dispose/);
      let message = '';
      try {
        engine.activation(t, 'relu');
      } catch (error) {
        message = (error as Error).message;
      }
      if (!/relu: tensor \[2, 3\] float32 was used after dispose/.test(message)) throw new Error(`op on disposed tensor: ${message}`);
    },
  },
  {
    name: 'a WebGPU error in submitted work rejects the next read, naming the op',
    async run(ctx) {
      const engine = await ctx.engine();
      const t = engine.tensor([2], [1, 2]);
      // Work filed under a label, as an op's run does, that WebGPU rejects: MAP_READ with STORAGE.
      const gpu = (engine as unknown as { gpu: { device: GPUDevice; beginErrorScope(): void; endErrorScope(label: string): void } }).gpu;
      gpu.beginErrorScope();
      gpu.device.createBuffer({ size: 16, usage: BufferUsage.MAP_READ | BufferUsage.STORAGE });
      gpu.endErrorScope('bad-op');
      // The read itself would succeed; the error filed before it must win.
      await expectRejects('read after an error', t.data(), /bad-op: WebGPU validation error/);
      const again = await t.data();
      if (again[0] !== 1 || again[1] !== 2) throw new Error(`read after the error was reported: ${again}`);
    },
  },
  {
    name: 'device loss rejects pending reads and a new engine works',
    async run() {
      const engine = await createEngine();
      const t = engine.tensor([256, 256], new Float32Array(65536).fill(1));
      const big = engine.matmul(t, t);
      const pending = big.data();
      engine.dispose(); // destroys the device: a loss with reason 'destroyed'
      const error = await expectRejects('pending read', pending, /device was lost \(destroyed/);
      if (!(error instanceof DeviceLostError)) throw new Error(`expected DeviceLostError, got ${error.name}`);
      let later = '';
      try {
        engine.tensor([1], [1]);
      } catch (e) {
        later = (e as Error).message;
      }
      if (!/call createEngine\(\) again/.test(later)) throw new Error(`work after loss: '${later}'`);
      const fresh = await createEngine();
      const sum = await fresh.add(fresh.tensor([2], [1, 2]), fresh.tensor([2], [3, 4])).data();
      if (sum[0] !== 4 || sum[1] !== 6) throw new Error(`fresh engine computed ${sum}`);
      fresh.dispose();
    },
  },
];
