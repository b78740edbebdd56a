// Transposed convolution (the gradient of a convolution with respect to its input, used to
// upsample), computed as a gather: each invocation owns one output element and sums the input
// pixels and taps that scatter into it. Output row oy receives input row iy through tap ky when
// oy + top - ky*dh = iy*sh, so only taps with (oy + top - ky*dh) divisible by sh contribute.
//   out[n, oy, ox, g*CoutG + c] = activate(bias + sum_{ky, kx, ci < CinG}
//       x[n, iy, ix, g*CinG + ci] * w[g*CinG + ci, ky, kx, c])

struct Params {
  count: u32,    // N * OH * OW * Cout
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
@group(0) @binding(2) var<storage, read_write> w: array<f32>;          // [Cin, KH, KW, CoutG]
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
  let co = i % params.Cout;
  let pixel = i / params.Cout;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  let g = co / params.CoutG;
  let c = co % params.CoutG;

  var sum = 0.0;
  for (var ky = 0u; ky < params.KH; ky++) {
    let ty = i32(oy + params.padTop) - i32(ky * params.dilationH);
    if (ty < 0 || ty % i32(params.strideH) != 0) { continue; }
    let iy = u32(ty) / params.strideH;
    if (iy >= params.H) { continue; }
    for (var kx = 0u; kx < params.KW; kx++) {
      let tx = i32(ox + params.padLeft) - i32(kx * params.dilationW);
      if (tx < 0 || tx % i32(params.strideW) != 0) { continue; }
      let ix = u32(tx) / params.strideW;
      if (ix >= params.W) { continue; }
      let xBase = ((n * params.H + iy) * params.W + ix) * params.Cin + g * params.CinG;
      for (var ci = 0u; ci < params.CinG; ci++) {
        let cin = g * params.CinG + ci;
        sum += x[xBase + ci] * w[((cin * params.KH + ky) * params.KW + kx) * params.CoutG + c];
      }
    }
  }
  if (HAS_BIAS) { sum += bias[co]; }
  out[i] = activate(sum, params.alpha, params.beta);
}
