// A drawing canvas: round strokes drawn with a mouse, pen or finger (pointer events). `onChange`
// is called when the ink changes: on lifting and on clear, and with `live` also at each move
// while drawing (the digit page reads as you draw; the super-resolution page waits for a stroke).

export interface SketchpadOptions {
  /** Stroke width in canvas pixels. */
  width: number;
  ink: string;
  paper: string;
  /** Call onChange at each move while drawing too, not only when a stroke ends. */
  live: boolean;
  onChange: () => void;
}

export class Sketchpad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  /** Whether anything was drawn since the last clear. */
  inked = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: SketchpadOptions,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    this.blank();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.stroke(this.last, this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      // Coalesced events keep fast strokes smooth where the browser batches moves.
      for (const event of e.getCoalescedEvents?.() ?? [e]) {
        const next = this.point(event);
        this.stroke(this.last, next);
        this.last = next;
      }
    });
    const lift = () => {
      if (!this.last) return;
      this.last = null;
      this.options.onChange();
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);
  }

  clear(): void {
    this.blank();
    this.inked = false;
    this.options.onChange();
  }

  /** The pixels as they are now. */
  image(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  private blank(): void {
    this.ctx.fillStyle = this.options.paper;
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const ctx = this.ctx;
    this.inked = true;
    Object.assign(ctx, { strokeStyle: this.options.ink, lineWidth: this.options.width, lineCap: 'round', lineJoin: 'round' });
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    if (this.options.live) this.options.onChange();
  }
}
