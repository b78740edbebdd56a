// The ten class probabilities as a column chart (DOM columns, so CSS animates them); the most
// probable digit is highlighted. Each column carries its value in data-probability for tests.

export class ProbabilityBars {
  private readonly columns: HTMLElement[];

  constructor(container: HTMLElement) {
    container.replaceChildren();
    this.columns = Array.from({ length: 10 }, (_, digit) => {
      const column = document.createElement('div');
      column.className = 'column';
      column.dataset.digit = String(digit);
      column.innerHTML = `<span class="value"></span><div class="track"><div class="fill"></div></div><span class="label">${digit}</span>`;
      container.append(column);
      return column;
    });
    this.show(null);
  }

  /** Shows ten probabilities, or empty columns for null. */
  show(probabilities: ArrayLike<number> | null): void {
    const top = probabilities ? Array.from(probabilities).indexOf(Math.max(...Array.from(probabilities))) : -1;
    this.columns.forEach((column, digit) => {
      const p = probabilities ? probabilities[digit] : 0;
      column.dataset.probability = probabilities ? String(p) : '';
      column.classList.toggle('top', digit === top);
      column.querySelector<HTMLElement>('.fill')!.style.height = `${(100 * p).toFixed(1)}%`;
      column.querySelector('.value')!.textContent = probabilities ? (p >= 0.995 ? '100%' : p < 0.005 ? '' : `${Math.round(100 * p)}%`) : '';
    });
  }
}
