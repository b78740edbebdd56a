// The text the generator learns and how it becomes training windows; shared by the page, the
// training script (demos/training/text.ts) and the tests so that all split and score alike.
//
// The text is words.txt (a subset of Debian's wamerican list, see words-LICENSE.txt) as a stream
// of words, each preceded by a space. Every tenth word is held out. A window is WINDOW characters
// starting at a word's space, and the targets are the same characters shifted by one: every
// prediction sees the whole word so far, which is all the context a list of unrelated words has.

/** The vocabulary: id 0 is the word separator (shown as ␣), ids 1-26 the letters a-z. */
export const VOCAB = ' abcdefghijklmnopqrstuvwxyz';
export const SEPARATOR = 0;
/** Characters per training window (the longest word, 12 letters, and its space fit with room). */
export const WINDOW = 16;

export const encode = (text: string): number[] => Array.from(text, (c) => Math.max(0, VOCAB.indexOf(c)));
export const decode = (ids: ArrayLike<number>): string => Array.from(ids, (i) => VOCAB[i]).join('');

/** The words of words.txt: every tenth held out (index % 10 === 9), the rest to train on. */
export function splitWords(text: string): { train: string[]; heldOut: string[] } {
  const words = text.split('\n').filter((w) => /^[a-z]+$/.test(w));
  return { train: words.filter((_, i) => i % 10 !== 9), heldOut: words.filter((_, i) => i % 10 === 9) };
}

/** mulberry32: a seeded generator, so the shuffled word order (and each sample) can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The words in a seeded random order, as the stream " word word ..." of ids. */
export function stream(words: string[], seed: number): number[] {
  const order = words.slice();
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return encode(' ' + order.join(' ') + ' ');
}

/**
 * Windows of WINDOW ids over a stream, each starting at a separator; the next window starts at
 * the last separator inside this one, so only the word cut off at a window's end is seen twice.
 * x: [count, WINDOW] ids (Int32), y: [count, WINDOW] the next id at each position.
 */
export function windows(ids: number[]): { x: Int32Array; y: Float32Array; count: number } {
  const starts: number[] = [];
  for (let s = 0; s + WINDOW < ids.length; ) {
    starts.push(s);
    let next = s + WINDOW - 1;
    while (ids[next] !== SEPARATOR) next--;
    s = next > s ? next : s + WINDOW;
  }
  const x = new Int32Array(starts.length * WINDOW);
  const y = new Float32Array(starts.length * WINDOW);
  starts.forEach((s, w) => {
    x.set(ids.slice(s, s + WINDOW), w * WINDOW);
    y.set(ids.slice(s + 1, s + WINDOW + 1), w * WINDOW);
  });
  return { x, y, count: starts.length };
}

/**
 * The baselines a model has to beat: per-character cross-entropy (nats) on the targets of
 * `held` of a unigram and of a bigram model counted on `train`'s windows (add-one smoothing).
 */
export function baselines(train: { x: Int32Array; y: Float32Array }, held: { x: Int32Array; y: Float32Array }): { unigram: number; bigram: number } {
  const V = VOCAB.length;
  const uni = new Float64Array(V).fill(1);
  const bi = new Float64Array(V * V).fill(1);
  train.y.forEach((next, i) => {
    uni[next]++;
    bi[train.x[i] * V + next]++;
  });
  const uniTotal = uni.reduce((a, b) => a + b, 0);
  const rowTotal = Array.from({ length: V }, (_, a) => bi.subarray(a * V, (a + 1) * V).reduce((s, v) => s + v, 0));
  let [u, b] = [0, 0];
  held.y.forEach((next, i) => {
    u -= Math.log(uni[next] / uniTotal);
    b -= Math.log(bi[held.x[i] * V + next] / rowTotal[held.x[i]]);
  });
  return { unigram: u / held.y.length, bigram: b / held.y.length };
}
