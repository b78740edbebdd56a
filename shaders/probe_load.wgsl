// Roofline probe, load side: the adapter's rate of storage loads that hit the cache. Each
// invocation runs `iterations` trips of a loop holding 4 independent vec4 loads from a small
// buffer (a few hundred KiB: cache-resident, so this measures the load instruction, not DRAM),
// summed into 4 accumulators. On a GPU this rate is far above what the FMA and copy probes bound;
// on SwiftShader every load is a per-lane, bounds-checked gather and this rate is what limits
// matmul and the recurrent step (bench/NOTES.md).
//   vec4 loads per dispatch = invocations * iterations * 4

struct Params {
  iterations: u32,  // loop trips per invocation
  mask: u32,        // vec4 elements in src minus 1 (a power of two): indices wrap inside it
}

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> src: array<vec4<f32>>;  // [mask + 1]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;        // [invocations]: one sum each

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  var a0 = vec4<f32>(0.0);
  var a1 = a0;
  var a2 = a0;
  var a3 = a0;
  var j = i;
  for (var t = 0u; t < params.iterations; t++) {
    a0 += src[j & params.mask];
    a1 += src[(j + 64u) & params.mask];
    a2 += src[(j + 128u) & params.mask];
    a3 += src[(j + 192u) & params.mask];
    j += 256u;
  }
  let s = (a0 + a1) + (a2 + a3);
  out[i] = (s.x + s.y) + (s.z + s.w);
}
