// The gradient of 2-D max and average pooling, NHWC, as a gather: one invocation per dX element
// (n, iy, ix, c), or with VEC4 4 consecutive channels of one (c..c+3, sharing the index math),
// loops over the output windows that cover it and adds their dY; no atomics, and a fixed order
// (oy, then ox, ascending), so the result is deterministic.
// In padded coordinates (py = iy + top) window oy covers rows oy*sh + ky*dh, ky < KH, so the
// candidates are ceil((py - (KH-1)*dh) / sh) <= oy <= py / sh, and oy covers py when
// (py - oy*sh) is a multiple of dh; then ky = (py - oy*sh) / dh. Columns likewise.
// MAX: a window sends its dY here only if this is its chosen tap, ky * KW + kx, read from argmax
//   (pool2d_argmax.wgsl: the first maximum in window order).
// avg: each window sends dY / divisor, its divisor as the forward (pool2d.wgsl) counts it: the taps
//   on the input, or with COUNT_INCLUDE_PAD the taps inside the padded input [-top, H + bottom).
//   Windows are products of a row set and a column set, so the count is rows * columns.

struct Params {
  count: u32,    // N * H * W * C / (4 with VEC4, else 1)
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
  padBottom: u32,
  padRight: u32,
}

override MAX: bool = true;
override COUNT_INCLUDE_PAD: bool = false;
override VEC4: bool = false;  // 4 channels per invocation (C % 4 == 0): the index math is shared
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dy: array<f32>;      // [N, OH, OW, C]
@group(0) @binding(2) var<storage, read_write> argmax: array<u32>;  // [N, OH, OW, C] (MAX only)
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;      // [N, H, W, C]

/** The first window along an axis that can cover padded position p. */
fn firstWindow(p: u32, K: u32, stride: u32, dilation: u32) -> u32 {
  let reach = i32(p) - i32((K - 1u) * dilation);
  return select(0u, (u32(reach) + stride - 1u) / stride, reach > 0);
}

/** How many of a window's K taps along an axis, from padded position start, fall in [lo, hi). */
fn tapsIn(start: u32, K: u32, dilation: u32, lo: u32, hi: u32) -> u32 {
  var taps = 0u;
  for (var k = 0u; k < K; k++) {
    let p = start + k * dilation;
    if (p >= lo && p < hi) { taps++; }
  }
  return taps;
}

/** The dY of window o (its first channel) that tap `tap` receives: 4 channels with VEC4, else one in .x. */
fn received(o: u32, tap: u32, divisor: u32) -> vec4<f32> {
  if (VEC4) {
    let g = vec4<f32>(dy[o], dy[o + 1u], dy[o + 2u], dy[o + 3u]);
    if (MAX) { return select(vec4<f32>(0.0), g, vec4<u32>(argmax[o], argmax[o + 1u], argmax[o + 2u], argmax[o + 3u]) == vec4<u32>(tap)); }
    return g / f32(divisor);
  }
  if (MAX) { return vec4<f32>(select(0.0, dy[o], argmax[o] == tap), 0.0, 0.0, 0.0); }
  return vec4<f32>(dy[o] / f32(divisor), 0.0, 0.0, 0.0);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let lanes = select(1u, 4u, VEC4);
  let channelGroups = params.C / lanes;
  let c = (i % channelGroups) * lanes;
  let pixel = i / channelGroups;
  let px = pixel % params.W + params.padLeft;
  let py = (pixel / params.W) % params.H + params.padTop;
  let n = pixel / (params.W * params.H);
  // The counted span along each axis, in padded coordinates.
  let rowLo = select(params.padTop, 0u, COUNT_INCLUDE_PAD);
  let colLo = select(params.padLeft, 0u, COUNT_INCLUDE_PAD);
  let rowHi = params.padTop + params.H + select(0u, params.padBottom, COUNT_INCLUDE_PAD);
  let colHi = params.padLeft + params.W + select(0u, params.padRight, COUNT_INCLUDE_PAD);

  var sum = vec4<f32>(0.0);
  let oyEnd = min(params.OH, py / params.strideH + 1u);
  let oxEnd = min(params.OW, px / params.strideW + 1u);
  for (var oy = firstWindow(py, params.KH, params.strideH, params.dilationH); oy < oyEnd; oy++) {
    let offY = py - oy * params.strideH;
    if (offY % params.dilationH != 0u) { continue; }
    let ky = offY / params.dilationH;
    var rows = 0u;
    if (!MAX) { rows = tapsIn(oy * params.strideH, params.KH, params.dilationH, rowLo, rowHi); }
    for (var ox = firstWindow(px, params.KW, params.strideW, params.dilationW); ox < oxEnd; ox++) {
      let offX = px - ox * params.strideW;
      if (offX % params.dilationW != 0u) { continue; }
      var columns = 0u;
      if (!MAX) { columns = tapsIn(ox * params.strideW, params.KW, params.dilationW, colLo, colHi); }
      let o = ((n * params.OH + oy) * params.OW + ox) * params.C + c;
      sum += received(o, ky * params.KW + offX / params.dilationW, rows * columns);
    }
  }
  let at = pixel * params.C + c;
  dx[at] = sum.x;
  if (VEC4) {
    dx[at + 1u] = sum.y;
    dx[at + 2u] = sum.z;
    dx[at + 3u] = sum.w;
  }
}
