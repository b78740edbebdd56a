// A small drawing canvas: dark strokes on white, drawn with a mouse, pen or finger (pointer events);
// `onDone` is called when a stroke ends (and on clear), when the picture is worth upscaling again.

const STROKE = 5;

export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  /** Whether anything was drawn since the last clear. */
  inked = false;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onDone: () => void,
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
      for (const event of e.getCoalescedEvents?.() ?? [e]) {
        const next = this.point(event);
        this.stroke(this.last, next);
        this.last = next;
      }
    });
    const lift = () => {
      if (!this.last) return;
      this.last = null;
      this.onDone();
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);
  }

  clear(): void {
    this.blank();
    this.inked = false;
    this.onDone();
  }

  image(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  private blank(): void {
    this.ctx.fillStyle = '#fff';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    this.inked = true;
    Object.assign(this.ctx, { strokeStyle: '#1c2030', lineWidth: STROKE, lineCap: 'round', lineJoin: 'round' });
    this.ctx.beginPath();
    this.ctx.moveTo(from.x, from.y);
    this.ctx.lineTo(to.x, to.y);
    this.ctx.stroke();
  }
}
