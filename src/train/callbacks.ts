// What fit reports and how a program follows it: Keras's History and callbacks (onTrainBegin/End,
// onEpochBegin/End, onBatchEnd) with logs of the loss and metrics, and an earlyStopping callback.

/** The loss and metrics by name: 'loss', 'accuracy', 'val_loss', 'val_accuracy', ... */
export type Logs = Record<string, number>;

/** What a callback may do to the training it follows. */
export interface TrainingControl {
  /** Set to stop after the current epoch (earlyStopping does). */
  stopTraining: boolean;
  /** The parameters as they are now, and a way to put them back (restoreBestWeights). */
  saveParams(): Promise<Float32Array>;
  restoreParams(params: Float32Array): void;
}

export interface Callback {
  /** Called by fit before training starts, with the model in training. */
  setControl?(control: TrainingControl): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /**
   * After each batch. The logs are the epoch's running means as last read back: fit reads them
   * every `readEvery` steps without waiting for the GPU, so they may trail by a few batches.
   */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** Keras's History: per epoch, each log's value (`history.loss`, `history.val_loss`, ...). */
export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [name, value] of Object.entries(logs)) (this.history[name] ??= []).push(value);
  }

  /** The values of one log (`history.get('val_loss')`), as `history.history[name]`. */
  get(name: string): number[] {
    return this.history[name] ?? [];
  }

  get loss(): number[] {
    return this.get('loss');
  }

  get val_loss(): number[] {
    return this.get('val_loss');
  }
}

export interface EarlyStoppingOptions {
  monitor?: string;
  /** Improvements smaller than this do not count. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  /** 'auto' minimizes losses and errors and maximizes the rest (accuracy). */
  mode?: 'auto' | 'min' | 'max';
  /** Put back the best epoch's weights when stopping. */
  restoreBestWeights?: boolean;
}

/** Keras's EarlyStopping: stops when `monitor` has not improved for `patience` epochs. */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const { monitor = 'val_loss', minDelta = 0, patience = 0, restoreBestWeights = false } = options;
  const mode = options.mode && options.mode !== 'auto' ? options.mode : /acc/.test(monitor) ? 'max' : 'min';
  let control: TrainingControl | undefined;
  let best = mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let bestParams: Float32Array | undefined;
  return {
    setControl(c) {
      control = c;
      best = mode === 'min' ? Infinity : -Infinity;
      wait = 0;
    },
    async onEpochEnd(_epoch, logs) {
      const value = logs[monitor];
      if (value === undefined) return;
      const improved = mode === 'min' ? value < best - minDelta : value > best + minDelta;
      if (improved) {
        [best, wait] = [value, 0];
        if (restoreBestWeights) bestParams = await control!.saveParams();
        return;
      }
      if (++wait > patience) {
        control!.stopTraining = true;
        if (restoreBestWeights && bestParams) control!.restoreParams(bestParams);
      }
    },
  };
}
