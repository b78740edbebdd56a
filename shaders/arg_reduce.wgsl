// Arg max / arg min along one axis of a tensor viewed as [outer, len, inner]. One invocation
// owns one (outer, inner) line: it walks the axis once, keeping the best value and its position,
// and writes the position as an i32. A later value wins only when strictly better, or, with
// SELECT_LAST, also when equal. NaN wins over any number, as in NumPy: the first NaN (the last
// with SELECT_LAST) is the answer. NaN is recognised by its bit pattern, which no fast-math
// assumption can fold away.

struct Params {
  lines: u32,   // outer * inner
  len: u32,     // size of the axis (>= 1)
  inner: u32,   // product of the dims after the axis (the stride of the axis)
}

override ARG_MAX: bool = true;
override SELECT_LAST: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;    // [outer, len, inner]
@group(0) @binding(2) var<storage, read_write> out: array<i32>;  // [outer, inner]

fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

// Whether `v` replaces the current best `best`.
fn better(v: f32, best: f32) -> bool {
  if (isNan(best)) { return SELECT_LAST && isNan(v); }
  if (isNan(v)) { return true; }
  let strictly = select((v < best), (v > best), ARG_MAX);
  return strictly || (SELECT_LAST && v == best);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let line = gid.x + gid.y * groups.x * WG_SIZE;
  if (line >= params.lines) { return; }
  let base = (line / params.inner) * params.len * params.inner + line % params.inner;
  var best = x[base];
  var at = 0u;
  for (var k = 1u; k < params.len; k++) {
    let v = x[base + k * params.inner];
    if (better(v, best)) {
      best = v;
      at = k;
    }
  }
  out[line] = i32(at);
}
