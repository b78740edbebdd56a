// Softmax / logSoftmax along one axis of a tensor viewed as [outer, len, inner].
// One invocation owns one (outer, inner) line and makes three passes over it: the maximum,
// the sum of exp(x - max), then the write. Subtracting the maximum keeps exp from overflowing.

struct Params {
  lines: u32,   // outer * inner
  len: u32,     // size of the softmax axis
  inner: u32,   // product of the dims after the axis (the stride of the axis)
}

override LOG: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [outer, len, inner]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [outer, len, inner]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let line = gid.x + gid.y * groups.x * WG_SIZE;
  if (line >= params.lines) { return; }
  let o = line / params.inner;
  let base = o * params.len * params.inner + line % params.inner;
  let stride = params.inner;

  var m = x[base];
  for (var k = 1u; k < params.len; k++) { m = max(m, x[base + k * stride]); }
  var sum = 0.0;
  for (var k = 0u; k < params.len; k++) { sum += exp(x[base + k * stride] - m); }
  let logSum = log(sum);
  for (var k = 0u; k < params.len; k++) {
    let shifted = x[base + k * stride] - m;
    out[base + k * stride] = select(exp(shifted) / sum, shifted - logSum, LOG);
  }
}
