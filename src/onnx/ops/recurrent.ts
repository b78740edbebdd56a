// ONNX LSTM, GRU and RNN (filled in below).
import type { Handler } from './handler.ts';

export const RECURRENT_HANDLERS: Record<string, Handler> = {};
