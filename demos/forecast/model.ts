// The forecaster, exactly as demos/training/forecast.ts trains it: a GRU reads the past LOOKBACK
// values (normalized per window, demos/forecast/signals.ts) and a dense layer maps its last state
// to all HORIZON future values at once (no autoregressive rollout, so errors do not compound).
// Built in the functional form so that the page's layer table has each layer's output shape; the
// same layers in the same order get the same names (gru_1, dense_1) as the weights file.
import { layers } from '../../src/index.ts';
import { layerRows, type DescribedModel } from '../shared/layer-table.ts';
import { HORIZON, LOOKBACK } from './signals.ts';

export const UNITS = 32;

export function forecastModel(): DescribedModel {
  return layerRows('forecast', { shape: [LOOKBACK, 1], kind: `the last ${LOOKBACK} values, normalized` }, [
    [layers.gru({ units: UNITS }), `GRU, ${UNITS} units, last state`],
    [layers.dense({ units: HORIZON }), `the next ${HORIZON} values`],
  ]);
}
