// A small line chart on a canvas for training curves: several series against one x axis of known
// length (training steps), y from 0 to a fixed or running maximum, a few grid lines, and optional
// dots for series with one point per epoch. Redrawn whole on each change (a few hundred points).

export interface SeriesStyle {
  name: string;
  color: string;
  /** Draw each point as a dot (per-epoch values) instead of a line. */
  dots?: boolean;
}

export class LineChart {
  private readonly points: [number, number][][];
  private xMax = 1;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly series: SeriesStyle[],
    /** A fixed top of the y axis, or the top before any point arrives (then it follows the data); the x axis' caption. */
    private readonly y: { max?: number; emptyMax?: number; format: (v: number) => string; xLabel?: string },
  ) {
    this.points = series.map(() => []);
    this.draw();
  }

  /** Empties the chart for a run of `xMax` steps. */
  reset(xMax: number): void {
    this.xMax = Math.max(1, xMax);
    for (const p of this.points) p.length = 0;
    this.draw();
  }

  add(series: number, x: number, y: number): void {
    if (!Number.isFinite(y)) return;
    this.points[series].push([x, y]);
    this.draw();
  }

  /** How many points each series holds. */
  counts(): number[] {
    return this.points.map((p) => p.length);
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const [cssW, cssH] = [this.canvas.clientWidth || 320, this.canvas.clientHeight || 160];
    [this.canvas.width, this.canvas.height] = [Math.round(cssW * dpr), Math.round(cssH * dpr)];
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const all = this.points.flat().map((p) => p[1]);
    const yMax = this.y.max ?? (all.length ? Math.max(1e-6, ...all) * 1.1 : (this.y.emptyMax ?? 1));
    ctx.font = `11px ${getComputedStyle(this.canvas).fontFamily}`;
    // Room on the left for the widest y label.
    const labelWidth = Math.max(...[0, 1, 2, 3, 4].map((i) => ctx.measureText(this.y.format((yMax * i) / 4)).width));
    const pad = { left: Math.max(40, Math.ceil(labelWidth) + 10), right: 10, top: 10, bottom: 22 };
    const [w, h] = [cssW - pad.left - pad.right, cssH - pad.top - pad.bottom];
    const px = (x: number) => pad.left + (x / this.xMax) * w;
    const py = (y: number) => pad.top + h - (Math.min(y, yMax) / yMax) * h;

    ctx.fillStyle = '#7a8191';
    ctx.strokeStyle = '#e6e8ee';
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = (yMax * i) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.left, Math.round(py(v)) + 0.5);
      ctx.lineTo(pad.left + w, Math.round(py(v)) + 0.5);
      ctx.stroke();
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.y.format(v), pad.left - 6, py(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(this.y.xLabel ?? 'training steps', pad.left + w / 2, pad.top + h + 6);
    ctx.textBaseline = 'middle';
    if (!all.length) ctx.fillText('the curves appear here while training runs', pad.left + w / 2, pad.top + (3 * h) / 8);

    this.series.forEach((style, s) => {
      const pts = this.points[s];
      ctx.strokeStyle = ctx.fillStyle = style.color;
      if (style.dots) {
        for (const [x, y] of pts) {
          ctx.beginPath();
          ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
          ctx.fill();
        }
        return;
      }
      ctx.lineWidth = 2;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      pts.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
      ctx.stroke();
    });
  }
}
