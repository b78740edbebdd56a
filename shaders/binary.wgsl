// Elementwise binary op with NumPy broadcasting: out[idx] = a[idx . aStrides] (op) b[idx . bStrides].
// Shapes are right-aligned to rank 8 and split over two vec4s; a broadcast axis has stride 0.
// The op is the OP override: 0 add, 1 sub, 2 mul, 3 div.

struct Params {
  count: u32,
  shapeLo: vec4<u32>,    // output dims 0..3 of the rank-8 padded shape
  shapeHi: vec4<u32>,    // output dims 4..7
  aStridesLo: vec4<u32>,
  aStridesHi: vec4<u32>,
  bStridesLo: vec4<u32>,
  bStridesHi: vec4<u32>,
}

override OP: u32 = 0u;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [count], row-major output shape

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    default: { return x + y; }
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  // Peel the output multi-index from the innermost axis outwards.
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeHi[d];
    rest = rest / params.shapeHi[d];
    ia += coord * params.aStridesHi[d];
    ib += coord * params.bStridesHi[d];
  }
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeLo[d];
    rest = rest / params.shapeLo[d];
    ia += coord * params.aStridesLo[d];
    ib += coord * params.bStridesLo[d];
  }
  out[i] = combine(a[ia], b[ib]);
}
