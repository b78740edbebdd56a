// The character model: ids -> embedding -> two stacked LSTMs (every step's output) -> a softmax
// over the vocabulary at every step. demos/training/text.ts trains it on windows of WINDOW
// characters (a fixed length, as training needs); the page builds the same layers with an open
// length (null) and runs it on the current word so far. The same layers in the same order get
// the same names, so the weights load into either.
import { layers } from '../../src/index.ts';
import { layerRows, type DescribedModel } from '../shared/layer-table.ts';
import { VOCAB } from './words.ts';

export const EMBEDDING = 16;
export const UNITS = 64;

export function textModel(length: number | null): DescribedModel {
  return layerRows('text', { shape: [length], kind: `character ids (${VOCAB.length}: ␣ a-z)`, dtype: 'int32' }, [
    [layers.embedding({ inputDim: VOCAB.length, outputDim: EMBEDDING }), `${EMBEDDING} numbers per character`],
    [layers.lstm({ units: UNITS, returnSequences: true }), 'every step'],
    [layers.lstm({ units: UNITS, returnSequences: true }), 'every step'],
    [layers.dense({ units: VOCAB.length, activation: 'softmax' }), 'next character, softmax'],
  ]);
}
