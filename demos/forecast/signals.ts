// The forecasting demo's signals, shared by the page and `npm run train:forecast` (pure TS, no DOM):
// three seeded families of noisy periodic series, the per-window normalization the model sees,
// and the two baselines it is measured against.
//
// A signal is a pure function of time: value(t) for any integer t, so the page can scroll forever
// and the script can cut windows anywhere. Each family draws its shape from its seed; the period
// and the noise level are parameters, so the page's sliders change them without redrawing the
// rest. Every family adds a slow "trend" (a sine hundreds of samples long: locally a ramp, never
// unbounded) and Gaussian noise whose samples depend only on (seed, t).

/** Past values the model reads, and future values it forecasts. */
export const LOOKBACK = 48;
export const HORIZON = 16;
/** The ranges the model was trained on (the page's sliders stay inside them). */
export const PERIODS = [6, 24] as const;
export const NOISES = [0, 0.3] as const;

export type Family = 'seasonal' | 'square' | 'damped';
export const FAMILIES: Family[] = ['seasonal', 'square', 'damped'];

export interface SignalSpec {
  family: Family;
  /** Samples per cycle of the main oscillation. */
  period: number;
  /** The noise's standard deviation, against a main oscillation of amplitude 1. */
  noise: number;
  seed: number;
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample that depends only on (seed, t): Box-Muller on two hashed uniforms. */
function gaussianAt(seed: number, t: number): number {
  const next = random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(t | 0, 0xc2b2ae35));
  next();
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

const TAU = 2 * Math.PI;

/** The noiseless shape of a family at time t, for a period; drawn once per seed. */
function shape(spec: SignalSpec): (t: number, period: number) => number {
  const rng = random(spec.seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng();
  const phase = uniform(0, TAU);
  if (spec.family === 'seasonal') {
    // The main sine and 0-2 faster ones (periods 0.25-0.6 of the main one) of smaller amplitude.
    const extra = Array.from({ length: Math.floor(uniform(0, 3)) }, () => ({ ratio: uniform(0.25, 0.6), amplitude: uniform(0.2, 0.6), phase: uniform(0, TAU) }));
    return (t, p) => Math.sin((TAU * t) / p + phase) + extra.reduce((s, e) => s + e.amplitude * Math.sin((TAU * t) / (p * e.ratio) + e.phase), 0);
  }
  if (spec.family === 'square') {
    // A square-ish wave: tanh of a shifted sine (the shift sets the duty cycle, the gain the edges).
    const [gain, duty] = [uniform(2, 8), uniform(-0.4, 0.4)];
    return (t, p) => Math.tanh(gain * (Math.sin((TAU * t) / p + phase) + duty)) / Math.tanh(gain);
  }
  // Damped ringing, struck again every 1.5-2.5 periods: a decaying sine restarted at each strike.
  const [every, decay, offset] = [uniform(1.5, 2.5), uniform(0.4, 1), uniform(0, 1)];
  return (t, p) => {
    const interval = Math.round(every * p);
    const since = (((t + Math.round(offset * interval)) % interval) + interval) % interval;
    return 1.6 * Math.exp(-since / (decay * p)) * Math.sin((TAU * since) / p);
  };
}

/** The signal as a function of time. */
export function signal(spec: SignalSpec): (t: number) => number {
  const base = shape(spec);
  const rng = random(spec.seed ^ 0x5bd1e995);
  const [trendAmplitude, trendPeriod, trendPhase] = [1.5 * rng(), 400 + 600 * rng(), TAU * rng()];
  return (t) => base(t, spec.period) + trendAmplitude * Math.sin((TAU * t) / trendPeriod + trendPhase) + spec.noise * gaussianAt(spec.seed, t);
}

/** `length` values of the signal from time `start`. */
export function sample(spec: SignalSpec, start: number, length: number): Float32Array {
  const f = signal(spec);
  return Float32Array.from({ length }, (_, i) => f(start + i));
}

/** A spec drawn over the training ranges: any family, period and noise level. */
export function randomSpec(rng: () => number): SignalSpec {
  return {
    family: FAMILIES[Math.floor(rng() * FAMILIES.length)],
    period: PERIODS[0] + (PERIODS[1] - PERIODS[0]) * rng(),
    noise: NOISES[0] + (NOISES[1] - NOISES[0]) * rng(),
    seed: Math.floor(rng() * 2 ** 31),
  };
}

/**
 * The model sees each window z-scored by its own past values' mean and spread, so it never
 * depends on the signal's level or scale; forecasts are mapped back with the same two numbers.
 * The spread has a floor so that a nearly flat window is not blown up into noise.
 */
export function normalization(history: ArrayLike<number>): { mean: number; scale: number } {
  let mean = 0;
  for (let i = 0; i < history.length; i++) mean += history[i];
  mean /= history.length;
  let variance = 0;
  for (let i = 0; i < history.length; i++) variance += (history[i] - mean) ** 2;
  return { mean, scale: Math.max(Math.sqrt(variance / history.length), 0.05) };
}

export const normalize = (values: ArrayLike<number>, { mean, scale }: { mean: number; scale: number }) => Float32Array.from(values, (v) => (v - mean) / scale);
export const denormalize = (values: ArrayLike<number>, { mean, scale }: { mean: number; scale: number }) => Float32Array.from(values, (v) => v * scale + mean);

/** The naive forecast: the last value, held. */
export const lastValueForecast = (history: ArrayLike<number>, horizon = HORIZON) => new Float32Array(horizon).fill(history[history.length - 1]);

/** The seasonal-naive forecast: the value one (rounded) period earlier, repeated. */
export function seasonalNaiveForecast(history: ArrayLike<number>, period: number, horizon = HORIZON): Float32Array {
  const p = Math.max(1, Math.round(period));
  return Float32Array.from({ length: horizon }, (_, h) => history[history.length - p + (h % p)]);
}

export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

/** A window of one signal: the past LOOKBACK values and the next HORIZON ones. */
export function window(spec: SignalSpec, start: number): { history: Float32Array; truth: Float32Array } {
  const values = sample(spec, start, LOOKBACK + HORIZON);
  return { history: values.subarray(0, LOOKBACK), truth: values.subarray(LOOKBACK) };
}

/**
 * `count` normalized training pairs, each from its own random signal at a random time: x is
 * [count, LOOKBACK, 1], y [count, HORIZON] (the future in the window's normalized units), plus the
 * specs and raw windows for the baselines.
 */
export function dataset(count: number, seed: number) {
  const rng = random(seed);
  const x = new Float32Array(count * LOOKBACK);
  const y = new Float32Array(count * HORIZON);
  const items: { spec: SignalSpec; history: Float32Array; truth: Float32Array }[] = [];
  for (let i = 0; i < count; i++) {
    const spec = randomSpec(rng);
    const { history, truth } = window(spec, Math.floor(rng() * 5000));
    const norm = normalization(history);
    x.set(normalize(history, norm), i * LOOKBACK);
    y.set(normalize(truth, norm), i * HORIZON);
    items.push({ spec, history, truth });
  }
  return { x, y, items };
}
