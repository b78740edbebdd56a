// The counter-based hash behind dropout's mask: a pure function of (seed, step, element index),
// so the backward recomputes the forward's mask instead of saving it, and a training run gives the
// same masks on every backend. The integer steps are exactly those of shaders/dropout.wgsl (u32
// arithmetic: Math.imul and >>> 0 here, wrapping u32 multiplication there), so the CPU reference
// and the GPU keep the same elements bit for bit.
// mix32 is the 32-bit finalizer of MurmurHash3 (fmix32): every input bit flips each output bit
// with probability ~1/2. The step is mixed into a per-step stream key first, then each element's
// index (spread by an odd constant) into that key, so neither neighbouring elements nor
// neighbouring steps share structure.

/** Odd multipliers: the golden ratio 2^32 / phi, and xxHash's PRIME32_2. */
export const STEP_KEY = 0x9e3779b9;
export const INDEX_KEY = 0x85ebca77;

export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The u32 that decides element `index`'s fate at step `t` (keep iff bits / 2^32 >= rate). */
export function dropoutBits(seed: number, t: number, index: number): number {
  const stream = mix32(seed ^ Math.imul(t, STEP_KEY));
  return mix32(stream ^ Math.imul(index, INDEX_KEY));
}
