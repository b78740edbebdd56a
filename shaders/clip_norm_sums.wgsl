// First half of clipping gradients by norm: the sum of squares of each parameter's gradient.
// The gradients lie in one flat buffer ('grads'), parameter s at [bounds[s], bounds[s + 1]) (the
// zero padding between parameters adds nothing). One workgroup per parameter: each invocation
// strides through the segment, then a tree in workgroup memory adds the partial sums. The order
// of every addition is fixed, so the result is the same every run (no atomics).

struct Params {
  segments: u32,  // parameters (workgroups that have work)
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> bounds: array<i32>;  // [segments + 1] offsets into grads
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;   // the flat gradients
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;    // [segments] sums of squares

var<workgroup> partial: array<f32, WG_SIZE>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let s = wg.x + wg.y * groups.x;
  // Uniform per workgroup: a workgroup past the end skips the loop but still reaches the barriers.
  let working = s < params.segments;
  var sum = 0.0;
  if (working) {
    let end = u32(bounds[s + 1u]);
    for (var i = u32(bounds[s]) + lane; i < end; i += WG_SIZE) {
      let g = grads[i];
      sum = fma(g, g, sum);
    }
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var half = WG_SIZE / 2u; half > 0u; half /= 2u) {
    if (lane < half) { partial[lane] += partial[lane + half]; }
    workgroupBarrier();
  }
  if (working && lane == 0u) { sums[s] = partial[0]; }
}
