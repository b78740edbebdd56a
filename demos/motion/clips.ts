// Clips of a moving shape, generated from a seed: the training script (demos/training/motion.ts)
// and the page (demos/motion/) both draw their frames here, so the page shows the model exactly
// the kind of clip it was trained on. Pure TypeScript, no DOM.
//
// A frame is SIZE x SIZE grey levels in [0, 1] (row-major, y down). One shape (disc, square,
// triangle) moves in a straight line in one of eight compass directions, or stands still; static
// distractor shapes and per-pixel noise are the clutter. The frame is a torus: a shape leaving
// one edge comes back at the opposite one, so a scene can play for ever and every window of T
// frames the page classifies looks like a training clip (training starts clips anywhere, so many
// of them wrap too). Shapes are drawn with soft edges (coverage from a signed distance), so
// sub-pixel motion shows.

export const SIZE = 24;
/** Frames the model sees at once. */
export const T = 8;

/** The classes, in the model's output order: eight directions counter-clockwise from right (y up, as on a map), then still. */
export const CLASSES = ['right', 'up-right', 'up', 'up-left', 'left', 'down-left', 'down', 'down-right', 'still'] as const;
export type Motion = (typeof CLASSES)[number];
export const STILL = CLASSES.indexOf('still');

export const SHAPES = ['disc', 'square', 'triangle'] as const;
export type Shape = (typeof SHAPES)[number];

/** The ranges training clips are drawn from (the page's controls span the same). */
export const RANGES = {
  /** Pixels per frame of a moving shape. */
  speed: [0.6, 3] as const,
  /** Standard deviation of the per-pixel noise. */
  noise: [0, 0.25] as const,
  /** Static distractor shapes. */
  distractors: [0, 2] as const,
  radius: [3, 5] as const,
  /** Degrees a direction may be off its compass point. */
  jitter: 12,
};

export interface Sprite {
  shape: Shape;
  x: number;
  y: number;
  radius: number;
  brightness: number;
}

/** Mulberry32: a small, fast seeded generator (the same stream in Node and the browser). */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<V>(values: readonly V[]): V {
    return values[Math.floor(this.next() * values.length)];
  }
  gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Pixels per frame (dx, dy) for a class at `speed`, turned `jitterDeg` off its compass point. */
export function velocity(motion: number, speed: number, jitterDeg = 0): [number, number] {
  if (motion === STILL) return [0, 0];
  const angle = ((motion * 45 + jitterDeg) * Math.PI) / 180;
  return [speed * Math.cos(angle), -speed * Math.sin(angle)];
}

/** The class of a displacement (y down): the nearest compass point, or still when it is under `still` pixels. */
export function motionOf(dx: number, dy: number, still = 0.5): number {
  if (Math.hypot(dx, dy) < still) return STILL;
  return ((Math.round(Math.atan2(-dy, dx) / (Math.PI / 4)) % 8) + 8) % 8;
}

/** Signed distance from (px, py) to a shape centred at the origin (negative inside), y down. */
function signedDistance(shape: Shape, px: number, py: number, r: number): number {
  if (shape === 'disc') return Math.hypot(px, py) - r;
  if (shape === 'square') {
    const h = 0.85 * r; // about the disc's area
    const [qx, qy] = [Math.abs(px) - h, Math.abs(py) - h];
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
  }
  // Equilateral triangle pointing up, circumradius 1.25 r (Inigo Quilez's exact distance).
  const k = Math.sqrt(3);
  const half = (1.25 * r * k) / 2;
  let x = Math.abs(px) - half;
  let y = -py + half / k;
  if (x + k * y > 0) [x, y] = [(x - k * y) / 2, (-k * x - y) / 2];
  x -= Math.min(Math.max(x, -2 * half), 0);
  return -Math.hypot(x, y) * Math.sign(y);
}

/** The shortest offset from a to b on a ring of SIZE pixels. */
const wrap = (d: number) => d - SIZE * Math.round(d / SIZE);

/**
 * Renders one frame into `out` (SIZE*SIZE values): a background of `background`, the sprites
 * (the brightest wins where they overlap), then gaussian noise of `noise` from `rng`, clamped to [0, 1].
 */
export function renderFrame(out: Float32Array, sprites: Sprite[], noise: number, rng: Rng, background = 0.1): Float32Array {
  out.fill(background, 0, SIZE * SIZE);
  for (const s of sprites) {
    // Only the pixels near the sprite (its bounding square, wrapped round the torus) can be covered.
    const reach = Math.ceil(1.25 * s.radius + 1);
    for (let dy = -reach; dy <= reach; dy++) {
      const row = (((Math.floor(s.y) + dy) % SIZE) + SIZE) % SIZE;
      for (let dx = -reach; dx <= reach; dx++) {
        const col = (((Math.floor(s.x) + dx) % SIZE) + SIZE) % SIZE;
        const coverage = Math.min(Math.max(0.5 - signedDistance(s.shape, wrap(col + 0.5 - s.x), wrap(row + 0.5 - s.y), s.radius), 0), 1);
        const i = row * SIZE + col;
        out[i] = Math.max(out[i], background + coverage * (s.brightness - background));
      }
    }
  }
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = noise > 0 ? out[i] + noise * rng.gaussian() : out[i];
    out[i] = Math.min(Math.max(v, 0), 1);
  }
  return out;
}

export interface SceneOptions {
  shape: Shape;
  /** A class index (CLASSES). */
  motion: number;
  speed: number;
  noise: number;
  distractors: number;
  /** Degrees off the compass point. */
  jitter?: number;
}

/**
 * A scene that plays for ever: a moving sprite (position wrapping round the torus) and static
 * distractors. Changing `options` between frames steers it (the page's controls do that).
 */
export class Scene {
  readonly sprite: Sprite;
  distractors: Sprite[] = [];

  constructor(
    public options: SceneOptions,
    private readonly rng: Rng,
  ) {
    this.sprite = { shape: options.shape, x: rng.uniform(0, SIZE), y: rng.uniform(0, SIZE), radius: rng.uniform(...RANGES.radius), brightness: rng.uniform(0.65, 1) };
    this.scatter(options.distractors);
  }

  /** Places `count` distractors anywhere (they may overlap the moving shape's path, as in training). */
  scatter(count: number): void {
    this.distractors = Array.from({ length: count }, () => ({
      shape: this.rng.pick(SHAPES),
      x: this.rng.uniform(0, SIZE),
      y: this.rng.uniform(0, SIZE),
      radius: this.rng.uniform(2, 4),
      brightness: this.rng.uniform(0.35, 0.8),
    }));
  }

  /** The next frame: draws the scene as it is, then moves the sprite one frame on. */
  next(out = new Float32Array(SIZE * SIZE)): Float32Array {
    const o = this.options;
    if (this.distractors.length !== o.distractors) this.scatter(o.distractors);
    this.sprite.shape = o.shape;
    renderFrame(out, [...this.distractors, this.sprite], o.noise, this.rng);
    const [dx, dy] = velocity(o.motion, o.speed, o.jitter ?? 0);
    this.sprite.x = (this.sprite.x + dx + SIZE) % SIZE;
    this.sprite.y = (this.sprite.y + dy + SIZE) % SIZE;
    return out;
  }
}

/** A random clip as training sees them: T frames and its class, everything drawn from `rng`. */
export function randomClip(rng: Rng, out = new Float32Array(T * SIZE * SIZE)): { frames: Float32Array; label: number } {
  const label = rng.int(0, CLASSES.length - 1);
  const scene = new Scene(
    {
      shape: rng.pick(SHAPES),
      motion: label,
      speed: rng.uniform(...RANGES.speed),
      noise: rng.uniform(...RANGES.noise),
      distractors: rng.int(...RANGES.distractors),
      jitter: rng.uniform(-RANGES.jitter, RANGES.jitter),
    },
    rng,
  );
  for (let t = 0; t < T; t++) scene.next(out.subarray(t * SIZE * SIZE, (t + 1) * SIZE * SIZE));
  return { frames: out, label };
}

/** `count` clips from `seed`: frames [count, T, SIZE, SIZE] (one channel) and labels. */
export function clipSet(seed: number, count: number): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(count * T * SIZE * SIZE);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) y[i] = randomClip(rng, x.subarray(i * T * SIZE * SIZE, (i + 1) * T * SIZE * SIZE)).label;
  return { x, y };
}

/**
 * A shape following a drawn path (points in frame pixels, in drawing order): the path resampled
 * every `speed` pixels of its length, at least T frames (a short path is spread over T). Noise and
 * distractors as in a scene. Returns the frames and the shape's position in each.
 */
export function pathFrames(points: { x: number; y: number }[], options: Omit<SceneOptions, 'motion' | 'jitter'>, rng: Rng): { frames: Float32Array[]; positions: { x: number; y: number }[] } {
  const lengths = [0];
  for (let i = 1; i < points.length; i++) lengths.push(lengths[i - 1] + Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y));
  const total = lengths.at(-1)!;
  const count = Math.max(T, Math.floor(total / options.speed) + 1);
  const scene = new Scene({ ...options, motion: STILL }, rng);
  const positions: { x: number; y: number }[] = [];
  let segment = 1;
  const frames = Array.from({ length: count }, (_, i) => {
    const at = count > 1 ? (total * i) / (count - 1) : 0;
    while (segment < points.length - 1 && lengths[segment] < at) segment++;
    const [from, to] = [Math.max(segment - 1, 0), Math.min(segment, points.length - 1)];
    const span = lengths[to] - lengths[from];
    const f = span > 0 ? (at - lengths[from]) / span : 0;
    const position = { x: points[from].x + f * (points[to].x - points[from].x), y: points[from].y + f * (points[to].y - points[from].y) };
    positions.push(position);
    Object.assign(scene.sprite, position);
    return scene.next();
  });
  return { frames, positions };
}
