// Filter gradient of a convolution of one group whose output channels are whole vec4s and whose
// input channels are not (stems of 1 to 3 channels): the GEMM of conv2d_backward_filter.wgsl,
//   dw[m, co] = sum_{k} patch[k, m] * dy[k, co],   m = (kh*KW + kw)*Cin + ci,  k = (n, oh, ow)
// with dy read as vec4s. Each invocation owns 4 filter rows (each its own tap and input channel)
// x 8 output channels (two vec4s) and walks the output pixels of its share of K: 4 x loads and 2
// dy loads for 32 multiply-adds per pixel, where the scalar kernel makes 4 and 4 for 16. Channels
// past Cout in the last block read the last vec4 of dy and are not stored. Every dw element is
// owned by one invocation (no atomics); with `splits` > 1 each split of the output rows writes a
// partial, summed in order by a second pass.

struct Params {
  count: u32,        // invocations: splits * groups * rowTiles * colTiles
  colTiles: u32,     // ceil(Cout / 8)
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
  splitStride: u32,   // vec4s of one split's partial dw: M * Cout / 4
}

override WG_SIZE: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [N, H, W, Cin]
@group(0) @binding(2) var<storage, read_write> dy: array<vec4<f32>>;   // [N, OH, OW, Cout / 4]
@group(0) @binding(3) var<storage, read_write> dw: array<vec4<f32>>;   // [splits, KH, KW, Cin, Cout / 4]

fn load(at: u32, inside: bool) -> f32 {
  return select(0.0, x[select(0u, at, inside)], inside);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) wgs: vec3<u32>) {
  let i = gid.x + gid.y * wgs.x * WG_SIZE;
  if (i >= params.count) { return; }
  let quads = params.Cout / 4u;
  let q0 = (i % params.colTiles) * 2u;
  let q1 = min(q0 + 1u, quads - 1u);          // past the last channel: the last vec4, not stored
  let m0 = ((i / params.colTiles) % params.rowTiles) * 4u;
  let split = i / (params.colTiles * params.rowTiles);

  // The four filter rows (clamped onto the last one): tap offsets and input channel.
  let m = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let tap = m / params.Cin;
  let offY = vec4<i32>((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = vec4<i32>((tap % params.KW) * params.dilationW) - i32(params.padLeft);
  let chan = m % params.Cin;

  // a[j]: filter row m0 + j over the channels of q0; b[j] over those of q1.
  var a0 = vec4<f32>(0.0); var a1 = a0; var a2 = a0; var a3 = a0;
  var b0 = vec4<f32>(0.0); var b1 = b0; var b2 = b0; var b3 = b0;
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let oh = r % params.OH;
    let iy = vec4<i32>(i32(oh * params.strideH)) + offY;
    let rowInside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H)));
    if (!any(rowInside)) { continue; }
    let rowBase = (vec4<u32>((r / params.OH) * params.H) + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W;
    var dyAt = r * params.OW * quads;
    for (var ow = 0u; ow < params.OW; ow++) {
      let ix = vec4<i32>(i32(ow * params.strideW)) + offX;
      let inside = rowInside & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      let at = (rowBase + vec4<u32>(max(ix, vec4<i32>(0)))) * params.Cin + chan;
      let d0 = dy[dyAt + q0];
      let d1 = dy[dyAt + q1];
      dyAt += quads;
      let v = vec4<f32>(load(at.x, inside.x), load(at.y, inside.y), load(at.z, inside.z), load(at.w, inside.w));
      a0 = fma(vec4<f32>(v.x), d0, a0); b0 = fma(vec4<f32>(v.x), d1, b0);
      a1 = fma(vec4<f32>(v.y), d0, a1); b1 = fma(vec4<f32>(v.y), d1, b1);
      a2 = fma(vec4<f32>(v.z), d0, a2); b2 = fma(vec4<f32>(v.z), d1, b2);
      a3 = fma(vec4<f32>(v.w), d0, a3); b3 = fma(vec4<f32>(v.w), d1, b3);
    }
  }

  let base = split * params.splitStride;
  let first = array<vec4<f32>, 4>(a0, a1, a2, a3);
  let second = array<vec4<f32>, 4>(b0, b1, b2, b3);
  for (var j = 0u; j < 4u; j++) {
    if (m0 + j >= params.M) { break; }
    let row = base + (m0 + j) * quads;
    dw[row + q0] = first[j];
    if (q0 + 1u < quads) { dw[row + q0 + 1u] = second[j]; }
  }
}
