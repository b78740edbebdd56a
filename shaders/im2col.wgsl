// im2col: unrolls the input patches of a chunk of output pixels into a matrix with one row per
// output pixel and one column per (ky, kx, ci) tap of a group, so that the convolution becomes
// a GEMM against the weights viewed as [KH*KW*CinG, Cout]:
//   cols[g, r, (ky*KW + kx)*CinG + ci] = x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, g*CinG + ci]
// where rowStart + r = (n*OH + oy)*OW + ox. Taps that fall in the padding read zero. Rows are
// stored rowLength long: where tapCols is not a multiple of 4 the plan rounds it up, so that the
// GEMM reads whole vec4s (against weights padded with zero rows), and the extra columns are zero
// (not some input value: 0 x Inf would be NaN).
// One invocation writes one element; consecutive invocations write consecutive channels.

struct Params {
  count: u32,     // groups * rows * rowLength
  rows: u32,      // output pixels in this chunk
  rowStart: u32,  // first output pixel of the chunk
  tapCols: u32,   // KH * KW * CinG
  rowLength: u32, // stored row length: tapCols, or tapCols rounded up to a multiple of 4
  H: u32,
  W: u32,
  Cin: u32,
  CinG: u32,
  OH: u32,
  OW: u32,
  KW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

override WG_SIZE: u32 = 256u;
// Elements per invocation: 4 where CinG is a multiple of 4, so that 4 consecutive channels of one
// tap share the index arithmetic (divisions are costly on CPU-like adapters; bench/NOTES.md).
override PER_INVOCATION: u32 = 1u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;           // [N, H, W, Cin]
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;  // [groups, rows, rowLength]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = (gid.x + gid.y * groups.x * WG_SIZE) * PER_INVOCATION;
  if (i >= params.count) { return; }
  let perGroup = params.rows * params.rowLength;
  let g = i / perGroup;
  let r = (i % perGroup) / params.rowLength;
  let col = i % params.rowLength;
  let ci = col % params.CinG;
  let tap = col / params.CinG;
  let kx = tap % params.KW;
  let ky = tap / params.KW;

  let pixel = params.rowStart + r;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  let iy = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
  let ix = i32(ox * params.strideW + kx * params.dilationW) - i32(params.padLeft);
  if (col < params.tapCols && iy >= 0 && iy < i32(params.H) && ix >= 0 && ix < i32(params.W)) {
    let src = ((n * params.H + u32(iy)) * params.W + u32(ix)) * params.Cin + g * params.CinG + ci;
    for (var c = 0u; c < PER_INVOCATION; c++) { cols[i + c] = x[src + c]; }
  } else {
    for (var c = 0u; c < PER_INVOCATION; c++) { cols[i + c] = 0.0; }
  }
}
