// Per-channel affine map over the last axis, with an optional activation: the standalone
// batch normalization (inference), whose scale and shift are folded on the host at load:
//   out[..., c] = activate(x[..., c] * scale[c] + shift[c]),
//   scale = gamma / sqrt(variance + epsilon), shift = beta - mean * scale.

struct Params {
  count: u32,
  C: u32,
  alpha: f32,    // activation parameters
  beta: f32,
}

override ACTIVATION: u32 = 0u;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [..., C]
@group(0) @binding(2) var<storage, read_write> scale: array<f32>;      // [C]
@group(0) @binding(3) var<storage, read_write> shift: array<f32>;      // [C]
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [..., C]

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
  let c = i % params.C;
  out[i] = activate(x[i] * scale[c] + shift[c], params.alpha, params.beta);
}
