// Dropout in training, and its backward (the same map applied to dY): y = keep ? x * scale : 0
// with scale = 1 / (1 - rate), as Keras's Dropout layer scales the kept inputs. The mask is not
// stored: keep is a pure function of (seed, step t, element index i), a counter-based hash
// (MurmurHash3's fmix32 over the step's stream key and the spread index), so the backward
// recomputes it. src/ops/dropout-train/hash.ts repeats these integer steps for the CPU reference;
// keep them identical. One invocation per element; t is read from the host-written 'step' buffer.

struct Params {
  count: u32,      // elements
  seed: u32,
  threshold: u32,  // ceil(rate * 2^32): keep iff bits >= threshold (bits / 2^32 >= rate)
  scale: f32,      // 1 / (1 - rate)
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;     // [count], any shape flattened
@group(0) @binding(2) var<storage, read_write> y: array<f32>;     // [count]
@group(0) @binding(3) var<storage, read_write> step: array<f32>;  // [lr, t, ...]: t = 1, 2, ... (exact in f32 up to 2^24)

fn mix32(value: u32) -> u32 {
  var h = value;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let stream = mix32(params.seed ^ (u32(step[1]) * 0x9e3779b9u));
  let bits = mix32(stream ^ (i * 0x85ebca77u));
  y[i] = select(0.0, x[i] * params.scale, bits >= params.threshold);
}
