// Where: out[idx] = condition[idx] != 0 ? x[idx] : y[idx], the three broadcast to the output
// (NumPy broadcasting, shapes right-aligned to rank 8 over two vec4s, stride 0 on broadcast
// axes). Booleans are float 0 and 1 inside wgnn; x and y are copied as u32 bits, so float32 and
// int32 values take the same pipeline.

struct Params {
  count: u32,
  shapeLo: vec4<u32>,     // output dims 0..3 of the rank-8 padded shape
  shapeHi: vec4<u32>,     // output dims 4..7
  cStridesLo: vec4<u32>,  // element strides of the condition, x and y per output axis
  cStridesHi: vec4<u32>,
  xStridesLo: vec4<u32>,
  xStridesHi: vec4<u32>,
  yStridesLo: vec4<u32>,
  yStridesHi: vec4<u32>,
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> condition: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;  // [count], row-major output shape

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  // Peel the output multi-index from the innermost axis outwards.
  var rest = i;
  var ic = 0u;
  var ix = 0u;
  var iy = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeHi[d];
    rest = rest / params.shapeHi[d];
    ic += coord * params.cStridesHi[d];
    ix += coord * params.xStridesHi[d];
    iy += coord * params.yStridesHi[d];
  }
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeLo[d];
    rest = rest / params.shapeLo[d];
    ic += coord * params.cStridesLo[d];
    ix += coord * params.xStridesLo[d];
    iy += coord * params.yStridesLo[d];
  }
  out[i] = select(y[iy], x[ix], condition[ic] != 0.0);
}
