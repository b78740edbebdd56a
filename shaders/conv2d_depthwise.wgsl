// Depthwise convolution with channel multiplier 1 (groups = Cin = Cout, weights [KH, KW, 1, C]),
// channels a multiple of 4, so that 4 channels are one vec4 of NHWC data.
//   out[n, oy, ox, c] = activate(bias[c] + sum_{ky, kx} x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, c] * w[ky, kx, 0, c])
// Built for SwiftShader, where every storage load is a bounds-checked gather per component and
// control flow in a loop costs more than the loads it saves (measured: bench/NOTES.md, issue 7).
// An invocation computes a strip of 4 consecutive output pixels along W for one channel quad, so
// each weight vec4 it loads serves 4 outputs:
// - 3x3, stride 1, dilation 1 (KERNEL_3X3_S1): a loop over the 3 kernel rows, each row straight-line
//   code that loads its 6 input columns and 3 weights once for 12 vec4 FMAs (the direct kernel: 24
//   scalar loads per row and output quad). Rows outside [0, H) are masked, not branched around.
//   The row loop runs to the runtime KH so that the compiler cannot unroll it: unrolled, it ran
//   no faster and took 2.2x as long to compile (first run 281 vs 97 ms).
// - any other kernel: a loop over the taps, 1 weight and 4 input loads per tap; rows outside
//   [0, H) are skipped.
// Columns outside [0, W) read as zero through a select on a clamped index, so nothing is read out
// of range. Accumulators are a mat4x4 (a column per output pixel) indexed by constants only: an
// array indexed in a loop is kept in memory by SwiftShader.

struct Params {
  count: u32,    // N * OH * strips * C4: one invocation per strip and channel quad
  H: u32,
  W: u32,
  C4: u32,       // channels / 4
  OH: u32,
  OW: u32,
  strips: u32,   // ceil(OW / 4)
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
override KERNEL_3X3_S1: bool = false;  // KH = KW = 3 with strides and dilations 1

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;     // [N, H, W, C4]
@group(0) @binding(2) var<storage, read_write> w: array<vec4<f32>>;     // [KH, KW, C4]
@group(0) @binding(3) var<storage, read_write> bias: array<vec4<f32>>;  // [C4]
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>;   // [N, OH, OW, C4]

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
    default: { return x; }                                                  // linear
  }
}
// END activate

fn activate4(v: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(activate(v.x, params.alpha, params.beta), activate(v.y, params.alpha, params.beta),
                   activate(v.z, params.alpha, params.beta), activate(v.w, params.alpha, params.beta));
}

// First pixel of input row iy, clamped into the input (callers skip or mask rows outside it).
fn rowStart(n: u32, iy: i32) -> u32 {
  return (n * params.H + u32(clamp(iy, 0, i32(params.H) - 1))) * params.W;
}

// Channel quad q of column `col` in the row from `rowStart`; zero outside the input.
fn column(rowStart: u32, col: i32, q: u32, rowInside: bool) -> vec4<f32> {
  let v = x[(rowStart + u32(clamp(col, 0, i32(params.W) - 1))) * params.C4 + q];
  return select(vec4<f32>(0.0), v, rowInside && col >= 0 && col < i32(params.W));
}

// Kernel row ky of the 3x3 path: output p of the strip reads columns col0 + p .. col0 + p + 2.
fn row3(n: u32, iy: i32, col0: i32, ky: u32, q: u32) -> mat4x4<f32> {
  let inside = iy >= 0 && iy < i32(params.H);
  let start = rowStart(n, iy);
  let c0 = column(start, col0, q, inside);
  let c1 = column(start, col0 + 1, q, inside);
  let c2 = column(start, col0 + 2, q, inside);
  let c3 = column(start, col0 + 3, q, inside);
  let c4 = column(start, col0 + 4, q, inside);
  let c5 = column(start, col0 + 5, q, inside);
  let w0 = w[3u * ky * params.C4 + q];
  let w1 = w[(3u * ky + 1u) * params.C4 + q];
  let w2 = w[(3u * ky + 2u) * params.C4 + q];
  return mat4x4<f32>(c0 * w0 + c1 * w1 + c2 * w2, c1 * w0 + c2 * w1 + c3 * w2,
                     c2 * w0 + c3 * w1 + c4 * w2, c3 * w0 + c4 * w1 + c5 * w2);
}

fn kernel3x3(n: u32, oy: u32, ox0: u32, q: u32) -> mat4x4<f32> {
  let iy = i32(oy) - i32(params.padTop);
  let col0 = i32(ox0) - i32(params.padLeft);
  var acc = mat4x4<f32>();
  for (var ky = 0u; ky < params.KH; ky++) { acc += row3(n, iy + i32(ky), col0, ky, q); }
  return acc;
}

fn anyKernel(n: u32, oy: u32, ox0: u32, q: u32) -> mat4x4<f32> {
  let sw = i32(params.strideW);
  let col0 = i32(ox0) * sw - i32(params.padLeft);
  var acc = mat4x4<f32>();
  for (var ky = 0u; ky < params.KH; ky++) {
    let iy = i32(oy * params.strideH + ky * params.dilationH) - i32(params.padTop);
    if (iy < 0 || iy >= i32(params.H)) { continue; }
    let start = rowStart(n, iy);
    for (var kx = 0u; kx < params.KW; kx++) {
      let c = col0 + i32(kx * params.dilationW);
      let wk = w[(ky * params.KW + kx) * params.C4 + q];
      acc += mat4x4<f32>(column(start, c, q, true) * wk, column(start, c + sw, q, true) * wk,
                         column(start, c + 2 * sw, q, true) * wk, column(start, c + 3 * sw, q, true) * wk);
    }
  }
  return acc;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let q = i % params.C4;
  let strip = (i / params.C4) % params.strips;
  let row = i / (params.C4 * params.strips);  // n * OH + oy
  let oy = row % params.OH;
  let n = row / params.OH;
  let ox0 = strip * 4u;

  var acc: mat4x4<f32>;
  if (KERNEL_3X3_S1) { acc = kernel3x3(n, oy, ox0, q); } else { acc = anyKernel(n, oy, ox0, q); }

  var b = vec4<f32>(0.0);
  if (HAS_BIAS) { b = bias[q]; }
  // The last strip of a row may run past OW: those pixels were computed from zeros, not stored.
  let left = params.OW - ox0;
  let outStart = (row * params.OW + ox0) * params.C4 + q;
  out[outStart] = activate4(acc[0] + b);
  if (left > 1u) { out[outStart + params.C4] = activate4(acc[1] + b); }
  if (left > 2u) { out[outStart + 2u * params.C4] = activate4(acc[2] + b); }
  if (left > 3u) { out[outStart + 3u * params.C4] = activate4(acc[3] + b); }
}
