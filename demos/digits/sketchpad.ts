// The drawing canvas: a white stroke on black, drawn with a mouse, pen or finger (pointer events),
// with `onChange` called as the ink changes (each move while drawing, and on lifting).

/** Stroke width in canvas pixels: on a 280 px pad a digit drawn at full height ends up with MNIST's 2-3 px strokes. */
const STROKE = 20;

export class Sketchpad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
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
      this.onChange();
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);
  }

  clear(): void {
    this.blank();
    this.onChange();
  }

  /** The pixels as they are now. */
  image(): ImageData {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  private blank(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const ctx = this.ctx;
    Object.assign(ctx, { strokeStyle: '#fff', lineWidth: STROKE, lineCap: 'round', lineJoin: 'round' });
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    this.onChange();
  }
}
