// conv2d_implicit_vec4_out.wgsl with the input loads shared across quads (subgroups feature), for
// stems: each invocation owns one vec4 of output channels (a quad spans 16) of the same 16 pixels;
// it loads one 4-pixel slice of the input, one channel at a time, and takes its mates' slices with
// quad swaps. Per input channel of a tap an invocation makes 4 loads of x and 1 of w for 64
// multiply-adds (16 pixels x 4 channels), where conv2d_implicit_vec4_out.wgsl makes 4 and 2 for 32;
// each tap's bounds are worked out once per 64 outputs instead of per 32. (Two slices per invocation measured
// level and compiled ~2x slower.)
//   out[n, oy, ox, c] = activate(bias + sum_{ky, kx, ci}
//       x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, ci] * w[ky, kx, ci, c])
// Same helpers, Params and bindings as conv2d_implicit_vec4_out.wgsl. Blocks follow from
// subgroup_id and subgroup_invocation_id; the workgroup size is a multiple of 4, every quad is
// full, and no invocation returns before the loops end (channel quads past Cout read the last
// one and store nothing).
enable subgroups;

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

// Four output pixels (a slice of the quad's 16): where their receptive fields start.
struct Slice {
  originY: vec4<i32>,
  originX: vec4<i32>,
  imageRow: vec4<u32>,  // n * H: the first input row of each pixel's image
}

fn slice(m0: u32) -> Slice {
  let p = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let ox = p % params.OW;
  let oy = (p / params.OW) % params.OH;
  let n = p / (params.OW * params.OH);
  return Slice(vec4<i32>(oy * params.strideH) - i32(params.padTop), vec4<i32>(ox * params.strideW) - i32(params.padLeft), n * params.H);
}

// For tap (ky, kx): each pixel's first input channel, 0 (a safe address) in the padding, and a
// mask that zeroes what was read there.
struct Tap {
  offsets: vec4<u32>,
  keep: vec4<f32>,
}

fn tap(s: Slice, ky: u32, kx: u32) -> Tap {
  let iy = s.originY + vec4<i32>(i32(ky * params.dilationH));
  let ix = s.originX + vec4<i32>(i32(kx * params.dilationW));
  let inside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
  let offsets = ((s.imageRow + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W + vec4<u32>(max(ix, vec4<i32>(0)))) * params.Cin;
  return Tap(select(vec4<u32>(0u), offsets, inside), select(vec4<f32>(0.0), vec4<f32>(1.0), inside));
}

// Input channel ci of the 4 pixels of tap t.
fn loadX(t: Tap, ci: u32) -> vec4<f32> {
  return vec4<f32>(x[t.offsets.x + ci], x[t.offsets.y + ci], x[t.offsets.z + ci], x[t.offsets.w + ci]) * t.keep;
}

// Column i: the channels of w times pixel i's input.
fn outer(w4: vec4<f32>, v: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(w4 * v.x, w4 * v.y, w4 * v.z, w4 * v.w);
}

// Writes block c (column i = output pixel m0 + i) to channel quad qc, with bias and activation.
fn store(c: mat4x4<f32>, m0: u32, qc: u32, b: vec4<f32>) {
  let quads = params.Cout / 4u;
  if (qc >= quads) { return; }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= params.M) { return; }
    out[m * quads + qc] = activate4(c[i] + b);
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(subgroup_id) subgroup: u32,
        @builtin(subgroup_size) subgroupSize: u32, @builtin(subgroup_invocation_id) lane: u32) {
  // Quad mates take consecutive channel quads of one block row (WG_X % 4 == 0).
  let slot = subgroup * subgroupSize + lane;
  let m0 = (wg.y * WG_Y + slot / WG_X) * 16u;
  let qc = wg.x * WG_X + slot % WG_X;
  let q = lane % 4u;
  let quads = params.Cout / 4u;
  let qw = min(qc, quads - 1u);

  let s = slice(m0 + 4u * q);
  // c<s>: pixels of the slice quad mate q ^ s loads (s = 0: this invocation's own).
  var c0 = mat4x4<f32>(); var c1 = mat4x4<f32>(); var c2 = mat4x4<f32>(); var c3 = mat4x4<f32>();
  for (var ky = 0u; ky < params.KH; ky++) {
    for (var kx = 0u; kx < params.KW; kx++) {
      let t = tap(s, ky, kx);
      let wTap = (ky * params.KW + kx) * params.Cin * quads;
      for (var ci = 0u; ci < params.Cin; ci++) {
        let w4 = w[wTap + ci * quads + qw];
        let v = loadX(t, ci);
        c0 += outer(w4, v);
        c1 += outer(w4, quadSwapX(v));
        c2 += outer(w4, quadSwapY(v));
        c3 += outer(w4, quadSwapDiagonal(v));
      }
    }
  }

  var b = vec4<f32>(0.0);
  if (HAS_BIAS) { b = bias[qw]; }
  store(c0, m0 + 4u * q, qc, b);
  store(c1, m0 + 4u * (q ^ 1u), qc, b);
  store(c2, m0 + 4u * (q ^ 2u), qc, b);
  store(c3, m0 + 4u * (q ^ 3u), qc, b);
}
