// Second half of clipping gradients by norm: each parameter's scale from the sums of squares of
// clip_norm_sums.wgsl, as Keras 3's base optimizer computes it (keras/src/optimizers/base_optimizer.py):
//   per parameter (clipnorm):    scale = clip / max(norm, clip), norm = sqrt(sum of squares)
//   all together (global_clipnorm): norm = sqrt(sum over parameters), scale = clip * min(1 / norm, 1 / clip),
//                                   NaN where the norm is not finite (Keras adds norm - norm)
// The optimizer step multiplies each gradient by its parameter's scale. One invocation per
// parameter; in the global mode each adds all the sums in the same order, so all agree.

struct Params {
  segments: u32,
  clip: f32,
}

override GLOBAL: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sums: array<f32>;    // [segments] sums of squares
@group(0) @binding(2) var<storage, read_write> scales: array<f32>;  // [segments]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let s = gid.x + gid.y * groups.x * WG_SIZE;
  if (s >= params.segments) { return; }
  let clip = params.clip;
  if (GLOBAL) {
    var total = 0.0;
    for (var t = 0u; t < params.segments; t++) { total += sums[t]; }
    let norm = sqrt(total);
    // clip * min(1 / norm, 1 / clip) without dividing by a zero norm; a non-finite norm (all
    // exponent bits set: no fast-math assumption can drop the test) gives NaN (its bits with the
    // quiet bit set: WGSL rejects a NaN constant).
    var scale = 1.0;
    if (norm > clip) { scale = clip / norm; }
    let bits = bitcast<u32>(norm);
    if ((bits & 0x7f800000u) == 0x7f800000u) { scale = bitcast<f32>(bits | 0x00400000u); }
    scales[s] = scale;
  } else {
    scales[s] = clip / max(sqrt(sums[s]), clip);
  }
}
