// Filter gradient of a depthwise convolution with channel multiplier 1 (groups = Cin = Cout,
// weights [KH, KW, 1, C]), channels a multiple of 4. Each output channel only meets its own input
// channel, so a GEMM per group would be 1 wide; instead each invocation owns 4 taps x a quad of
// channels and walks the output pixels of its share of K: one dy vec4 and 4 x vec4 loads (one per
// tap) for 16 multiply-adds per pixel, neighbouring invocations reading neighbouring channels.
// Every dw element is owned by one invocation (no atomics); with `splits` > 1 each split of the
// output rows writes a partial, summed in order by a second pass.
//   dw[kh, kw, 0, c] = sum_{n, oh, ow} x[n, oh*sh - top + kh*dh, ow*sw - left + kw*dw, c] * dy[n, oh, ow, c]

struct Params {
  count: u32,        // invocations: splits * tapTiles * C4
  C4: u32,           // channel quads
  tapTiles: u32,     // ceil(KH * KW / 4)
  taps: u32,         // KH * KW
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
  splitStride: u32,   // vec4s of one split's partial dw: KH * KW * C4
}

override WG_SIZE: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;    // [N, H, W, C / 4]
@group(0) @binding(2) var<storage, read_write> dy: array<vec4<f32>>;   // [N, OH, OW, C / 4]
@group(0) @binding(3) var<storage, read_write> dw: array<vec4<f32>>;   // [splits, KH, KW, 1, C / 4]

fn load(at: u32, inside: bool) -> vec4<f32> {
  return select(vec4<f32>(0.0), x[select(0u, at, inside)], inside);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) wgs: vec3<u32>) {
  let i = gid.x + gid.y * wgs.x * WG_SIZE;
  if (i >= params.count) { return; }
  let c4 = i % params.C4;
  let t0 = ((i / params.C4) % params.tapTiles) * 4u;
  let split = i / (params.C4 * params.tapTiles);

  // The four taps (clamped onto the last one): their offsets from an output pixel's origin.
  let tap = min(vec4<u32>(t0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.taps - 1u));
  let offY = vec4<i32>((tap / params.KW) * params.dilationH) - i32(params.padTop);
  let offX = vec4<i32>((tap % params.KW) * params.dilationW) - i32(params.padLeft);

  // Column j of c: tap t0 + j over the 4 channels.
  var c = mat4x4<f32>();
  let rowEnd = min(params.rows, (split + 1u) * params.rowsPerSplit);
  for (var r = split * params.rowsPerSplit; r < rowEnd; r++) {
    let oh = r % params.OH;
    let iy = vec4<i32>(i32(oh * params.strideH)) + offY;
    let rowInside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H)));
    if (!any(rowInside)) { continue; }
    let rowBase = (vec4<u32>((r / params.OH) * params.H) + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W;
    var dyAt = r * params.OW * params.C4 + c4;
    for (var ow = 0u; ow < params.OW; ow++) {
      let ix = vec4<i32>(i32(ow * params.strideW)) + offX;
      let inside = rowInside & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      let at = (rowBase + vec4<u32>(max(ix, vec4<i32>(0)))) * params.C4 + vec4<u32>(c4);
      let d = dy[dyAt];
      dyAt += params.C4;
      c[0] += d * load(at.x, inside.x);
      c[1] += d * load(at.y, inside.y);
      c[2] += d * load(at.z, inside.z);
      c[3] += d * load(at.w, inside.w);
    }
  }

  let base = split * params.splitStride;
  for (var j = 0u; j < 4u; j++) {
    if (t0 + j < params.taps) { dw[base + (t0 + j) * params.C4 + c4] = c[j]; }
  }
}
