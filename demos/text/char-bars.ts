// The next character's probabilities as 27 columns (␣ a-z; DOM, so CSS animates them). The
// sampled character is marked. Each column carries its value in data-probability for tests.
import { VOCAB } from './words.ts';

export class CharBars {
  private readonly columns: HTMLElement[];

  constructor(container: HTMLElement) {
    container.replaceChildren();
    this.columns = Array.from(VOCAB, (char, id) => {
      const column = document.createElement('div');
      column.className = 'column';
      column.dataset.char = char;
      column.innerHTML = `<div class="track"><div class="fill"></div></div><span class="label">${id === 0 ? '␣' : char}</span>`;
      container.append(column);
      return column;
    });
    this.show(null, -1);
  }

  /** Shows the probabilities (the tallest column fills the track) with `picked` marked, or empty columns for null. */
  show(probabilities: ArrayLike<number> | null, picked: number): void {
    const top = probabilities ? Math.max(...Array.from(probabilities)) : 1;
    this.columns.forEach((column, id) => {
      const p = probabilities ? probabilities[id] : 0;
      column.dataset.probability = probabilities ? String(p) : '';
      column.title = probabilities ? `${(100 * p).toFixed(1)}%` : '';
      column.classList.toggle('picked', id === picked);
      column.querySelector<HTMLElement>('.fill')!.style.height = `${((100 * p) / top).toFixed(1)}%`;
    });
  }
}
