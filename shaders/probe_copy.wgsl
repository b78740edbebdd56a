// Roofline probe, memory side: the adapter's copy bandwidth. Each invocation copies PER_INVOCATION
// vec4s (16 bytes each) from src to dst, at a stride of one whole grid, so on every pass
// consecutive invocations touch consecutive vec4s (coalesced on GPUs, streaming on SwiftShader),
// and an invocation's fixed cost is spread over several copies (the usual form of a bandwidth
// kernel; on SwiftShader 1 to 32 copies per invocation measured the same within the noise).
// The buffers are sized well past any cache; each copy reads and writes every byte once:
//   bytes moved per dispatch = 2 * count * 16

struct Params {
  count: u32,    // vec4 elements to copy
  stride: u32,   // invocations in the grid: the distance between one invocation's elements
}

override WG_SIZE: u32 = 256u;
override PER_INVOCATION: u32 = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> src: array<vec4<f32>>;  // [count]
@group(0) @binding(2) var<storage, read_write> dst: array<vec4<f32>>;  // [count]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let first = gid.x + gid.y * groups.x * WG_SIZE;
  for (var j = 0u; j < PER_INVOCATION; j++) {
    let i = first + j * params.stride;
    if (i >= params.count) { return; }
    dst[i] = src[i];
  }
}
