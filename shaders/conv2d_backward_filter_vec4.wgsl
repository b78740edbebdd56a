// Filter gradient of a grouped convolution, read in vec4s: per group, the GEMM
//   dw[m, co] = sum_{k} patch[k, m] * dy[k, co],   m = (kh*KW + kw)*CinG + ci,  k = (n, oh, ow)
// with the im2col matrix `patch` never stored: row k of it is the input pixel that output pixel k
// read through tap (kh, kw). Each invocation owns a 16x8 register block of dw (16 filter rows:
// four quads of 4 input channels of one tap each; 8 output channels: two quads) and walks the
// output pixels of its share of K, doing a rank-1 update per pixel: 4 x loads + 2 dy loads for
// 128 multiply-adds, no barriers and no shared memory (SwiftShader behaves like a CPU). Needs
// channels per group in and out multiples of 4, so 4 consecutive rows are one NHWC vec4 of x.
// Every dw element is owned by one invocation (a gather, no atomics); with `splits` > 1 each
// split of the output rows (n, oh) writes its partial block, and a second pass sums them in order.
//   dw[kh, kw, ci, g*CoutG + c] = sum_{n, oh, ow} x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*CinG + ci]
//                                              * dy[n, oh, ow, g*CoutG + c]

struct Params {
  count: u32,        // invocations: splits * groups * rowTiles * colTiles
  colTiles: u32,     // ceil(CoutG / 8)
  rowTiles: u32,     // ceil(M / 16)
  groups: u32,
  M: u32,            // filter rows per group: KH * KW * CinG (a multiple of 4)
  CinG: u32,         // input channels per group (a multiple of 4)
  Cin: u32,
  CoutG: u32,        // output channels per group (a multiple of 4)
  Cout: u32,
  H: u32,
  W: u32,
  OH: u32,
  OW: u32,
  KW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
  rows: u32,          // output rows N * OH: the K loop runs over rows, then columns
  rowsPerSplit: u32,
  splitStride: u32,   // vec4s of one split's partial dw: M * Cout / 4
}

override WG_SIZE: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;    // [N, H, W, Cin / 4]
@group(0) @binding(2) var<storage, read_write> dy: array<vec4<f32>>;   // [N, OH, OW, Cout / 4]
@group(0) @binding(3) var<storage, read_write> dw: array<vec4<f32>>;   // [splits, KH, KW, CinG, Cout / 4]

// dy's 4 channels times each of a's 4 input channels: column i is filter row i's update.
fn outer(d: vec4<f32>, a: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(d * a.x, d * a.y, d * a.z, d * a.w);
}

// The x vec4 a row quad reads at pixel index `at`, zero where the tap falls in the padding.
fn load(at: u32, inside: bool) -> vec4<f32> {
  return select(vec4<f32>(0.0), x[select(0u, at, inside)], inside);
}

// Writes column i of c (filter row m0 + i, channels of quad q) for the rows inside the filter.
fn store(c: mat4x4<f32>, base: u32, m0: u32, q: u32) {
  let cout4 = params.Cout / 4u;
  for (var i = 0u; i < 4u; i++) {
    if (m0 + i < params.M) { dw[base + (m0 + i) * cout4 + q] = c[i]; }
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) wgs: vec3<u32>) {
  let i = gid.x + gid.y * wgs.x * WG_SIZE;
  if (i >= params.count) { return; }
  let n0 = (i % params.colTiles) * 8u;
  let m0 = ((i / params.colTiles) % params.rowTiles) * 16u;
  let g = (i / (params.colTiles * params.rowTiles)) % params.groups;
  let split = i / (params.colTiles * params.rowTiles * params.groups);

  // The four row quads (the last ones clamped onto the filter's last quad): tap offsets and channel.
  let m = min(vec4<u32>(m0) + vec4<u32>(0u, 4u, 8u, 12u), vec4<u32>(params.M - 4u));
  let tap = m / params.CinG;
  let offY = vec4<i32>((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = vec4<i32>((tap % params.KW) * params.dilationW) - i32(params.padLeft);
  let cin4 = params.Cin / 4u;
  let chan4 = (vec4<u32>(g * params.CinG) + m % params.CinG) / 4u;
  // Output-channel quads (the second clamped onto the group's last one; it is not stored then).
  let cout4 = params.Cout / 4u;
  let q0 = (g * params.CoutG + n0) / 4u;
  let q1 = (g * params.CoutG + min(n0 + 4u, params.CoutG - 4u)) / 4u;

  // Columns ow where each row quad's tap lands inside the image: [owLo, owHi) (the same on every row).
  let strideW = i32(params.strideW);
  let owLo = max(vec4<i32>(0), (vec4<i32>(strideW - 1) - offX) / strideW);
  let owHi = (vec4<i32>(i32(params.W) + strideW - 1) - offX) / strideW;
  let atStep = vec4<i32>(strideW * i32(cin4));

  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>();
  var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  var c20 = mat4x4<f32>(); var c21 = mat4x4<f32>();
  var c30 = mat4x4<f32>(); var c31 = mat4x4<f32>();
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let oh = r % params.OH;
    let iy = vec4<i32>(i32(oh * params.strideH)) + offY;
    let rowInside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H)));
    if (!any(rowInside)) { continue; }
    // Where each quad reads at ow = 0 (possibly left of the image), then one stride of pixels per column.
    let rowStart = vec4<i32>(i32((r / params.OH) * params.H)) + max(iy, vec4<i32>(0));
    var at = (rowStart * i32(params.W) + offX) * i32(cin4) + vec4<i32>(chan4);
    var dyAt = r * params.OW * cout4;
    for (var ow = 0; ow < i32(params.OW); ow++) {
      let inside = rowInside & (vec4<i32>(ow) >= owLo) & (vec4<i32>(ow) < owHi);
      let d0 = dy[dyAt + q0];
      let d1 = dy[dyAt + q1];
      dyAt += cout4;
      let a0 = load(u32(at.x), inside.x);
      c00 += outer(d0, a0); c01 += outer(d1, a0);
      let a1 = load(u32(at.y), inside.y);
      c10 += outer(d0, a1); c11 += outer(d1, a1);
      let a2 = load(u32(at.z), inside.z);
      c20 += outer(d0, a2); c21 += outer(d1, a2);
      let a3 = load(u32(at.w), inside.w);
      c30 += outer(d0, a3); c31 += outer(d1, a3);
      at += atStep;
    }
  }

  let base = split * params.splitStride;
  let hasSecond = n0 + 4u < params.CoutG;
  store(c00, base, m0, q0); store(c10, base, m0 + 4u, q0); store(c20, base, m0 + 8u, q0); store(c30, base, m0 + 12u, q0);
  if (hasSecond) {
    store(c01, base, m0, q1); store(c11, base, m0 + 4u, q1); store(c21, base, m0 + 8u, q1); store(c31, base, m0 + 12u, q1);
  }
}
