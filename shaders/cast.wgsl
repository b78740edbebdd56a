// Cast between float32 and int32 elementwise (ONNX Cast). Elements move as u32 bits and are
// converted by FROM_INT (the input holds i32) and TO (0 float32, 1 int32: truncated toward zero
// and saturated, 2 boolean: 1.0 where the value is nonzero, else 0.0; wgnn holds booleans as
// float 0 and 1).

struct Params {
  count: u32,
}

override FROM_INT: bool = false;
override TO: u32 = 0u;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<u32>;    // [count] f32 or i32 bits
@group(0) @binding(2) var<storage, read_write> out: array<u32>;  // [count] f32 or i32 bits

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let bits = x[i];
  if (FROM_INT) {
    let v = bitcast<i32>(bits);
    switch TO {
      case 0u: { out[i] = bitcast<u32>(f32(v)); }
      case 1u: { out[i] = bits; }
      default: { out[i] = bitcast<u32>(select(0.0, 1.0, v != 0)); }
    }
  } else {
    let v = bitcast<f32>(bits);
    switch TO {
      case 0u: { out[i] = bits; }
      case 1u: { out[i] = bitcast<u32>(i32(v)); }   // WGSL truncates toward zero and saturates
      default: { out[i] = bitcast<u32>(select(0.0, 1.0, v != 0.0)); }
    }
  }
}
