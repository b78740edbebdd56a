// The first pass of the max-pooling gradient (pool2d_backward.wgsl is the second): for each
// output window, which of its taps holds the maximum, recomputed from x as the forward
// (pool2d.wgsl) walks the window. One invocation per output element (n, oy, ox, c), or with VEC4
// per 4 consecutive channels (c..c+3), each lane choosing independently.
// The result is the tap's index in window order, ky * KW + kx. Ties go to the FIRST maximum in
// that order (a later tap must be strictly greater to win), as PyTorch, ONNX and TF choose.
// Padding is never a candidate; a window with no input tap gets NO_TAP and sends no gradient.

struct Params {
  count: u32,    // N * OH * OW * C / (4 with VEC4, else 1)
  H: u32,
  W: u32,
  C: u32,
  OH: u32,
  OW: u32,
  KH: u32,
  KW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

const NO_TAP = 0xffffffffu;

override VEC4: bool = false;  // 4 channels per invocation (C % 4 == 0): the index math is shared
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;       // [N, H, W, C]
@group(0) @binding(2) var<storage, read_write> argmax: array<u32>;  // [N, OH, OW, C] tap index or NO_TAP

/** x at element `at`: its 4 channels from `at` with VEC4, else the one value in every lane. */
fn load(at: u32) -> vec4<f32> {
  if (VEC4) { return vec4<f32>(x[at], x[at + 1u], x[at + 2u], x[at + 3u]); }
  return vec4<f32>(x[at]);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let lanes = select(1u, 4u, VEC4);
  let channelGroups = params.C / lanes;
  let c = (i % channelGroups) * lanes;
  let pixel = i / channelGroups;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);

  var best = vec4<f32>(0.0);
  var chosen = vec4<u32>(NO_TAP);
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
    if (iy < 0 || iy >= i32(params.H)) { continue; }
    for (var kx = 0u; kx < params.KW; kx++) {
      let ix = i32(ox * params.strideW + kx * params.dilationW) - i32(params.padLeft);
      if (ix < 0 || ix >= i32(params.W)) { continue; }
      let v = load(((n * params.H + u32(iy)) * params.W + u32(ix)) * params.C + c);
      let wins = (chosen == vec4<u32>(NO_TAP)) | (v > best);
      best = select(best, v, wins);
      chosen = select(chosen, vec4<u32>(ky * params.KW + kx), wins);
    }
  }
  let at = pixel * params.C + c;
  argmax[at] = chosen.x;
  if (VEC4) {
    argmax[at + 1u] = chosen.y;
    argmax[at + 2u] = chosen.z;
    argmax[at + 3u] = chosen.w;
  }
}
