// "Train it here": trains a fresh digit model in the tab, on the page's engine, as
// demos/training/digits.ts does in Node (Adam at 1e-3 with a cosine decay to 0 over the run,
// sparse categorical cross-entropy, batches of 32), and returns the weights as safetensors.
// Each batch waits for the GPU before the next is queued: the progress bar then follows the real
// work, and the page stays responsive because the GPU queue never holds more than one step.
import { cosineDecay, type Engine, type Logs } from '../../src/index.ts';
import type { DigitSplit } from './digits-data.ts';
import { digitsModel } from './model.ts';

export interface TrainProgress {
  /** Called after each batch: the global step (1-based), the steps in all, and the epoch's running loss and accuracy where known. */
  onStep(step: number, steps: number, logs: Logs): void;
  onEpoch(epoch: number, step: number, logs: Logs): void;
}

export interface TrainResult {
  weights: Uint8Array;
  /** Accuracy on the held-out digits after the last epoch. */
  heldOutAccuracy: number;
  seconds: number;
}

export async function trainInTab(engine: Engine, data: DigitSplit, options: { epochs: number; batchSize: number }, progress: TrainProgress): Promise<TrainResult> {
  const { model } = digitsModel();
  const [kept, held] = [data.trainY.length, data.testY.length];
  const perEpoch = Math.ceil(kept / options.batchSize);
  const steps = options.epochs * perEpoch;
  const optimizer = { name: 'adam', learningRate: cosineDecay({ initialLearningRate: 1e-3, decaySteps: steps }) };
  const trainable = engine.compile(model, { optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  let epochNow = 0;
  try {
    const history = await trainable.fit({ data: data.trainX, shape: [kept, 28, 28, 1] }, data.trainY, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      validationData: [{ data: data.testX, shape: [held, 28, 28, 1] }, data.testY],
      // The running loss is read back (asynchronously) every other step: points for the curves.
      readEvery: 2,
      callbacks: {
        onEpochBegin: (epoch) => void (epochNow = epoch),
        onBatchEnd: async (batch, logs) => {
          await engine.device?.queue.onSubmittedWorkDone();
          progress.onStep(epochNow * perEpoch + batch + 1, steps, logs);
          // Let the page paint and handle input (the CPU backend computes synchronously).
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
        onEpochEnd: (epoch, logs) => progress.onEpoch(epoch, (epoch + 1) * perEpoch, logs),
      },
    });
    return { weights: model.saveWeights(), heldOutAccuracy: history.get('val_accuracy').at(-1) ?? NaN, seconds: (performance.now() - started) / 1000 };
  } finally {
    trainable.dispose();
  }
}
