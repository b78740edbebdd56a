// conv2d_backward_filter_vec4.wgsl with the input loads shared across quads (subgroups feature):
// the four invocations of a quad own side-by-side 16x8 blocks of dw (the same 16 filter rows,
// consecutive output-channel blocks), so per output pixel each loads the x vec4 of only one of the
// four row quads and takes the other three from its quad mates with quadSwapX / quadSwapY /
// quadSwapDiagonal: 1 x load + 2 dy loads per 128 multiply-adds instead of 4 + 2 (the design of
// conv2d_implicit_vec4_quad.wgsl for the forward).
//   dw[kh, kw, ci, g*CoutG + c] = sum_{n, oh, ow} x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, g*CinG + ci]
//                                              * dy[n, oh, ow, g*CoutG + c]
// Blocks follow from subgroup_id and subgroup_invocation_id; the workgroup size is a multiple of 4,
// every quad is full, no invocation returns early, and the loops' bounds come from the workgroup
// (z: group and split of K), so the quad operations run in uniform control flow. `count` is
// unused; quads past the filter's rows or channels load for their mates and store nothing.
// Same Params and bindings as conv2d_backward_filter_vec4.wgsl.
enable subgroups;

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
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(subgroup_id) subgroup: u32,
        @builtin(subgroup_size) subgroupSize: u32, @builtin(subgroup_invocation_id) lane: u32) {
  // This invocation's block: a quad takes 4 consecutive column blocks of one row block.
  let colQuads = (params.colTiles + 3u) / 4u;
  let quad = wg.x * (WG_SIZE / 4u) + (subgroup * subgroupSize + lane) / 4u;
  let q = lane % 4u;
  let rowTile = quad / colQuads;
  let m0 = min(rowTile, params.rowTiles - 1u) * 16u;
  let n0 = ((quad % colQuads) * 4u + q) * 8u;
  let g = wg.z % params.groups;
  let split = wg.z / params.groups;

  // The row quad this invocation loads (clamped onto the filter's last quad): its tap and channel.
  let m = min(m0 + 4u * q, params.M - 4u);
  let tap = m / params.CinG;
  let offY = i32((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = i32((tap % params.KW) * params.dilationW) - i32(params.padLeft);
  let cin4 = params.Cin / 4u;
  let chan4 = (g * params.CinG + m % params.CinG) / 4u;
  // Output-channel quads, clamped onto the group's last one (blocks past the group store nothing).
  let cout4 = params.Cout / 4u;
  let q0 = (g * params.CoutG + min(n0, params.CoutG - 4u)) / 4u;
  let q1 = (g * params.CoutG + min(n0 + 4u, params.CoutG - 4u)) / 4u;

  // Columns ow where the loaded quad's tap lands inside the image: [owLo, owHi) on every row.
  let strideW = i32(params.strideW);
  let owLo = max(0, (strideW - 1 - offX) / strideW);
  let owHi = (i32(params.W) + strideW - 1 - offX) / strideW;

  // c<s><column block>: filter rows of row quad q ^ s (s = 0: the quad this invocation loads).
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>();
  var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  var c20 = mat4x4<f32>(); var c21 = mat4x4<f32>();
  var c30 = mat4x4<f32>(); var c31 = mat4x4<f32>();
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let iy = i32((r % params.OH) * params.strideH) + offY;
    let rowInside = iy >= 0 && iy < i32(params.H);
    var at = ((i32((r / params.OH) * params.H) + max(iy, 0)) * i32(params.W) + offX) * i32(cin4) + i32(chan4);
    var dyAt = r * params.OW * cout4;
    for (var ow = 0; ow < i32(params.OW); ow++) {
      let d0 = dy[dyAt + q0];
      let d1 = dy[dyAt + q1];
      dyAt += cout4;
      let a0 = load(u32(at), rowInside && ow >= owLo && ow < owHi);
      at += strideW * i32(cin4);
      c00 += outer(d0, a0); c01 += outer(d1, a0);
      let a1 = quadSwapX(a0);
      c10 += outer(d0, a1); c11 += outer(d1, a1);
      let a2 = quadSwapY(a0);
      c20 += outer(d0, a2); c21 += outer(d1, a2);
      let a3 = quadSwapDiagonal(a0);
      c30 += outer(d0, a3); c31 += outer(d1, a3);
    }
  }

  if (rowTile >= params.rowTiles || n0 >= params.CoutG) { return; }
  let base = split * params.splitStride;
  store(c00, base, m0 + 4u * q, q0); store(c10, base, m0 + 4u * (q ^ 1u), q0);
  store(c20, base, m0 + 4u * (q ^ 2u), q0); store(c30, base, m0 + 4u * (q ^ 3u), q0);
  if (n0 + 4u < params.CoutG) {
    store(c01, base, m0 + 4u * q, q1); store(c11, base, m0 + 4u * (q ^ 1u), q1);
    store(c21, base, m0 + 4u * (q ^ 2u), q1); store(c31, base, m0 + 4u * (q ^ 3u), q1);
  }
}
