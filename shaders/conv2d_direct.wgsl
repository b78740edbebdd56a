// Direct convolution: the depthwise kernel. For depthwise convolutions (groups = Cin) a GEMM would
// have only channel-multiplier columns per group; here each output sums its KH*KW taps (times
// CinG, which is 1 for depthwise) directly. An invocation computes 4 consecutive output channels
// of one pixel, so the pixel's index math and padding tests are shared by the 4, and neighbouring
// invocations read neighbouring channels of x and w.
//   out[n, oy, ox, co] = activate(bias[co] + sum_{ky, kx, ci < CinG}
//       x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, g*CinG + ci] * w[ky, kx, ci, co]),  g = co / CoutG

struct Params {
  count: u32,    // N * OH * OW * ceil(Cout / 4): one invocation per pixel and channel quad
  H: u32,
  W: u32,
  Cin: u32,
  CinG: u32,
  Cout: u32,
  CoutG: u32,
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
  alpha: f32,    // activation parameters
  beta: f32,
}

override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [N, H, W, Cin]
@group(0) @binding(2) var<storage, read_write> w: array<f32>;          // [KH, KW, CinG, Cout]
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // [Cout]
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [N, OH, OW, Cout]

// BEGIN activate
// erf by Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, below float32 resolution near 1.
fn erf_approx(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-x * x));
}

fn activate(x: f32, alpha: f32, beta: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return max(x, 0.0); }                                        // relu
    case 2u: { return clamp(x, 0.0, 6.0); }                                 // relu6
    case 3u: { return select(alpha * x, x, x >= 0.0); }                     // leakyRelu
    case 4u: { return select(alpha * (exp(x) - 1.0), x, x > 0.0); }         // elu
    case 5u: { return beta * select(alpha * (exp(x) - 1.0), x, x > 0.0); }  // selu (beta = gamma)
    case 6u: { return 1.0 / (1.0 + exp(-x)); }                              // sigmoid
    case 7u: { return clamp(alpha * x + beta, 0.0, 1.0); }                  // hardSigmoid
    case 8u: { return tanh(clamp(x, -15.0, 15.0)); }                        // tanh; clamped: some tanh builtins overflow to NaN
    case 9u: { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }              // softplus, stable form
    case 10u: { return x / (1.0 + abs(x)); }                                // softsign
    case 11u: { return clamp(x, alpha, beta); }                             // clip(min, max)
    case 12u: { return 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476)); } // gelu (exact form)
    case 13u: { return x * clamp(x / 6.0 + 0.5, 0.0, 1.0); }                // hardSwish
    case 14u: { return x * tanh(clamp(max(x, 0.0) + log(1.0 + exp(-abs(x))), -15.0, 15.0)); } // mish = x tanh(softplus x)
    case 15u: { return erf_approx(x); }                                     // erf
    case 16u: { return sqrt(x); }                                           // sqrt
    case 17u: { return exp(x); }                                            // exp
    case 18u: { return log(x); }                                            // log
    case 19u: { return -x; }                                                // neg
    case 20u: { return abs(x); }                                            // abs
    case 21u: { return 1.0 / x; }                                           // reciprocal
    case 22u: { return floor(x); }                                          // floor
    case 23u: { return ceil(x); }                                           // ceil
    case 24u: { return select(0.0, 1.0, x == 0.0); }                        // not (booleans are 0 and 1)
    default: { return x; }                                                  // linear
  }
}
// END activate

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let quads = (params.Cout + 3u) / 4u;
  let co0 = (i % quads) * 4u;
  let pixel = i / quads;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  // The 4 channels (the last quad may run past Cout: clamped here, not stored below).
  let co = min(vec4<u32>(co0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.Cout - 1u));
  let inChannel0 = (co / params.CoutG) * params.CinG;

  var sum = vec4<f32>(0.0);
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
    if (iy < 0 || iy >= i32(params.H)) { continue; }
    for (var kx = 0u; kx < params.KW; kx++) {
      let ix = i32(ox * params.strideW + kx * params.dilationW) - i32(params.padLeft);
      if (ix < 0 || ix >= i32(params.W)) { continue; }
      let xBase = ((n * params.H + u32(iy)) * params.W + u32(ix)) * params.Cin;
      let wBase = (ky * params.KW + kx) * params.CinG * params.Cout;
      for (var ci = 0u; ci < params.CinG; ci++) {
        let xs = vec4<f32>(x[xBase + inChannel0.x + ci], x[xBase + inChannel0.y + ci], x[xBase + inChannel0.z + ci], x[xBase + inChannel0.w + ci]);
        let wRow = wBase + ci * params.Cout;
        sum += xs * vec4<f32>(w[wRow + co.x], w[wRow + co.y], w[wRow + co.z], w[wRow + co.w]);
      }
    }
  }
  let outBase = pixel * params.Cout;
  for (var j = 0u; j < 4u; j++) {
    let c = co0 + j;
    if (c >= params.Cout) { break; }
    var v = sum[j];
    if (HAS_BIAS) { v += bias[c]; }
    out[outBase + c] = activate(v, params.alpha, params.beta);
  }
}
