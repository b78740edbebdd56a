// The clip canvas: shows a SIZE x SIZE frame scaled up with hard pixel edges (what the model sees,
// nothing smoothed), and a drawn path on top. Dragging on it records a path in frame pixels:
// `onPath` gets the points once the pointer lifts (pointer events: mouse, pen or finger).
import { SIZE } from './clips.ts';

export type Point = { x: number; y: number };

export class ClipCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly frame = document.createElement('canvas');
  private readonly image = new ImageData(SIZE, SIZE);
  private drawing: Point[] | null = null;
  /** The path shown over the frames (the one being drawn, or the one playing). */
  path: Point[] | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    handlers: { onPathStart: () => void; onPath: (points: Point[]) => void },
  ) {
    this.ctx = canvas.getContext('2d')!;
    this.frame.width = this.frame.height = SIZE;
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = this.path = [this.point(e)];
      handlers.onPathStart();
      this.redraw();
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      for (const event of e.getCoalescedEvents?.() ?? [e]) this.drawing.push(this.point(event));
      this.redraw();
    });
    const lift = () => {
      if (!this.drawing) return;
      const points = this.drawing;
      this.drawing = null;
      handlers.onPath(points);
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);
  }

  /** Shows a frame (SIZE*SIZE grey levels in [0, 1]). */
  show(pixels: Float32Array): void {
    for (let i = 0; i < SIZE * SIZE; i++) {
      const v = Math.round(255 * pixels[i]);
      this.image.data.set([v, v, Math.min(255, v + 12), 255], 4 * i);
    }
    this.frame.getContext('2d')!.putImageData(this.image, 0, 0);
    this.redraw();
  }

  private redraw(): void {
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.frame, 0, 0, canvas.width, canvas.height);
    const path = this.path;
    if (!path || path.length < 2) return;
    const scale = canvas.width / SIZE;
    Object.assign(ctx, { strokeStyle: 'rgba(165, 180, 252, 0.85)', lineWidth: 3, lineCap: 'round', lineJoin: 'round' });
    ctx.setLineDash([6, 7]);
    ctx.beginPath();
    path.forEach((p, i) => (i ? ctx.lineTo(p.x * scale, p.y * scale) : ctx.moveTo(p.x * scale, p.y * scale)));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = 'rgba(165, 180, 252, 0.95)';
    ctx.beginPath();
    ctx.arc(path[0].x * scale, path[0].y * scale, 5, 0, 2 * Math.PI);
    ctx.fill();
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    const clamp = (v: number) => Math.min(Math.max(v, 0), SIZE);
    return { x: clamp(((e.clientX - r.left) * SIZE) / r.width), y: clamp(((e.clientY - r.top) * SIZE) / r.height) };
  }
}

/** Draws a frame into a small canvas of SIZE x SIZE (the film strip; CSS scales it up, pixelated). */
export function drawFrame(canvas: HTMLCanvasElement, pixels: Float32Array | null): void {
  canvas.width = canvas.height = SIZE;
  const ctx = canvas.getContext('2d')!;
  if (!pixels) return ctx.clearRect(0, 0, SIZE, SIZE);
  const image = new ImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = Math.round(255 * pixels[i]);
    image.data.set([v, v, Math.min(255, v + 12), 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}
