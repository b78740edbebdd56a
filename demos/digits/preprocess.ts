// Turns a drawing into what the model was trained on, the way MNIST's digits were made: the ink is
// cropped to its bounding box, scaled (aspect kept, antialiased by area averaging) so that its
// longer side is 20 px, and placed in a 28x28 frame so that its centre of mass sits at the centre.
// Values are ink intensities in [0, 1] (a white stroke on black is 1).

export const SIDE = 28;
const BOX = 20;
/** Intensities at or below this are background (canvas antialiasing leaves faint fringes). */
const INK = 0.02;

/** The ink intensity of each pixel: the brightest channel, in [0, 1]. */
export function intensities(image: ImageData): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(data[4 * i], data[4 * i + 1], data[4 * i + 2]) / 255;
  return out;
}

/** For each of `outSize` output cells spanning [from, from + length) of the input: the input cells it covers and by how much. */
function coverage(from: number, length: number, outSize: number): { index: number; weight: number }[][] {
  const step = length / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const [start, end] = [from + o * step, from + (o + 1) * step];
    const cells = [];
    for (let i = Math.floor(start); i < Math.ceil(end); i++) {
      const overlap = Math.min(end, i + 1) - Math.max(start, i);
      if (overlap > 0) cells.push({ index: i, weight: overlap / step });
    }
    return cells;
  });
}

/** Area-averaging resample of the box (x0, y0, w, h) of a width-wide image to outW x outH. */
function resample(pixels: Float32Array, width: number, box: { x0: number; y0: number; w: number; h: number }, outW: number, outH: number): Float32Array {
  const cols = coverage(box.x0, box.w, outW);
  const rows = coverage(box.y0, box.h, outH);
  const out = new Float32Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let sum = 0;
      for (const r of rows[oy]) for (const c of cols[ox]) sum += r.weight * c.weight * pixels[r.index * width + c.index];
      out[oy * outW + ox] = sum;
    }
  }
  return out;
}

/** The 28x28 model input for a width x height drawing, or null when nothing is drawn. */
export function toModelInput(pixels: Float32Array, width: number, height: number): Float32Array | null {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[y * width + x] > INK) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return null;
  const [w, h] = [x1 - x0 + 1, y1 - y0 + 1];
  const scale = BOX / Math.max(w, h);
  const [outW, outH] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
  const small = resample(pixels, width, { x0, y0, w, h }, outW, outH);

  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = small[y * outW + x];
      [mass, mx, my] = [mass + v, mx + v * (x + 0.5), my + v * (y + 0.5)];
    }
  }
  // Shift by whole pixels (as MNIST did) so that the centre of mass lands at (14, 14).
  const [dx, dy] = [Math.round(SIDE / 2 - mx / mass), Math.round(SIDE / 2 - my / mass)];
  const frame = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const [fx, fy] = [x + dx, y + dy];
      if (fx >= 0 && fx < SIDE && fy >= 0 && fy < SIDE) frame[fy * SIDE + fx] = Math.min(1, small[y * outW + x]);
    }
  }
  return frame;
}

/** Draws a 28x28 input as grey levels into a 28x28 canvas (the preview of what the model sees). */
export function drawInput(canvas: HTMLCanvasElement, input: Float32Array | null): void {
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round(255 * (input?.[i] ?? 0));
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}
