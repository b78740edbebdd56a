// Activation gradient: dx[i] = dy[i] * f'(.) over a flat buffer, one invocation per element.
// f is the activation whose code (src/ops/activation/kinds.ts) is the FORWARD_ACTIVATION override.
// v holds f's output y when FROM_OUTPUT (the derivative written as a function of y, so training
// need not keep the pre-activation), else f's input x; src/ops/activation-grad/uses-output.ts
// decides which. At the kinks the values follow TensorFlow's gradient kernels (ReluGrad x > 0,
// Relu6Grad 0 < x < 6, LeakyReluGrad, SeluGrad, AbsGrad; hardSwish as x relu6(x + 3) / 6 through
// Relu6Grad); clip and hardSigmoid take 0 on their boundary. The CPU reference
// (src/ops/activation-grad/reference.ts) says why for each.
// The override is not named ACTIVATION: that name marks the epilogue shaders, which carry the
// canonical activate() (tests/unit/shader-sources.test.ts); this kernel differentiates instead.

struct Params {
  count: u32,
  alpha: f32,
  beta: f32,
}

override FORWARD_ACTIVATION: u32 = 0u;
override FROM_OUTPUT: bool = true;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dy: array<f32>;  // [count]
@group(0) @binding(2) var<storage, read_write> v: array<f32>;   // [count] y or x, see FROM_OUTPUT
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;  // [count]

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the forward's approximation.
fn erf_approx(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-x * x));
}

// f'(x) from y = f(x).
fn derivative_from_output(y: f32, alpha: f32, beta: f32) -> f32 {
  switch FORWARD_ACTIVATION {
    case 1u: { return select(0.0, 1.0, y > 0.0); }                          // relu
    case 2u: { return select(0.0, 1.0, y > 0.0 && y < 6.0); }               // relu6
    case 3u: { return select(alpha, 1.0, y > 0.0); }                        // leakyRelu, alpha >= 0
    case 4u: { return select(y + alpha, 1.0, y > 0.0); }                    // elu: alpha e^x = y + alpha
    case 5u: { return select(beta, y + alpha * beta, y < 0.0); }            // selu (beta = gamma)
    case 6u: { return y * (1.0 - y); }                                      // sigmoid
    case 7u: { return select(0.0, alpha, y > 0.0 && y < 1.0); }             // hardSigmoid
    case 8u: { return 1.0 - y * y; }                                        // tanh
    // softplus: sigmoid(x) = 1 - e^-y; below 0.01 a series keeps the relative precision 1 - exp loses.
    case 9u: { return select(1.0 - exp(-y), y * (1.0 - y * (0.5 - y / 6.0)), y < 0.01); }
    case 10u: { let s = 1.0 - abs(y); return s * s; }                       // softsign: 1 / (1 + |x|)^2
    case 11u: { return select(0.0, 1.0, y > alpha && y < beta); }           // clip(min, max)
    case 16u: { return 0.5 / y; }                                           // sqrt
    case 17u: { return y; }                                                 // exp
    case 18u: { return exp(-y); }                                           // log: 1 / x
    case 19u: { return -1.0; }                                              // neg
    case 21u: { return -y * y; }                                            // reciprocal: -1 / x^2
    case 22u, 23u, 24u: { return 0.0; }                                     // floor, ceil, not
    default: { return 1.0; }                                                // linear
  }
}

// f'(x) from x, for the kinds (and parameters) whose derivative y cannot give.
fn derivative_from_input(x: f32, alpha: f32, beta: f32) -> f32 {
  switch FORWARD_ACTIVATION {
    case 3u: { return select(alpha, 1.0, x > 0.0); }                        // leakyRelu
    case 4u: { return select(alpha * exp(x), 1.0, x > 0.0); }               // elu
    case 5u: { return select(beta, alpha * beta * exp(x), x < 0.0); }       // selu
    // gelu: Phi(x) + x phi(x), the normal CDF and density (1 / sqrt(2 pi) = 0.3989...).
    case 12u: { return 0.5 * (1.0 + erf_approx(x * 0.7071067811865476)) + x * 0.3989422804014327 * exp(-0.5 * x * x); }
    case 13u: { return select(select((2.0 * x + 3.0) / 6.0, 1.0, x >= 3.0), 0.0, x <= -3.0); } // hardSwish
    case 14u: {                                                             // mish: tanh(sp) + x sech^2(sp) sigmoid(x)
      let t = tanh(clamp(max(x, 0.0) + log(1.0 + exp(-abs(x))), -15.0, 15.0));
      return t + x * (1.0 - t * t) / (1.0 + exp(-x));
    }
    case 15u: { return 1.1283791670955126 * exp(-x * x); }                  // erf: 2 / sqrt(pi) e^(-x^2)
    case 20u: { return sign(x); }                                           // abs
    default: { return 1.0; }                                                // not reached: the rest read y
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  var slope: f32;
  if (FROM_OUTPUT) {
    slope = derivative_from_output(v[i], params.alpha, params.beta);
  } else {
    slope = derivative_from_input(v[i], params.alpha, params.beta);
  }
  dx[i] = dy[i] * slope;
}
