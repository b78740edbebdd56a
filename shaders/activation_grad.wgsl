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
// Elem is f32 here; the 'vec4' variant (src/ops/activation-grad/op.ts) swaps in vec4<f32>, so that
// one invocation takes 4 elements (count is then in vec4s). Every formula is written for either:
// constants as Elem(c), & for the comparisons' conjunction.

alias Elem = f32;

struct Params {
  count: u32,    // elements, in Elems
  alpha: f32,
  beta: f32,
}

override FORWARD_ACTIVATION: u32 = 0u;
override FROM_OUTPUT: bool = true;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dy: array<Elem>;  // [count]
@group(0) @binding(2) var<storage, read_write> v: array<Elem>;   // [count] y or x, see FROM_OUTPUT
@group(0) @binding(3) var<storage, read_write> dx: array<Elem>;  // [count]

// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the forward's approximation.
fn erf_approx(x: Elem) -> Elem {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-x * x));
}

// f'(x) from y = f(x).
fn derivative_from_output(y: Elem, alpha: f32, beta: f32) -> Elem {
  let zero = Elem(0.0);
  let one = Elem(1.0);
  switch FORWARD_ACTIVATION {
    case 1u: { return select(zero, one, y > zero); }                        // relu
    case 2u: { return select(zero, one, (y > zero) & (y < Elem(6.0))); }    // relu6
    case 3u: { return select(Elem(alpha), one, y > zero); }                 // leakyRelu, alpha >= 0
    case 4u: { return select(y + alpha, one, y > zero); }                   // elu: alpha e^x = y + alpha
    case 5u: { return select(Elem(beta), y + alpha * beta, y < zero); }     // selu (beta = gamma)
    case 6u: { return y * (1.0 - y); }                                      // sigmoid
    case 7u: { return select(zero, Elem(alpha), (y > zero) & (y < one)); }  // hardSigmoid
    case 8u: { return 1.0 - y * y; }                                        // tanh
    // softplus: sigmoid(x) = 1 - e^-y; below 0.01 a series keeps the relative precision 1 - exp loses.
    case 9u: { return select(1.0 - exp(-y), y * (1.0 - y * (0.5 - y / 6.0)), y < Elem(0.01)); }
    case 10u: { let s = 1.0 - abs(y); return s * s; }                       // softsign: 1 / (1 + |x|)^2
    case 11u: { return select(zero, one, (y > Elem(alpha)) & (y < Elem(beta))); } // clip(min, max)
    case 16u: { return 0.5 / y; }                                           // sqrt
    case 17u: { return y; }                                                 // exp
    case 18u: { return exp(-y); }                                           // log: 1 / x
    case 19u: { return -one; }                                              // neg
    case 21u: { return -y * y; }                                            // reciprocal: -1 / x^2
    case 22u, 23u, 24u: { return zero; }                                    // floor, ceil, not
    default: { return one; }                                                // linear
  }
}

// f'(x) from x, for the kinds (and parameters) whose derivative y cannot give.
fn derivative_from_input(x: Elem, alpha: f32, beta: f32) -> Elem {
  let zero = Elem(0.0);
  let one = Elem(1.0);
  switch FORWARD_ACTIVATION {
    case 3u: { return select(Elem(alpha), one, x > zero); }                 // leakyRelu
    case 4u: { return select(alpha * exp(x), one, x > zero); }              // elu
    case 5u: { return select(Elem(beta), alpha * beta * exp(x), x < zero); } // selu
    // gelu: Phi(x) + x phi(x), the normal CDF and density (1 / sqrt(2 pi) = 0.3989...).
    case 12u: { return 0.5 * (1.0 + erf_approx(x * 0.7071067811865476)) + x * 0.3989422804014327 * exp(-0.5 * x * x); }
    case 13u: { return select(select((2.0 * x + 3.0) / 6.0, one, x >= Elem(3.0)), zero, x <= Elem(-3.0)); } // hardSwish
    case 14u: {                                                             // mish: tanh(sp) + x sech^2(sp) sigmoid(x)
      let t = tanh(clamp(max(x, zero) + log(1.0 + exp(-abs(x))), Elem(-15.0), Elem(15.0)));
      return t + x * (1.0 - t * t) / (1.0 + exp(-x));
    }
    case 15u: { return 1.1283791670955126 * exp(-x * x); }                  // erf: 2 / sqrt(pi) e^(-x^2)
    case 20u: { return sign(x); }                                           // abs
    default: { return one; }                                                // not reached: the rest read y
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  var slope: Elem;
  if (FROM_OUTPUT) {
    slope = derivative_from_output(v[i], params.alpha, params.beta);
  } else {
    slope = derivative_from_input(v[i], params.alpha, params.beta);
  }
  dx[i] = dy[i] * slope;
}
