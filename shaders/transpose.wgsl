// Transpose (permute axes) up to rank 8: out[idx] = x[sum_d idx_d * inStrides[perm[d]]]. The TS
// side passes, for each output axis d, its size and the input stride of the axis it came from,
// so the kernel only peels the output index and sums.

struct Params {
  count: u32,
  shapeLo: vec4<u32>,    // output dims 0..3 of the rank-8 padded shape
  shapeHi: vec4<u32>,    // output dims 4..7
  stridesLo: vec4<u32>,  // input stride of the axis that output dim d reads
  stridesHi: vec4<u32>,
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;    // the input, row-major
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [shape], row-major

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  var rest = i;
  var source = 0u;
  for (var d = 3; d >= 0; d--) {
    source += (rest % params.shapeHi[d]) * params.stridesHi[d];
    rest = rest / params.shapeHi[d];
  }
  for (var d = 3; d >= 0; d--) {
    source += (rest % params.shapeLo[d]) * params.stridesLo[d];
    rest = rest / params.shapeLo[d];
  }
  out[i] = x[source];
}
