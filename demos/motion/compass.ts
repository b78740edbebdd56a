// The nine probabilities as a compass rose: a spoke per direction whose length is its
// probability (the most probable one in the accent colour, with an arrowhead), and a disc in the
// middle for "still" whose size is its probability. Redrawn whole on each verdict.
import { STILL } from './clips.ts';

/** An arrow for each class, for labels (screen directions). */
export const ARROWS = ['→', '↗', '↑', '↖', '←', '↙', '↓', '↘', '•'];

const ACCENT = '#4f46e5';
const SOFT = '#a5b4fc';
const MUTED = '#6b7282';

export class CompassRose {
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.show(null);
  }

  show(probabilities: ArrayLike<number> | null): void {
    const dpr = window.devicePixelRatio || 1;
    const size = this.canvas.clientWidth || 260;
    this.canvas.width = this.canvas.height = Math.round(size * dpr);
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size, size);
    const c = size / 2;
    const [inner, outer] = [size * 0.14, size * 0.36];
    const p = (i: number) => (probabilities ? probabilities[i] : 0);
    const top = probabilities ? Array.from(probabilities).indexOf(Math.max(...Array.from(probabilities))) : -1;

    // Guide rings at 50% and 100%, and the empty tracks.
    ctx.strokeStyle = '#e6e8ee';
    ctx.lineWidth = 1;
    for (const f of [0.5, 1]) {
      ctx.beginPath();
      ctx.arc(c, c, inner + f * (outer - inner), 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.lineCap = 'round';
    for (let i = 0; i < 8; i++) {
      const [dx, dy] = [Math.cos((i * Math.PI) / 4), -Math.sin((i * Math.PI) / 4)];
      ctx.strokeStyle = '#f0f1f6';
      ctx.lineWidth = size * 0.05;
      line(ctx, c + dx * inner, c + dy * inner, c + dx * outer, c + dy * outer);
      const end = inner + p(i) * (outer - inner);
      if (p(i) > 0.005) {
        ctx.strokeStyle = i === top ? ACCENT : SOFT;
        line(ctx, c + dx * inner, c + dy * inner, c + dx * end, c + dy * end);
      }
      if (i === top) arrowhead(ctx, c + dx * (end + size * 0.035), c + dy * (end + size * 0.035), dx, dy, size * 0.045);
      // Label: the arrow and the percentage, outside the ring.
      const r = size * 0.445;
      ctx.fillStyle = i === top ? ACCENT : MUTED;
      ctx.font = `${i === top ? 700 : 500} ${Math.round(size * 0.05)}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(ARROWS[i], c + dx * r, c + dy * r - (probabilities ? size * 0.03 : 0));
      if (probabilities) {
        ctx.font = `${i === top ? 700 : 400} ${Math.round(size * 0.042)}px system-ui, sans-serif`;
        ctx.fillText(percent(p(i)) || '0%', c + dx * r, c + dy * r + size * 0.035);
      }
    }
    // Still: a disc in the middle.
    ctx.fillStyle = '#f0f1f6';
    disc(ctx, c, c, inner * 0.8);
    ctx.fillStyle = top === STILL ? ACCENT : SOFT;
    if (p(STILL) > 0.005) disc(ctx, c, c, inner * 0.8 * Math.sqrt(p(STILL)));
    ctx.fillStyle = p(STILL) > 0.5 ? '#fff' : top === STILL ? ACCENT : MUTED;
    ctx.font = `600 ${Math.round(size * 0.042)}px system-ui, sans-serif`;
    ctx.fillText('still', c, c - (probabilities ? size * 0.022 : 0));
    if (probabilities) ctx.fillText(percent(p(STILL)) || '0%', c, c + size * 0.028);
  }
}

const percent = (p: number) => (p >= 0.995 ? '100%' : p < 0.005 ? '' : `${Math.round(100 * p)}%`);

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

function disc(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

function arrowhead(ctx: CanvasRenderingContext2D, x: number, y: number, dx: number, dy: number, s: number): void {
  ctx.fillStyle = ACCENT;
  ctx.beginPath();
  ctx.moveTo(x + dx * s, y + dy * s);
  ctx.lineTo(x - dx * s * 0.6 - dy * s, y - dy * s * 0.6 + dx * s);
  ctx.lineTo(x - dx * s * 0.6 + dy * s, y - dy * s * 0.6 - dx * s);
  ctx.closePath();
  ctx.fill();
}
