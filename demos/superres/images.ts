// Grey images as the super-resolution demo uses them, shared by the page and the training script
// (no DOM here): the 3x area downscale that makes a low-resolution input from a high-resolution
// one, the bicubic upscale that is the baseline (Keys' cubic, a = -0.5), PSNR, the model's input
// and output convention, and the YCbCr split that lets the model work on colour pictures.

/** A single-channel image, row-major, values in [0, 1]. */
export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** The upscale factor of the whole demo. */
export const SCALE = 3;

export const greyImage = (width: number, height: number, data: Float32Array = new Float32Array(width * height)): GreyImage => ({ width, height, data });

/** The top-left part of `image` whose sides are multiples of `factor` (so that it downscales exactly). */
export function cropToMultiple(image: GreyImage, factor = SCALE): GreyImage {
  const width = image.width - (image.width % factor);
  const height = image.height - (image.height % factor);
  if (width === image.width && height === image.height) return image;
  const out = greyImage(width, height);
  for (let y = 0; y < height; y++) out.data.set(image.data.subarray(y * image.width, y * image.width + width), y * width);
  return out;
}

/** Each output pixel the mean of a factor x factor block (what a camera with bigger pixels sees). Sides must be multiples of factor. */
export function areaDownscale(image: GreyImage, factor = SCALE): GreyImage {
  if (image.width % factor || image.height % factor) throw new Error(`areaDownscale: ${image.width}x${image.height} is not a multiple of ${factor}`);
  const out = greyImage(image.width / factor, image.height / factor);
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += image.data[(y * factor + dy) * image.width + x * factor + dx];
      out.data[y * out.width + x] = sum / (factor * factor);
    }
  }
  return out;
}

/** Keys' cubic convolution kernel with a = -0.5 (the bicubic of most image libraries). */
export function keysCubic(t: number, a = -0.5): number {
  const x = Math.abs(t);
  if (x <= 1) return (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1;
  if (x < 2) return a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a;
  return 0;
}

/**
 * For each of `outSize` output positions: the 4 source indices (clamped at the edges) and
 * weights. Pixel centres align (half-pixel convention): output i samples source (i + 0.5)/factor - 0.5.
 */
function cubicTaps(inSize: number, factor: number): { index: Int32Array; weight: Float32Array } {
  const outSize = inSize * factor;
  const index = new Int32Array(outSize * 4);
  const weight = new Float32Array(outSize * 4);
  for (let i = 0; i < outSize; i++) {
    const src = (i + 0.5) / factor - 0.5;
    const base = Math.floor(src);
    for (let k = 0; k < 4; k++) {
      const at = base - 1 + k;
      index[i * 4 + k] = Math.min(inSize - 1, Math.max(0, at));
      weight[i * 4 + k] = keysCubic(src - at);
    }
  }
  return { index, weight };
}

/** Bicubic upscale by an integer factor: rows, then columns; the result clamped to [0, 1]. */
export function bicubicUpscale(image: GreyImage, factor = SCALE): GreyImage {
  const { width, height } = image;
  const [W, H] = [width * factor, height * factor];
  const cols = cubicTaps(width, factor);
  const rows = cubicTaps(height, factor);
  const wide = new Float32Array(height * W);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < W; x++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += cols.weight[x * 4 + k] * image.data[y * width + cols.index[x * 4 + k]];
      wide[y * W + x] = sum;
    }
  }
  const out = greyImage(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += rows.weight[y * 4 + k] * wide[rows.index[y * 4 + k] * W + x];
      out.data[y * W + x] = Math.min(1, Math.max(0, sum));
    }
  }
  return out;
}

/**
 * Peak signal-to-noise ratio in dB (peak 1) of `test` against `truth`, leaving out a border of
 * `shave` pixels (the super-resolution papers' convention: the scale factor), capped at 99 dB.
 */
export function psnr(test: GreyImage, truth: GreyImage, shave = SCALE): number {
  if (test.width !== truth.width || test.height !== truth.height) throw new Error(`psnr: ${test.width}x${test.height} vs ${truth.width}x${truth.height}`);
  let sum = 0;
  let count = 0;
  for (let y = shave; y < truth.height - shave; y++) {
    for (let x = shave; x < truth.width - shave; x++) {
      const d = test.data[y * truth.width + x] - truth.data[y * truth.width + x];
      sum += d * d;
      count++;
    }
  }
  return count === 0 || sum === 0 ? 99 : Math.min(99, 10 * Math.log10(count / sum));
}

/** The model sees and makes values centred on 0 (grey is 0): its zero padding then reads as mid-grey, not black. */
export const toModelInput = (image: GreyImage): Float32Array => Float32Array.from(image.data, (v) => v - 0.5);
export const fromModelOutput = (width: number, height: number, values: Float32Array): GreyImage =>
  greyImage(width, height, Float32Array.from(values, (v) => Math.min(1, Math.max(0, v + 0.5))));

/** A colour picture as luminance Y and chroma Cb, Cr (JPEG's full-range BT.601), each in [0, 1]. */
export interface YCbCr {
  y: GreyImage;
  cb: GreyImage;
  cr: GreyImage;
}

/** From RGBA bytes (ImageData's layout). */
export function rgbaToYCbCr(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): YCbCr {
  const [y, cb, cr] = [greyImage(width, height), greyImage(width, height), greyImage(width, height)];
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgba[4 * i] / 255, rgba[4 * i + 1] / 255, rgba[4 * i + 2] / 255];
    y.data[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    cb.data[i] = 0.5 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    cr.data[i] = 0.5 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  }
  return { y, cb, cr };
}

/** To RGBA bytes; without chroma, grey. */
export function toRgba(y: GreyImage, chroma?: { cb: GreyImage; cr: GreyImage }): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(y.width * y.height * 4);
  for (let i = 0; i < y.width * y.height; i++) {
    const Y = y.data[i];
    const [cb, cr] = chroma ? [chroma.cb.data[i] - 0.5, chroma.cr.data[i] - 0.5] : [0, 0];
    out[4 * i] = 255 * (Y + 1.402 * cr);
    out[4 * i + 1] = 255 * (Y - 0.344136 * cb - 0.714136 * cr);
    out[4 * i + 2] = 255 * (Y + 1.772 * cb);
    out[4 * i + 3] = 255;
  }
  return out;
}
