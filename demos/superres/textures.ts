// Procedural grey pictures for the super-resolution demo, generated the same way in the training
// script and the page (plain TS, no DOM): stripes, checkers, circles and rings, text in a small
// stroke font, smooth value-noise "clouds", and a mix of them. Edges are anti-aliased from a
// signed distance (coverage = clamp(0.5 - d, 0, 1), exact for straight edges), so the pictures
// are what a sharp camera would see; sizes are in pixels, so a 48-pixel training patch and a
// 192-pixel sample of one kind look alike. The same (kind, seed, size) always gives the same picture.
import { greyImage, type GreyImage } from './images.ts';

export const TEXTURE_KINDS = ['stripes', 'checkers', 'circles', 'text', 'clouds', 'mixed'] as const;
export type TextureKind = (typeof TEXTURE_KINDS)[number];
/** Seeds: training patches use 0, 1, 2, ...; held-out pictures (the script's report, the test) start here; the page's samples at PAGE_SEED. */
export const HELD_OUT_SEED = 1_000_000;
export const PAGE_SEED = 2_000_000;

/** mulberry32, seeded: uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const between = (rng: Random, lo: number, hi: number) => lo + (hi - lo) * rng();
const coverage = (d: number) => Math.min(1, Math.max(0, 0.5 - d));

/** Two grey levels at least 0.3 apart; often black and white, as in print. */
function contrast(rng: Random): [number, number] {
  if (rng() < 0.35) return rng() < 0.5 ? [0.02, 0.98] : [0.98, 0.02];
  for (;;) {
    const [a, b] = [rng(), rng()];
    if (Math.abs(a - b) >= 0.3) return [a, b];
  }
}

/** Paints `value` over `image` through a coverage mask computed per pixel, inside a bounding box. */
function paint(image: GreyImage, value: number, box: [number, number, number, number], cover: (x: number, y: number) => number): void {
  const [x0, y0, x1, y1] = [Math.max(0, Math.floor(box[0])), Math.max(0, Math.floor(box[1])), Math.min(image.width, Math.ceil(box[2])), Math.min(image.height, Math.ceil(box[3]))];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const m = cover(x + 0.5, y + 0.5);
      if (m > 0) image.data[y * image.width + x] += m * (value - image.data[y * image.width + x]);
    }
  }
}

const whole = (image: GreyImage): [number, number, number, number] => [0, 0, image.width, image.height];

/** Signed distance to a band [0, width) repeating every `period` along u (negative inside). */
function bandDistance(u: number, width: number, period: number): number {
  const w = ((u % period) + period) % period;
  return w < width ? -Math.min(w, width - w) : Math.min(w - width, period - w);
}

function stripes(image: GreyImage, rng: Random, box = whole(image)): void {
  const [bg, fg] = contrast(rng);
  const angle = rng() < 0.4 ? (Math.floor(rng() * 4) * Math.PI) / 4 : rng() * Math.PI;
  const period = between(rng, 4, 26);
  const width = period * between(rng, 0.3, 0.7);
  const [c, s, phase] = [Math.cos(angle), Math.sin(angle), rng() * period];
  paint(image, bg, box, () => 1);
  paint(image, fg, box, (x, y) => coverage(bandDistance(x * c + y * s + phase, width, period)));
}

function checkers(image: GreyImage, rng: Random): void {
  const [bg, fg] = contrast(rng);
  const angle = rng() < 0.5 ? 0 : rng() * Math.PI;
  const cell = between(rng, 5, 30);
  const [c, s, pu, pv] = [Math.cos(angle), Math.sin(angle), rng() * cell, rng() * cell];
  paint(image, bg, whole(image), () => 1);
  paint(image, fg, whole(image), (x, y) => {
    const a = coverage(bandDistance(x * c + y * s + pu, cell, 2 * cell));
    const b = coverage(bandDistance(-x * s + y * c + pv, cell, 2 * cell));
    return a * b + (1 - a) * (1 - b);
  });
}

function circles(image: GreyImage, rng: Random, count = Math.floor(between(rng, 3, 12) * Math.sqrt((image.width * image.height) / 192 ** 2) + 1)): void {
  for (let i = 0; i < count; i++) {
    const [cx, cy, r] = [rng() * image.width, rng() * image.height, between(rng, 3, 40)];
    const ring = rng() < 0.4 ? between(rng, 1.2, 5) : 0;
    const value = rng();
    paint(image, value, [cx - r - 4, cy - r - 4, cx + r + 4, cy + r + 4], (x, y) => {
      const d = Math.hypot(x - cx, y - cy) - r;
      return coverage(ring ? Math.abs(d) - ring / 2 : d);
    });
  }
}

/** A stroke font on a 4 x 6 grid (y down): polylines split by '|', points "xy". */
const GLYPHS: Record<string, string> = {
  A: '06 20 46|13 33', B: '06 00 30 41 42 33 03|33 44 45 36 06', C: '41 30 10 01 05 16 36 45', D: '06 00 20 41 45 26 06',
  E: '40 00 06 46|03 33', F: '40 00 06|03 33', G: '41 30 10 01 05 16 36 45 43 23', H: '00 06|40 46|03 43',
  I: '10 30|20 26|16 36', J: '20 40 45 36 16 05', K: '00 06|40 03 46', L: '00 06 46', M: '06 00 23 40 46', N: '06 00 46 40',
  O: '10 30 41 45 36 16 05 01 10', P: '06 00 30 41 42 33 03', Q: '10 30 41 45 36 16 05 01 10|24 46', R: '06 00 30 41 42 33 03|23 46',
  S: '41 30 10 01 02 13 33 44 45 36 16 05', T: '00 40|20 26', U: '00 05 16 36 45 40', V: '00 26 40', W: '00 16 23 36 40',
  X: '00 46|40 06', Y: '00 23 40|23 26', Z: '00 40 06 46',
  0: '10 30 41 45 36 16 05 01 10|41 05', 1: '11 20 26|16 36', 2: '01 10 30 41 42 06 46', 3: '01 10 30 41 42 33 13|33 44 45 36 16 05',
  4: '36 30 04 44', 5: '40 00 03 33 44 45 36 06', 6: '41 30 10 01 05 16 36 45 44 33 03', 7: '00 40 16',
  8: '10 30 41 42 33 13 02 01 10|13 04 05 16 36 45 44 33', 9: '43 13 02 01 10 30 41 45 36 16 05',
};
const SEGMENTS: Record<string, number[][]> = Object.fromEntries(
  Object.entries(GLYPHS).map(([ch, spec]) => [
    ch,
    spec.split('|').flatMap((line) => {
      const pts = line.split(' ').map((p) => [Number(p[0]), Number(p[1])]);
      return pts.slice(1).map((p, i) => [pts[i][0], pts[i][1], p[0], p[1]]);
    }),
  ]),
);
const WORDS = ['WGNN', 'WEBGPU', 'PIXEL', 'SHARP', 'SUPER', 'RESOLUTION', 'IMAGE', 'KERNEL', 'NEURAL', 'TENSOR', 'ZOOM', 'DETAIL', 'QUICK', 'BROWN', 'FOX', 'JUMPS', 'OVER', 'LAZY', 'DOG', 'ESPCN', 'TRAIN', 'SHADER', 'GRID', 'MAKE', 'VIEW', '2025', '3X', '1080', '42'];

function segmentDistance(px: number, py: number, [ax, ay, bx, by]: number[]): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** One word at (x, y) (top left), `unit` pixels per font grid step, strokes `stroke` pixels wide. */
function word(image: GreyImage, text: string, x: number, y: number, unit: number, stroke: number, value: number): void {
  for (const [i, ch] of [...text].entries()) {
    const segments = SEGMENTS[ch];
    const ox = x + i * 5.6 * unit;
    if (!segments) continue;
    paint(image, value, [ox - stroke, y - stroke, ox + 4 * unit + stroke, y + 6 * unit + stroke], (px, py) => {
      const [gx, gy] = [(px - ox) / unit, (py - y) / unit];
      let d = Infinity;
      for (const s of segments) d = Math.min(d, segmentDistance(gx, gy, s));
      return coverage(d * unit - stroke / 2);
    });
  }
}

function text(image: GreyImage, rng: Random, background = true): void {
  const [bg, fg] = contrast(rng);
  if (background) paint(image, bg, whole(image), () => 1);
  const unit = between(rng, 1.6, 6);
  const stroke = Math.max(1.1, unit * between(rng, 0.35, 0.8));
  const lineHeight = 9 * unit;
  for (let top = -rng() * lineHeight; top < image.height; top += lineHeight * between(rng, 1, 1.3)) {
    let left = -rng() * 20 * unit;
    while (left < image.width) {
      const w = WORDS[Math.floor(rng() * WORDS.length)];
      word(image, w, left, top, unit, stroke, fg);
      left += (w.length * 5.6 + 4) * unit;
    }
  }
}

/** Smooth value noise: random levels on a lattice, smoothstep-interpolated, three octaves. */
function clouds(image: GreyImage, rng: Random): void {
  const base = between(rng, 12, 60);
  const octaves = [base, base / 2.7, base / 7];
  const weights = [0.6, 0.28, 0.12];
  const [lo, hi] = [between(rng, 0, 0.4), between(rng, 0.6, 1)];
  const field = new Float32Array(image.width * image.height);
  octaves.forEach((cell, k) => {
    const [cols, rows] = [Math.ceil(image.width / cell) + 2, Math.ceil(image.height / cell) + 2];
    const lattice = Float32Array.from({ length: cols * rows }, () => rng());
    const smooth = (t: number) => t * t * (3 - 2 * t);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const [gx, gy] = [(x + 0.5) / cell, (y + 0.5) / cell];
        const [ix, iy] = [Math.floor(gx), Math.floor(gy)];
        const [fx, fy] = [smooth(gx - ix), smooth(gy - iy)];
        const at = (i: number, j: number) => lattice[j * cols + i];
        const top = at(ix, iy) + fx * (at(ix + 1, iy) - at(ix, iy));
        const bottom = at(ix, iy + 1) + fx * (at(ix + 1, iy + 1) - at(ix, iy + 1));
        field[y * image.width + x] += weights[k] * (top + fy * (bottom - top));
      }
    }
  });
  image.data.set(field.map((v) => lo + (hi - lo) * v));
}

function mixed(image: GreyImage, rng: Random): void {
  clouds(image, rng);
  const [w, h] = [image.width, image.height];
  const x0 = rng() * w * 0.6;
  const y0 = rng() * h * 0.6;
  if (rng() < 0.7) stripes(image, rng, [x0, y0, x0 + between(rng, 0.25, 0.6) * w, y0 + between(rng, 0.25, 0.6) * h]);
  if (rng() < 0.7) circles(image, rng, Math.floor(between(rng, 1, 5)));
  if (rng() < 0.7) text(image, rng, false);
}

const PAINTERS: Record<TextureKind, (image: GreyImage, rng: Random) => void> = { stripes, checkers, circles: (i, r) => (clouds(i, r), circles(i, r)), text, clouds, mixed };

/** The picture of `kind` for `seed`, `width` x `height` pixels. */
export function generateTexture(kind: TextureKind, seed: number, width: number, height = width): GreyImage {
  const image = greyImage(width, height);
  PAINTERS[kind](image, seededRandom(seed * 7919 + TEXTURE_KINDS.indexOf(kind)));
  return image;
}
