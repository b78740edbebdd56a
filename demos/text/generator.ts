// The live generator: the character model with an open length on one engine, and the two things
// the page asks of it: the next character's probabilities after a context (one run at batch 1;
// its wall time is the per-character latency shown), and the score of whole words (each length
// one batched run). Each context length compiles its own plan once (cached by the model).
import type { CompiledModel, Engine, Profile } from '../../src/index.ts';
import type { Backend } from '../shared/backend.ts';
import { textModel } from './model.ts';
import { encode, SEPARATOR, VOCAB, WINDOW } from './words.ts';

const V = VOCAB.length;

export class Generator {
  private compiled: CompiledModel | null = null;
  readonly described = textModel(null);

  private constructor(readonly engine: Engine) {}

  /** The model on `engine` (which the generator then owns) with `weights` loaded and warmed up. */
  static async create(engine: Engine, weights: Uint8Array): Promise<Generator> {
    const generator = new Generator(engine);
    generator.described.model.loadWeights(weights);
    generator.compiled = engine.compile(generator.described.model);
    await generator.next(' ');
    return generator;
  }

  get backend(): Backend {
    return this.engine.info.backend;
  }

  /**
   * What the model reads for the next character: the text from the separator before the last
   * word (the words it learned from are unrelated, so nothing before it helps), at most WINDOW.
   */
  static context(text: string): string {
    const start = text.lastIndexOf(' ');
    return (start < 0 ? ' ' + text : text.slice(start)).slice(-WINDOW);
  }

  /** The next character's probabilities after `context` (ids or text), and the wall time of the run. */
  async next(context: string): Promise<{ probabilities: Float32Array; ms: number }> {
    const ids = Int32Array.from(encode(context));
    const start = performance.now();
    const outputs = await this.compiled!.run([{ data: ids, shape: [1, ids.length] }]);
    const ms = performance.now() - start;
    const all = outputs[this.described.outputName];
    return { probabilities: all.slice((ids.length - 1) * V), ms };
  }

  /** Mean cross-entropy per character (nats) of each word and the separator after it, the word read after a separator. */
  async score(words: string[]): Promise<number> {
    const byLength = new Map<number, string[]>();
    for (const w of words) byLength.set(w.length, [...(byLength.get(w.length) ?? []), w]);
    let [total, count] = [0, 0];
    for (const [length, group] of byLength) {
      const ids = Int32Array.from(group.flatMap((w) => encode(' ' + w)));
      const outputs = await this.compiled!.run([{ data: ids, shape: [group.length, length + 1] }]);
      const p = outputs[this.described.outputName];
      group.forEach((w, g) => {
        const targets = [...encode(w), SEPARATOR];
        targets.forEach((target, t) => (total -= Math.log(Math.max(p[(g * (length + 1) + t) * V + target], 1e-12))));
        count += targets.length;
      });
    }
    return total / count;
  }

  /** Per-node GPU time of one run on a word-long context; null on the CPU backend. */
  async profile(): Promise<Profile | null> {
    if (this.backend !== 'webgpu') return null;
    const ids = Int32Array.from(encode(' generat'));
    return this.compiled!.profile([{ data: ids, shape: [1, ids.length] }]);
  }

  dispose(): void {
    this.compiled?.dispose();
    this.engine.dispose();
  }
}

/** Samples an id from `probabilities` sharpened or flattened by `temperature` (p^(1/T), renormalized); also returns that distribution. */
export function sample(probabilities: Float32Array, temperature: number, random: () => number): { id: number; tempered: Float32Array } {
  const logits = Array.from(probabilities, (p) => Math.log(Math.max(p, 1e-30)) / temperature);
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const sum = weights.reduce((a, b) => a + b, 0);
  const tempered = Float32Array.from(weights, (w) => w / sum);
  let r = random();
  for (let id = 0; id < tempered.length; id++) {
    r -= tempered[id];
    if (r < 0) return { id, tempered };
  }
  return { id: tempered.indexOf(Math.max(...tempered)), tempered }; // rounding left r >= 0
}
