// The pictures the page enlarges, from a generated sample, an uploaded file or the drawing pad:
// each becomes a high-resolution original (luminance, plus chroma for colour pictures), cropped to
// a multiple of 3, and its 3x area downscale, which is all the models get. An upload can instead
// be the low-resolution input itself; it then has no original to score against.
import { areaDownscale, cropToMultiple, rgbaToYCbCr, SCALE, type GreyImage, type YCbCr } from './images.ts';
import { generateTexture, type TextureKind } from './textures.ts';

export interface Picture {
  name: string;
  /** The ground truth, where there is one. */
  original: { y: GreyImage; chroma?: { cb: GreyImage; cr: GreyImage } } | null;
  low: { y: GreyImage; chroma?: { cb: GreyImage; cr: GreyImage } };
}

/** Sides of the high-resolution pictures the page makes (samples; uploads fit inside it). */
export const SIDE = 192;
/** An upload used as the low-resolution input fits inside this. */
const LOW_SIDE = 96;

function fromOriginal(name: string, y: GreyImage, chroma?: YCbCr): Picture {
  const crop = (image: GreyImage) => cropToMultiple(image, SCALE);
  const original = { y: crop(y), chroma: chroma && { cb: crop(chroma.cb), cr: crop(chroma.cr) } };
  const low = { y: areaDownscale(original.y), chroma: original.chroma && { cb: areaDownscale(original.chroma.cb), cr: areaDownscale(original.chroma.cr) } };
  return { name, original, low };
}

export function samplePicture(kind: TextureKind, seed: number): Picture {
  return fromOriginal(`${kind}, seed ${seed}`, generateTexture(kind, seed, SIDE));
}

/** The drawing pad's pixels (grey). */
export function drawingPicture(image: ImageData): Picture {
  return fromOriginal('your drawing', rgbaToYCbCr(image.data, image.width, image.height).y);
}

/** A decoded upload, scaled down (smoothly, by the browser) to fit the page's sizes. */
export function uploadPicture(name: string, bitmap: ImageBitmap, asLowRes: boolean): Picture {
  const side = asLowRes ? LOW_SIDE : SIDE;
  const fit = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
  const [width, height] = [Math.max(SCALE, Math.round(bitmap.width * fit)), Math.max(SCALE, Math.round(bitmap.height * fit))];
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const ycc = rgbaToYCbCr(ctx.getImageData(0, 0, width, height).data, width, height);
  if (!asLowRes) return fromOriginal(name, ycc.y, ycc);
  return { name: `${name} (as the low-res input)`, original: null, low: { y: ycc.y, chroma: { cb: ycc.cb, cr: ycc.cr } } };
}
