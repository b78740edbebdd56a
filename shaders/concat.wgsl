// One input's share of a concatenation: copies x, viewed as [outer, len, inner], into the slice
// [axisStart, axisStart + len) of the output's concatenated axis (viewed as [outer, total, inner]).
// A concatenation of k inputs is k of these dispatches, one per input.

struct Params {
  count: u32,      // outer * len * inner
  len: u32,        // the input's size along the axis
  inner: u32,      // product of the dims after the axis
  total: u32,      // the output's size along the axis
  axisStart: u32,  // where this input starts along the output's axis
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [outer, len, inner]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [outer, total, inner]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let inner = i % params.inner;
  let k = (i / params.inner) % params.len;
  let outer = i / (params.inner * params.len);
  out[(outer * params.total + params.axisStart + k) * params.inner + inner] = x[i];
}
