// The forecast chart: the signal's recent past (faded), the window the model reads (a soft band),
// the forecast region (shaded), the truth there (dashed), the last-value forecast (thin, grey) and
// the model's forecast (bold). Redrawn whole on each change; the y range follows what is shown.

export interface ForecastView {
  /** Values before "now", oldest first; the last `lookback` of them are the model's input. */
  past: ArrayLike<number>;
  lookback: number;
  truth: ArrayLike<number>;
  forecast: ArrayLike<number> | null;
  lastValue: ArrayLike<number> | null;
}

const COLORS = { past: '#9aa1b2', input: '#1c2030', truth: '#1c2030', forecast: '#4f46e5', naive: '#f97316', band: '#f4f5fa', region: '#eef0ff' };

export function drawForecast(canvas: HTMLCanvasElement, view: ForecastView): void {
  const dpr = window.devicePixelRatio || 1;
  const [cssW, cssH] = [canvas.clientWidth || 800, canvas.clientHeight || 320];
  [canvas.width, canvas.height] = [Math.round(cssW * dpr), Math.round(cssH * dpr)];
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssW, cssH);

  const { past, truth, forecast, lastValue, lookback } = view;
  const [P, H] = [past.length, truth.length];
  const pad = { left: 12, right: 12, top: 26, bottom: 24 };
  const [w, h] = [cssW - pad.left - pad.right, cssH - pad.top - pad.bottom];
  const all = [...Array.from(past), ...Array.from(truth), ...Array.from(forecast ?? [])];
  let [lo, hi] = [Math.min(...all), Math.max(...all)];
  const margin = Math.max(0.1, 0.08 * (hi - lo));
  [lo, hi] = [lo - margin, hi + margin];
  // x: sample i of the past at i, the forecast's step k at P + k; "now" sits between P - 1 and P.
  const px = (i: number) => pad.left + (i / (P + H - 1)) * w;
  const py = (v: number) => pad.top + h - ((v - lo) / (hi - lo)) * h;
  const now = px(P - 0.5);

  // Bands: the model's input window and the forecast region, with their captions.
  ctx.font = `12px ${getComputedStyle(canvas).fontFamily}`;
  ctx.textBaseline = 'top';
  ctx.fillStyle = COLORS.band;
  ctx.fillRect(px(P - lookback - 0.5), pad.top - 20, now - px(P - lookback - 0.5), h + 20);
  ctx.fillStyle = COLORS.region;
  ctx.fillRect(now, pad.top - 20, px(P + H - 1) + 6 - now, h + 20);
  ctx.fillStyle = '#7a8191';
  ctx.textAlign = 'left';
  ctx.fillText(`what the model reads: ${lookback} values`, px(P - lookback - 0.5) + 8, pad.top - 16);
  ctx.fillStyle = COLORS.forecast;
  ctx.fillText(`next ${H}`, now + 8, pad.top - 16);
  ctx.strokeStyle = '#c7cbe0';
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(Math.round(now) + 0.5, pad.top - 20);
  ctx.lineTo(Math.round(now) + 0.5, pad.top + h);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = '#7a8191';
  ctx.textAlign = 'center';
  ctx.fillText('now', now, pad.top + h + 6);

  const line = (values: ArrayLike<number>, offset: number, style: { color: string; width: number; dash?: number[]; from?: [number, number] }) => {
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.lineJoin = ctx.lineCap = 'round';
    ctx.setLineDash(style.dash ?? []);
    ctx.beginPath();
    if (style.from) ctx.moveTo(px(style.from[0]), py(style.from[1]));
    for (let i = 0; i < values.length; i++) {
      const [x, y] = [px(offset + i), py(values[i])];
      if (i || style.from) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  const last: [number, number] = [P - 1, past[P - 1]];
  line(Array.from(past).slice(0, P - lookback + 1), 0, { color: COLORS.past, width: 1.5 });
  line(Array.from(past).slice(P - lookback), P - lookback, { color: COLORS.input, width: 1.8 });
  line(truth, P, { color: COLORS.truth, width: 1.8, dash: [5, 4], from: last });
  if (lastValue) line(lastValue, P, { color: COLORS.naive, width: 1.5, dash: [1, 4], from: last });
  if (forecast) {
    line(forecast, P, { color: COLORS.forecast, width: 3.2, from: last });
    ctx.fillStyle = COLORS.forecast;
    for (let k = 0; k < forecast.length; k++) {
      ctx.beginPath();
      ctx.arc(px(P + k), py(forecast[k]), 2.6, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
