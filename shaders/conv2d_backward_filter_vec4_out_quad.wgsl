// conv2d_backward_filter_vec4_out.wgsl with the input loads shared across quads (subgroups
// feature), for stems: a quad owns 16 filter rows x 16 output channels of dw; each invocation
// loads x at 4 of the rows and dy at one vec4 of channels per output pixel, and takes its mates'
// rows with quad swaps: 4 x loads and 1 dy load per 64 multiply-adds, where
// conv2d_backward_filter_vec4_out.wgsl makes 4 and 2 for 32.
//   dw[m, co] = sum_{k} patch[k, m] * dy[k, co],   m = (kh*KW + kw)*Cin + ci,  k = (n, oh, ow)
// Blocks follow from subgroup_id and subgroup_invocation_id; the workgroup size is a multiple of 4,
// every quad is full, no invocation returns early, and the loops' bounds come from the workgroup
// (z: the split of K), so the quad operations run in uniform control flow. `count`, `colTiles`
// and `rowTiles` are unused; quads past the filter's rows or channels load for their mates (clamped
// onto the last row and channel quad) and store nothing. Same Params and bindings as
// conv2d_backward_filter_vec4_out.wgsl.
enable subgroups;

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

// Column j: the channels of d times filter row j's input.
fn outer(d: vec4<f32>, v: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(d * v.x, d * v.y, d * v.z, d * v.w);
}

// Writes block c (column j = filter row m0 + j) at channel quad qc of one split's partial.
fn store(c: mat4x4<f32>, base: u32, m0: u32, qc: u32) {
  let quads = params.Cout / 4u;
  for (var j = 0u; j < 4u; j++) {
    if (m0 + j >= params.M) { return; }
    dw[base + (m0 + j) * quads + qc] = c[j];
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(subgroup_id) subgroup: u32,
        @builtin(subgroup_size) subgroupSize: u32, @builtin(subgroup_invocation_id) lane: u32) {
  // This invocation's quad: 16 filter rows x 4 channel quads; lane q takes channel quad q of them.
  let quads = params.Cout / 4u;
  let rowQuads = (params.M + 15u) / 16u;
  let colQuads = (quads + 3u) / 4u;
  let quad = wg.x * (WG_SIZE / 4u) + (subgroup * subgroupSize + lane) / 4u;
  let q = lane % 4u;
  let rowQuad = quad / colQuads;
  let m0 = min(rowQuad, rowQuads - 1u) * 16u;
  let qc = (quad % colQuads) * 4u + q;
  let qd = min(qc, quads - 1u);
  let split = wg.z;

  // The four filter rows this invocation loads (clamped onto the last one): taps and channels.
  let m = min(vec4<u32>(m0 + 4u * q) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let tap = m / params.Cin;
  let offY = vec4<i32>((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = vec4<i32>((tap % params.KW) * params.dilationW) - i32(params.padLeft);
  let chan = m % params.Cin;

  // c<s>: filter rows loaded by quad mate q ^ s (s = 0: this invocation's own).
  var c0 = mat4x4<f32>(); var c1 = mat4x4<f32>(); var c2 = mat4x4<f32>(); var c3 = mat4x4<f32>();
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let iy = vec4<i32>(i32((r % params.OH) * params.strideH)) + offY;
    let rowInside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H)));
    let rowBase = (vec4<u32>((r / params.OH) * params.H) + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W;
    var dyAt = r * params.OW * quads + qd;
    for (var ow = 0u; ow < params.OW; ow++) {
      let ix = vec4<i32>(i32(ow * params.strideW)) + offX;
      let inside = rowInside & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      let at = (rowBase + vec4<u32>(max(ix, vec4<i32>(0)))) * params.Cin + chan;
      let d = dy[dyAt];
      dyAt += quads;
      let v = vec4<f32>(load(at.x, inside.x), load(at.y, inside.y), load(at.z, inside.z), load(at.w, inside.w));
      c0 += outer(d, v);
      c1 += outer(d, quadSwapX(v));
      c2 += outer(d, quadSwapY(v));
      c3 += outer(d, quadSwapDiagonal(v));
    }
  }

  if (rowQuad >= rowQuads || qc >= quads) { return; }
  let base = split * params.splitStride;
  store(c0, base, m0 + 4u * q, qc); store(c1, base, m0 + 4u * (q ^ 1u), qc);
  store(c2, base, m0 + 4u * (q ^ 2u), qc); store(c3, base, m0 + 4u * (q ^ 3u), qc);
}
