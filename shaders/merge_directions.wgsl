// Merges the two directions of a bidirectional recurrent layer elementwise:
//   out[row, j] = merge(y[row, 0, j], y[row, 1, j])   for row < rows (the T*B steps), j < H
// with merge = sum, product or average (the MERGE override, as Keras' merge_mode). The recurrent
// steps write both directions side by side (features concatenated); this pass runs after them.

struct Params {
  count: u32,   // rows * H
  H: u32,
}

override MERGE: u32 = 0u;   // 0 sum, 1 mul, 2 ave
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;          // [rows, 2, H]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [rows, H]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let row = i / params.H;
  let j = i % params.H;
  let a = y[2u * row * params.H + j];
  let b = y[(2u * row + 1u) * params.H + j];
  switch MERGE {
    case 1u: { out[i] = a * b; }
    case 2u: { out[i] = 0.5 * (a + b); }
    default: { out[i] = a + b; }
  }
}
