// How well the shipped weights do, as demos/training/text.ts measured it and wrote it beside the
// weights (text.json): bits per held-out character for the model and the baselines, as bars.

export interface Measured {
  trainWords: number;
  heldWords: number;
  epochs: number;
  secondsPerEpoch: number;
  /** Mean cross-entropy per held-out character, nats. */
  heldOut: { model: number; bigram: number; unigram: number; uniform: number };
  /** How often the model's most likely next character is the right one. */
  heldOutAccuracy: number;
}

export function showScores(container: HTMLElement, m: Measured): void {
  const rows: [string, number, string][] = [
    ['this LSTM', m.heldOut.model, 'model'],
    ['previous letter (bigram)', m.heldOut.bigram, 'baseline'],
    ['letter frequencies (unigram)', m.heldOut.unigram, 'baseline'],
    ['uniform guess over 27', m.heldOut.uniform, 'baseline'],
  ];
  const top = Math.max(...rows.map((r) => r[1]));
  container.innerHTML = rows
    .map(([name, nats, cls]) => {
      const bits = nats / Math.LN2;
      return `<div class="score ${cls}"><span class="name">${name}</span><span class="track"><span class="fill" style="width:${((100 * nats) / top).toFixed(1)}%"></span></span><span class="value">${bits.toFixed(2)} bits <span class="muted">perplexity ${Math.exp(nats).toFixed(1)}</span></span></div>`;
    })
    .join('');
  container.insertAdjacentHTML('beforeend', `<p class="muted small">Bits per character on the ${m.heldWords.toLocaleString('en-US')} held-out words (lower is better; the separator after each word counts as a character). The model's first guess is right ${(100 * m.heldOutAccuracy).toFixed(0)}% of the time. ${m.epochs} epochs, ${m.secondsPerEpoch.toFixed(0)} s each in Node on SwiftShader (WebGPU on the CPU).</p>`);
}
