// Convolution as an implicit GEMM for stems: few input channels (not whole vec4s, so the vec4
// kernels cannot read them) and output channels in whole vec4s. Each invocation computes 4 output
// pixels x 8 output channels (two vec4s) of a convolution of one group, reading the input one
// channel at a time and the weights as vec4s: per input channel of a tap, 4 loads of x and 2 of
// w for 32 multiply-adds, where conv2d_implicit.wgsl makes 4 and 4 (one per channel) for 16.
//   out[n, oy, ox, c] = activate(bias + sum_{ky, kx, ci}
//       x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, ci] * w[ky, kx, ci, c])
// Channels past Cout in the last block read the last vec4 of weights and are not stored.

struct Params {
  M: u32,        // output pixels: N * OH * OW
  CoutG: u32,    // output channels (one group)
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
override WG_X: u32 = 2u;
override WG_Y: u32 = 32u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [N, H, W, Cin]
@group(0) @binding(2) var<storage, read_write> w: array<vec4<f32>>;    // [KH, KW, Cin, Cout / 4]
@group(0) @binding(3) var<storage, read_write> bias: array<vec4<f32>>; // [Cout / 4]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>;  // [N, OH, OW, Cout / 4]

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

fn activate4(v: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(activate(v.x, params.alpha, params.beta), activate(v.y, params.alpha, params.beta), activate(v.z, params.alpha, params.beta), activate(v.w, params.alpha, params.beta));
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * 4u;
  let quads = params.Cout / 4u;
  let q0 = gid.x * 2u;                       // the block's first vec4 of channels
  if (row0 >= params.M || q0 >= quads) { return; }
  let q1 = min(q0 + 1u, quads - 1u);         // past the last channel: the last vec4, not stored

  // Output pixels of the 4 rows (clamped at the edge; their results are not stored).
  let pixels = min(vec4<u32>(row0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let ox = pixels % params.OW;
  let oy = (pixels / params.OW) % params.OH;
  let n = pixels / (params.OW * params.OH);
  let originY = vec4<i32>(oy * params.strideH) - i32(params.padTop);
  let originX = vec4<i32>(ox * params.strideW) - i32(params.padLeft);

  var a0 = vec4<f32>(0.0); var a1 = a0; var a2 = a0; var a3 = a0;  // pixel i, channels of q0
  var b0 = vec4<f32>(0.0); var b1 = b0; var b2 = b0; var b3 = b0;  // pixel i, channels of q1
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = originY + i32(ky * params.dilationH);
    for (var kx = 0u; kx < params.KW; kx++) {
      let ix = originX + i32(kx * params.dilationW);
      let inside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
      // Offsets of the 4 patches' first channel; 0 (a safe address) for taps in the padding.
      let offsets = select(vec4<u32>(0u), ((n * params.H + vec4<u32>(iy)) * params.W + vec4<u32>(ix)) * params.Cin, inside);
      let keep = select(vec4<f32>(0.0), vec4<f32>(1.0), inside);
      let wTap = (ky * params.KW + kx) * params.Cin * quads;
      for (var ci = 0u; ci < params.Cin; ci++) {
        let wRow = wTap + ci * quads;
        let w0 = w[wRow + q0];
        let w1 = w[wRow + q1];
        let v = vec4<f32>(x[offsets.x + ci], x[offsets.y + ci], x[offsets.z + ci], x[offsets.w + ci]) * keep;
        a0 = fma(vec4<f32>(v.x), w0, a0); b0 = fma(vec4<f32>(v.x), w1, b0);
        a1 = fma(vec4<f32>(v.y), w0, a1); b1 = fma(vec4<f32>(v.y), w1, b1);
        a2 = fma(vec4<f32>(v.z), w0, a2); b2 = fma(vec4<f32>(v.z), w1, b2);
        a3 = fma(vec4<f32>(v.w), w0, a3); b3 = fma(vec4<f32>(v.w), w1, b3);
      }
    }
  }

  var bias0 = vec4<f32>(0.0);
  var bias1 = vec4<f32>(0.0);
  if (HAS_BIAS) { bias0 = bias[q0]; bias1 = bias[q1]; }
  let first = array<vec4<f32>, 4>(a0, a1, a2, a3);
  let second = array<vec4<f32>, 4>(b0, b1, b2, b3);
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + i;
    if (m >= params.M) { break; }
    out[m * quads + q0] = activate4(first[i] + bias0);
    if (q0 + 1u < quads) { out[m * quads + q0 + 1u] = activate4(second[i] + bias1); }
  }
}
