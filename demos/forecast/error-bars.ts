// The error panel's bars: the mean squared error of the GRU's forecast, the seasonal-naive one and
// the last value held, each a bar against the largest of the three. Each row carries its value in
// data-mse for tests.

export interface Errors {
  model: number;
  seasonal: number;
  lastValue: number;
}

const ROWS: { key: keyof Errors; label: string; cls: string }[] = [
  { key: 'model', label: 'GRU (wgnn)', cls: 'model' },
  { key: 'seasonal', label: 'repeat the last period', cls: 'seasonal' },
  { key: 'lastValue', label: 'hold the last value', cls: 'naive' },
];

const format = (v: number) => (v >= 10 ? v.toFixed(1) : v >= 0.1 ? v.toFixed(3) : v.toPrecision(2));

export function showErrors(where: HTMLElement, errors: Errors): void {
  const largest = Math.max(1e-12, ...ROWS.map((r) => errors[r.key]));
  where.innerHTML = ROWS.map(
    ({ key, label, cls }) =>
      `<div class="error-row ${cls}" data-kind="${key}" data-mse="${errors[key]}"><span class="label">${label}</span>` +
      `<span class="track"><span class="fill" style="width:${((100 * errors[key]) / largest).toFixed(1)}%"></span></span><span class="value">${format(errors[key])}</span></div>`,
  ).join('');
}
