// Elementwise binary op with NumPy broadcasting: out[idx] = a[idx . aStrides] (op) b[idx . bStrides].
// Shapes are right-aligned to rank 8 and split over two vec4s; a broadcast axis has stride 0.
// The op is the OP override (codes in src/ops/binary/op.ts): arithmetic, prelu (x >= 0 ? x : x *
// slope), pow, max, min, mod (C fmod), and comparisons and logic, whose booleans are 0 and 1. An
// activation may follow (a residual add then relu is one dispatch).

struct Params {
  count: u32,
  shapeLo: vec4<u32>,    // output dims 0..3 of the rank-8 padded shape
  shapeHi: vec4<u32>,    // output dims 4..7
  aStridesLo: vec4<u32>,
  aStridesHi: vec4<u32>,
  bStridesLo: vec4<u32>,
  bStridesHi: vec4<u32>,
  alpha: f32,            // activation parameters
  beta: f32,
}

override OP: u32 = 0u;
override ACTIVATION: u32 = 0u;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [count], row-major output shape

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

// x^y as ONNX Pow (C pow): WGSL's pow is undefined for x <= 0, so the sign and the zero base are
// handled here; squares (LayerNorm's variance) are exact. The infinity and NaN are built from x,
// which is 0 there: WGSL rejects them as constants.
fn power(x: f32, y: f32) -> f32 {
  if (y == 2.0) { return x * x; }
  if (y == 0.0) { return 1.0; }
  let bits = bitcast<u32>(x) & 0u;
  if (x == 0.0) { return select(bitcast<f32>(0x7f800000u | bits), 0.0, y > 0.0); }   // 0^negative: +inf
  let magnitude = pow(abs(x), y);
  if (x > 0.0) { return magnitude; }
  if (fract(y) != 0.0) { return bitcast<f32>(0x7fc00000u | bits); }                  // negative^fraction: NaN
  return select(magnitude, -magnitude, fract(y * 0.5) != 0.0);                       // odd powers keep the sign
}

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return x / y; }
    case 4u: { return select(x * y, x, x >= 0.0); }
    case 5u: { return power(x, y); }
    case 6u: { return max(x, y); }
    case 7u: { return min(x, y); }
    case 8u: { return x - y * trunc(x / y); }                                  // C fmod
    case 9u: { return select(0.0, 1.0, x == y); }
    case 10u: { return select(0.0, 1.0, x < y); }
    case 11u: { return select(0.0, 1.0, x > y); }
    case 12u: { return select(0.0, 1.0, x <= y); }
    case 13u: { return select(0.0, 1.0, x >= y); }
    case 14u: { return select(0.0, 1.0, x != 0.0 && y != 0.0); }
    case 15u: { return select(0.0, 1.0, x != 0.0 || y != 0.0); }
    case 16u: { return select(0.0, 1.0, (x != 0.0) != (y != 0.0)); }
    default: { return x + y; }
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  // Peel the output multi-index from the innermost axis outwards.
  var rest = i;
  var ia = 0u;
  var ib = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeHi[d];
    rest = rest / params.shapeHi[d];
    ia += coord * params.aStridesHi[d];
    ib += coord * params.bStridesHi[d];
  }
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.shapeLo[d];
    rest = rest / params.shapeLo[d];
    ia += coord * params.aStridesLo[d];
    ib += coord * params.bStridesLo[d];
  }
  out[i] = activate(combine(a[ia], b[ib]), params.alpha, params.beta);
}
