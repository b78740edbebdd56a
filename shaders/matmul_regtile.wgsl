// Batched matmul, register-tiled: each invocation computes a 4x4 block of the output straight
// from storage, with no workgroup memory and no barriers; the 16 accumulators stay in registers.
// On CPU-like adapters (SwiftShader) this beats shared-memory tiling, whose barriers are costly.
//   out[z, m, n] = activate(sum_k A[z, m, k] * B[z, k, n] + bias[z, m, n])
// A, B and out are strided views (row lengths lda, ldb, ldc; per-batch strides), so the same
// kernel serves plain matmul, grouped 1x1 convolution, and the GEMM after im2col.
// Rows and columns past the edge are clamped for loading and skipped for storing, so any M, N, K
// works without branches in the inner loop.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  lda: u32,                  // row lengths of the stored A, B and output matrices
  ldb: u32,
  ldc: u32,
  batchShape: vec4<u32>,     // batch dims, right-aligned, padded with 1; z enumerates them
  aBatchStrides: vec4<u32>,  // elements between A matrices per batch dim; 0 where A broadcasts
  bBatchStrides: vec4<u32>,
  outBatchStride: u32,       // elements between output matrices of consecutive z
  outOffset: u32,            // where output row 0 of batch 0 lives
  biasStrideM: u32,          // bias[z, m, n] = bias[z * biasStrideZ + m * biasStrideM + n * biasStrideN]
  biasStrideN: u32,
  biasStrideZ: u32,
  alpha: f32,                // activation parameters
  beta: f32,
}

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u;
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;          // [batchA][M rows of lda], or [batchA][K rows of lda] if TRANSPOSE_A
@group(0) @binding(2) var<storage, read_write> b: array<f32>;          // [batchB][K rows of ldb], or [batchB][N rows of ldb] if TRANSPOSE_B
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // [batch][M, N] through the biasStride* (0 where broadcast)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [batch][M rows of ldc] from outOffset

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

fn loadA(base: u32, m: u32, k: u32) -> f32 {
  if (TRANSPOSE_A) { return a[base + k * params.lda + m]; }
  return a[base + m * params.lda + k];
}

fn loadB(base: u32, k: u32, n: u32) -> f32 {
  if (TRANSPOSE_B) { return b[base + n * params.ldb + k]; }
  return b[base + k * params.ldb + n];
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  if (row0 >= params.M || col0 >= params.N) { return; }

  // Offsets of this batch entry's A and B matrices, broadcasting batch dims of size 1.
  var rest = gid.z;
  var baseA = 0u;
  var baseB = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.batchShape[d];
    rest = rest / params.batchShape[d];
    baseA += coord * params.aBatchStrides[d];
    baseB += coord * params.bBatchStrides[d];
  }

  let rows = min(vec4<u32>(row0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let cols = min(vec4<u32>(col0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.N - 1u));
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < params.K; k++) {
    let bk = vec4<f32>(loadB(baseB, k, cols.x), loadB(baseB, k, cols.y), loadB(baseB, k, cols.z), loadB(baseB, k, cols.w));
    acc0 += loadA(baseA, rows.x, k) * bk;
    acc1 += loadA(baseA, rows.y, k) * bk;
    acc2 += loadA(baseA, rows.z, k) * bk;
    acc3 += loadA(baseA, rows.w, k) * bk;
  }

  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  let outBase = params.outOffset + gid.z * params.outBatchStride;
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + i;
    if (m >= params.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + j;
      if (n >= params.N) { break; }
      var v = accs[i][j];
      if (HAS_BIAS) { v += bias[gid.z * params.biasStrideZ + m * params.biasStrideM + n * params.biasStrideN]; }
      out[outBase + m * params.ldc + n] = activate(v, params.alpha, params.beta);
    }
  }
}
