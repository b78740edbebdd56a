// Max and average pooling over 2-D windows, NHWC; one invocation per output element.
// Window of output (oy, ox): rows oy*sh - top + ky*dh, columns ox*sw - left + kx*dw.
// max: taps in the padding never win; the op rejects pads that would leave a window without an input tap.
// avg: the sum of the input taps divided by the number of input taps, or, with
// COUNT_INCLUDE_PAD, by the number of taps inside the padded input [-top, H + bottom), so taps
// that exist only because of ceil mode are never counted. A window with nothing to count gives 0.
// Elem is f32 here; the 'vec4' variant (src/ops/pool2d/op.ts) swaps in vec4<f32>, so that one
// invocation pools 4 channels (C and count are then in vec4s).

alias Elem = f32;

struct Params {
  count: u32,    // N * OH * OW * C, in Elems
  H: u32,
  W: u32,
  C: u32,        // channels, in Elems
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
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<Elem>;         // [N, H, W, C]
@group(0) @binding(2) var<storage, read_write> out: array<Elem>;  // [N, OH, OW, C]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let c = i % params.C;
  let pixel = i / params.C;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  let paddedH = i32(params.H + params.padBottom);
  let paddedW = i32(params.W + params.padRight);

  var best = Elem(-3.4028234663852886e38);  // lowest f32: padding never wins
  var sum = Elem(0.0);
  var inputTaps = 0u;
  var paddedTaps = 0u;
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
    for (var kx = 0u; kx < params.KW; kx++) {
      let ix = i32(ox * params.strideW + kx * params.dilationW) - i32(params.padLeft);
      if (iy < paddedH && ix < paddedW) { paddedTaps++; }
      if (iy < 0 || iy >= i32(params.H) || ix < 0 || ix >= i32(params.W)) { continue; }
      let v = x[((n * params.H + u32(iy)) * params.W + u32(ix)) * params.C + c];
      best = max(best, v);
      sum += v;
      inputTaps++;
    }
  }
  if (MAX) {
    out[i] = best;
  } else {
    let divisor = select(inputTaps, paddedTaps, COUNT_INCLUDE_PAD);
    out[i] = select(Elem(0.0), sum / f32(divisor), divisor > 0u);
  }
}
