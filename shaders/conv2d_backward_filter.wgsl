// Filter gradient of a grouped convolution, any shape (scalar loads): per group, the GEMM
//   dw[m, co] = sum_{k} patch[k, m] * dy[k, co],   m = (kh*KW + kw)*CinG + ci,  k = (n, oh, ow)
// with the patch matrix gathered from x as it is read. Each invocation owns a 4x4 register block
// (4 filter rows, each its own tap and input channel; 4 output channels of the group) and walks
// the output pixels of its share of K: 4 x loads and 4 dy loads for 16 multiply-adds per pixel.
// The variant for channels per group that are not multiples of 4 (stems of 1 or 3 channels,
// channel multipliers > 1); conv2d_backward_filter_vec4.wgsl does the rest. Every dw element is
// owned by one invocation (no atomics); with `splits` > 1 each split of the output rows writes a
// partial, summed in order by a second pass.
//   dw[kh, kw, ci, g*CoutG + c] = sum_{n, oh, ow} x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*CinG + ci]
//                                              * dy[n, oh, ow, g*CoutG + c]

struct Params {
  count: u32,        // invocations: splits * groups * rowTiles * colTiles
  colTiles: u32,     // ceil(CoutG / 4)
  rowTiles: u32,     // ceil(M / 4)
  groups: u32,
  M: u32,            // filter rows per group: KH * KW * CinG
  CinG: u32,
  Cin: u32,
  CoutG: u32,
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
  splitStride: u32,   // floats of one split's partial dw: M * Cout
}

override WG_SIZE: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;    // [N, H, W, Cin]
@group(0) @binding(2) var<storage, read_write> dy: array<f32>;   // [N, OH, OW, Cout]
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;   // [splits, KH, KW, CinG, Cout]

fn load(at: u32, inside: bool) -> f32 {
  return select(0.0, x[select(0u, at, inside)], inside);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) wgs: vec3<u32>) {
  let i = gid.x + gid.y * wgs.x * WG_SIZE;
  if (i >= params.count) { return; }
  let n0 = (i % params.colTiles) * 4u;
  let m0 = ((i / params.colTiles) % params.rowTiles) * 4u;
  let g = (i / (params.colTiles * params.rowTiles)) % params.groups;
  let split = i / (params.colTiles * params.rowTiles * params.groups);

  // The four filter rows (clamped onto the last one): tap offsets and absolute input channel.
  let m = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let tap = m / params.CinG;
  let offY = vec4<i32>((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = vec4<i32>((tap % params.KW) * params.dilationW) - i32(params.padLeft);
  let chan = vec4<u32>(g * params.CinG) + m % params.CinG;
  // The four output channels (clamped onto the group's last one).
  let co = vec4<u32>(g * params.CoutG) + min(vec4<u32>(n0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.CoutG - 1u));

  // Column j of c: filter row m0 + j over the 4 output channels.
  var c = mat4x4<f32>();
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let oh = r % params.OH;
    let iy = vec4<i32>(i32(oh * params.strideH)) + offY;
    let rowInside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H)));
    if (!any(rowInside)) { continue; }
    let rowBase = (vec4<u32>((r / params.OH) * params.H) + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W;
    var dyAt = r * params.OW * params.Cout;
    for (var ow = 0u; ow < params.OW; ow++) {
      let ix = vec4<i32>(i32(ow * params.strideW)) + offX;
      let inside = rowInside & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      let at = (rowBase + vec4<u32>(max(ix, vec4<i32>(0)))) * params.Cin + chan;
      let d = vec4<f32>(dy[dyAt + co.x], dy[dyAt + co.y], dy[dyAt + co.z], dy[dyAt + co.w]);
      dyAt += params.Cout;
      c[0] += d * load(at.x, inside.x);
      c[1] += d * load(at.y, inside.y);
      c[2] += d * load(at.z, inside.z);
      c[3] += d * load(at.w, inside.w);
    }
  }

  let base = split * params.splitStride;
  for (var j = 0u; j < 4u; j++) {
    if (m0 + j >= params.M) { break; }
    for (var k = 0u; k < 4u; k++) {
      if (n0 + k < params.CoutG) { dw[base + (m0 + j) * params.Cout + co[k]] = c[j][k]; }
    }
  }
}
