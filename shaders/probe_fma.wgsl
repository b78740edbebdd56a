// Roofline probe, compute side: the adapter's peak float32 multiply-add rate. Each invocation
// runs `iterations` trips of a loop holding 8 independent scalar accumulators, each updated by
// one multiply-add per trip (16 FLOPs per trip), with no dependency between the 8 chains:
// enough independent work to hide FMA latency. Scalars, not vec4s: SwiftShader runs 4
// invocations per SIMD register, so 8 vec4 accumulators would need 32 registers and spill
// (measured: 2.3-2.9 GFLOP/s with 8 vec4s on a 2-core SwiftShader machine), while a GPU runs a
// vec4 as 4 scalar FMAs anyway. `a * m + c` is what the kernels write; GPU compilers contract it
// into one FMA. No memory traffic inside the loop; one store per invocation at the end keeps
// the compiler from removing the arithmetic.
//   FLOPs per dispatch = invocations * iterations * 16
// The multiplier is just below 1 and the addend tiny, so values stay finite for any trip count.

struct Params {
  iterations: u32,   // loop trips per invocation
  seed: f32,         // varies the start values; a runtime value the compiler cannot fold
}

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;  // [invocations]: one sum each

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  let s = params.seed + f32(i) * 1e-9;
  let m = 0.9999999;
  let c = 1e-7;
  var a0 = s;
  var a1 = s + 0.1;
  var a2 = s + 0.2;
  var a3 = s + 0.3;
  var a4 = s + 0.4;
  var a5 = s + 0.5;
  var a6 = s + 0.6;
  var a7 = s + 0.7;
  for (var t = 0u; t < params.iterations; t++) {
    a0 = a0 * m + c;
    a1 = a1 * m + c;
    a2 = a2 * m + c;
    a3 = a3 * m + c;
    a4 = a4 * m + c;
    a5 = a5 * m + c;
    a6 = a6 * m + c;
    a7 = a7 * m + c;
  }
  out[i] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}
