// Convolution as an implicit GEMM: the register-tiled matmul of matmul_regtile.wgsl with the
// im2col matrix never stored. Each invocation computes 4 output pixels x 4 output channels of
// one group, gathering input patches straight from x inside its loads; no scratch memory.
//   out[n, oy, ox, g*CoutG + c] = activate(bias + sum_{ky, kx, ci < CinG}
//       x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, g*CinG + ci] * w[ky, kx, ci, g*CoutG + c])
// Loop order ky, kx, ci: the padding test and the row offsets are computed once per tap, and the
// inner loop over channels reads x and w contiguously.

struct Params {
  M: u32,        // output pixels: N * OH * OW
  CoutG: u32,    // output channels per group
  H: u32,
  W: u32,
  Cin: u32,
  CinG: u32,
  Cout: u32,
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
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

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

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  let g = gid.z;
  if (row0 >= params.M || col0 >= params.CoutG) { return; }

  // Output pixels of the 4 rows (clamped at the edge; their results are not stored).
  let pixels = min(vec4<u32>(row0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let ox = pixels % params.OW;
  let oy = (pixels / params.OW) % params.OH;
  let n = pixels / (params.OW * params.OH);
  let originY = vec4<i32>(oy * params.strideH) - i32(params.padTop);
  let originX = vec4<i32>(ox * params.strideW) - i32(params.padLeft);
  let channels = g * params.CoutG + min(vec4<u32>(col0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.CoutG - 1u));
  let inChannel0 = g * params.CinG;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = originY + i32(ky * params.dilationH);
    for (var kx = 0u; kx < params.KW; kx++) {
      let ix = originX + i32(kx * params.dilationW);
      let inside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      // Offsets of the 4 patches' first channel; 0 (a safe address) for taps in the padding.
      let offsets = select(vec4<u32>(0u), ((n * params.H + vec4<u32>(iy)) * params.W + vec4<u32>(ix)) * params.Cin + inChannel0, inside);
      let keep = select(vec4<f32>(0.0), vec4<f32>(1.0), inside);
      let wTap = (ky * params.KW + kx) * params.CinG * params.Cout;
      for (var ci = 0u; ci < params.CinG; ci++) {
        let wRow = wTap + ci * params.Cout;
        let wk = vec4<f32>(w[wRow + channels.x], w[wRow + channels.y], w[wRow + channels.z], w[wRow + channels.w]);
        acc0 += x[offsets.x + ci] * keep.x * wk;
        acc1 += x[offsets.y + ci] * keep.y * wk;
        acc2 += x[offsets.z + ci] * keep.z * wk;
        acc3 += x[offsets.w + ci] * keep.w * wk;
      }
    }
  }

  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + i;
    if (m >= params.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + j;
      if (c >= params.CoutG) { break; }
      let co = g * params.CoutG + c;
      var v = accs[i][j];
      if (HAS_BIAS) { v += bias[co]; }
      out[m * params.Cout + co] = activate(v, params.alpha, params.beta);
    }
  }
}
