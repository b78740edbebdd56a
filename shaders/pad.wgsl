// Pad, up to rank 8, with the ONNX modes: constant (value), reflect (mirror without repeating the
// edge) and edge (repeat the edge). Each output element maps its coordinates back into the input:
// c - begin, then reflected or clamped when it falls outside [0, size).

struct Params {
  count: u32,
  outLo: vec4<u32>,      // output dims of the rank-8 padded shape
  outHi: vec4<u32>,
  inLo: vec4<u32>,       // input dims
  inHi: vec4<u32>,
  beginLo: vec4<u32>,    // pads before each axis
  beginHi: vec4<u32>,
  value: f32,            // the constant of constant mode
}

override MODE: u32 = 0u;  // 0 constant, 1 reflect, 2 edge
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;    // [in shape]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [out shape]

/** Maps one output coordinate to an input coordinate, or -1 for constant padding. */
fn source(c: u32, begin: u32, size: u32) -> i32 {
  var s = i32(c) - i32(begin);
  let n = i32(size);
  if (s >= 0 && s < n) { return s; }
  if (MODE == 0u) { return -1; }
  if (MODE == 2u) { return clamp(s, 0, n - 1); }
  // reflect: period 2(n-1); a single element reflects onto itself.
  if (n == 1) { return 0; }
  let period = 2 * (n - 1);
  s = ((s % period) + period) % period;
  return select(s, period - s, s >= n);
}

struct Walk {
  rest: u32,
  offset: u32,
  stride: u32,
  inside: bool,
}

/** Peels one axis off the output index and adds its input offset. */
fn step(w: Walk, outSize: u32, inSize: u32, begin: u32) -> Walk {
  let s = source(w.rest % outSize, begin, inSize);
  return Walk(w.rest / outSize, w.offset + u32(max(s, 0)) * w.stride, w.stride * inSize, w.inside && s >= 0);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  var w = Walk(i, 0u, 1u, true);
  for (var d = 3; d >= 0; d--) { w = step(w, params.outHi[d], params.inHi[d], params.beginHi[d]); }
  for (var d = 3; d >= 0; d--) { w = step(w, params.outLo[d], params.inLo[d], params.beginLo[d]); }
  out[i] = select(params.value, x[w.offset], w.inside);
}
