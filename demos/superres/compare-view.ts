// The before/after view: two pictures of the same size stacked, the top one (left) clipped at a
// vertical line the user drags (mouse, pen, finger, or the arrow keys on the handle), so each side
// of the line shows one picture. The split is kept as a fraction in [0, 1] (data-split).

export class CompareView {
  private split = 0.5;
  private readonly left: HTMLCanvasElement;
  private readonly right: HTMLCanvasElement;
  private readonly handle: HTMLElement;

  constructor(readonly root: HTMLElement) {
    this.left = root.querySelector('#compare-left')!;
    this.right = root.querySelector('#compare-right')!;
    this.handle = root.querySelector('#handle')!;
    let dragging = false;
    const follow = (e: PointerEvent) => {
      const r = root.getBoundingClientRect();
      this.setSplit((e.clientX - r.left) / r.width);
    };
    root.addEventListener('pointerdown', (e) => {
      dragging = true;
      root.setPointerCapture(e.pointerId);
      follow(e);
    });
    root.addEventListener('pointermove', (e) => dragging && follow(e));
    const stop = () => (dragging = false);
    root.addEventListener('pointerup', stop);
    root.addEventListener('pointercancel', stop);
    this.handle.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 0.1 : 0.02;
      if (e.key === 'ArrowLeft') this.setSplit(this.split - step);
      else if (e.key === 'ArrowRight') this.setSplit(this.split + step);
      else return;
      e.preventDefault();
    });
    this.setSplit(0.5);
  }

  /** Shows two RGBA pictures of the same size, `left` left of the line. */
  show(left: ImageData, right: ImageData): void {
    for (const [canvas, image] of [[this.left, left], [this.right, right]] as const) {
      [canvas.width, canvas.height] = [image.width, image.height];
      canvas.getContext('2d')!.putImageData(image, 0, 0);
    }
    this.root.style.aspectRatio = `${left.width} / ${left.height}`;
  }

  setSplit(fraction: number): void {
    this.split = Math.min(1, Math.max(0, fraction));
    const percent = `${(100 * this.split).toFixed(2)}%`;
    this.left.style.clipPath = `inset(0 calc(100% - ${percent}) 0 0)`;
    this.handle.style.left = percent;
    this.handle.setAttribute('aria-valuenow', String(Math.round(100 * this.split)));
    this.root.dataset.split = this.split.toFixed(3);
  }
}
