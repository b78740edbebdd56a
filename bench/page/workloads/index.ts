// The workload list. Sizes are the issue's; where a workload cannot finish inside the default
// run's 10 minutes on SwiftShader (a CPU emulating a GPU, where TF.js needs seconds per recurrent
// run), the default uses a smaller size and says so, and `--full` (or the page's "full sizes"
// box) runs the sizes. Measured on a 2-core SwiftShader machine: TF.js takes 3-26 s per
// run of the Keras GRU at batch 1 and T=100 (so 11 runs would take minutes), and the
// residual stage at 56x56 about 6 s per run on ORT. matmul 1024 stays (about 100-140 s for the
// workload) because the issue sets a roofline target on it.
import { kerasCnnWorkload } from './cnn.ts';
import { convWorkload } from './conv.ts';
import { matmulWorkload } from './matmul.ts';
import { residualStageWorkload } from './resnet.ts';
import { rnnWorkload } from './rnn.ts';
import { kerasCnnTrainWorkload, rnnTrainWorkload, videoTrainWorkload } from './train.ts';
import { videoWorkload } from './video.ts';
import type { Workload } from './workload.ts';

export function workloads(full: boolean): Workload[] {
  /** The T=100 sequences; T=20 by default. */
  const T = full ? 100 : 20;
  const shortT = full ? undefined : 'T=20 instead of 100';
  return [
    matmulWorkload(256),
    matmulWorkload(512),
    matmulWorkload(1024),
    convWorkload({ name: 'conv 3x3 56x56x64->64', H: 56, W: 56, Cin: 64, Cout: 64, K: 3, stride: 1 }),
    convWorkload({ name: 'conv 1x1 28x28x128->256', H: 28, W: 28, Cin: 128, Cout: 256, K: 1, stride: 1 }),
    convWorkload({ name: 'depthwise 3x3 56x56x128', H: 56, W: 56, Cin: 128, Cout: 128, K: 3, stride: 1, depthwise: true }),
    convWorkload({ name: 'conv 7x7/2 112x112x3->64', H: 112, W: 112, Cin: 3, Cout: 64, K: 7, stride: 2 }),
    kerasCnnWorkload(1),
    kerasCnnWorkload(32),
    full ? residualStageWorkload(56, 64) : residualStageWorkload(28, 64, '28x28x64 instead of 56x56x64'),
    ...[1, 32].flatMap((batch) =>
      (['lstm', 'gru'] as const).map((cell) =>
        rnnWorkload({ name: `Keras ${cell.toUpperCase()} batch ${batch}`, cell, batch, T, I: 64, units: [64, 64], dense: { units: 1, activation: 'sigmoid' } }, shortT),
      ),
    ),
    rnnWorkload({ name: 'LSTM I128 H256 batch 32', cell: 'lstm', batch: 32, T, I: 128, units: [256] }, shortT),
    videoWorkload(),
    kerasCnnTrainWorkload(32, 4),
    ...(['lstm', 'gru'] as const).map((cell) => rnnTrainWorkload({ name: `Keras ${cell.toUpperCase()}`, cell, T, I: 64, units: [64, 64] }, 32, 2, shortT)),
    rnnTrainWorkload({ name: 'LSTM I128 H256', cell: 'lstm', T, I: 128, units: [256] }, 32, 2, shortT),
    videoTrainWorkload(8, 2),
  ];
}

/** Tiny workloads for the smoke test (tests/gpu/bench-smoke.test.ts): every engine, seconds in all. */
export function smokeWorkloads(): Workload[] {
  return [
    matmulWorkload(32),
    convWorkload({ name: 'conv 3x3 8x8x4->8', H: 8, W: 8, Cin: 4, Cout: 8, K: 3, stride: 1 }),
    rnnWorkload({ name: 'LSTM T4 I8 H8 batch 2', cell: 'lstm', batch: 2, T: 4, I: 8, units: [8], dense: { units: 1, activation: 'sigmoid' } }),
  ];
}
