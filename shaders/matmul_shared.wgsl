// Batched matmul, workgroup-shared tiling: a workgroup of WG_X x WG_Y invocations computes a
// (4 WG_Y) x (4 WG_X) output tile, staging TILE_K-deep slices of A and B in workgroup memory so
// each element is fetched from storage once per tile; each invocation then accumulates a 4x4
// block from the shared slices. This is the design that wins on real GPUs (fast workgroup
// memory, cheap barriers); on SwiftShader the register-tiled kernel is faster.
//   out[z, m, n] = activate(sum_k A[z, m, k] * B[z, k, n] + bias[z, m, n])
// A, B and out are strided views (row lengths lda, ldb, ldc; per-batch strides), so the same
// kernel serves plain matmul, grouped 1x1 convolution, and the GEMM after im2col.

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
override WG_X: u32 = 16u;
override WG_Y: u32 = 16u;
override TILE_K: u32 = 16u;
override TILE_A_SIZE: u32 = 4u * WG_Y * TILE_K;  // [4 WG_Y rows][TILE_K]
override TILE_B_SIZE: u32 = TILE_K * 4u * WG_X;  // [TILE_K][4 WG_X cols]

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> a: array<f32>;          // [batchA][M rows of lda], or [batchA][K rows of lda] if TRANSPOSE_A
@group(0) @binding(2) var<storage, read_write> b: array<f32>;          // [batchB][K rows of ldb], or [batchB][N rows of ldb] if TRANSPOSE_B
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // [batch][M, N] through the biasStride* (0 where broadcast)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;  // [batch][M rows of ldc] from outOffset

var<workgroup> tileA: array<f32, TILE_A_SIZE>;
var<workgroup> tileB: array<f32, TILE_B_SIZE>;

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
  if (m >= params.M || k >= params.K) { return 0.0; }
  if (TRANSPOSE_A) { return a[base + k * params.lda + m]; }
  return a[base + m * params.lda + k];
}

fn loadB(base: u32, k: u32, n: u32) -> f32 {
  if (k >= params.K || n >= params.N) { return 0.0; }
  if (TRANSPOSE_B) { return b[base + n * params.ldb + k]; }
  return b[base + k * params.ldb + n];
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tileRows = 4u * WG_Y;
  let tileCols = 4u * WG_X;
  let rowStart = wg.y * tileRows;
  let colStart = wg.x * tileCols;
  let threads = WG_X * WG_Y;
  let flat = lid.y * WG_X + lid.x;

  var rest = wg.z;
  var baseA = 0u;
  var baseB = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.batchShape[d];
    rest = rest / params.batchShape[d];
    baseA += coord * params.aBatchStrides[d];
    baseB += coord * params.bBatchStrides[d];
  }

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < params.K; k0 += TILE_K) {
    // Stage the slices; zeros past the edges make the inner loop branch-free.
    for (var e = flat; e < TILE_A_SIZE; e += threads) {
      tileA[e] = loadA(baseA, rowStart + e / TILE_K, k0 + e % TILE_K);
    }
    for (var e = flat; e < TILE_B_SIZE; e += threads) {
      tileB[e] = loadB(baseB, k0 + e / tileCols, colStart + e % tileCols);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      let bk = vec4<f32>(
        tileB[k * tileCols + lid.x * 4u], tileB[k * tileCols + lid.x * 4u + 1u],
        tileB[k * tileCols + lid.x * 4u + 2u], tileB[k * tileCols + lid.x * 4u + 3u]);
      for (var i = 0u; i < 4u; i++) {
        acc[i] += tileA[(lid.y * 4u + i) * TILE_K + k] * bk;
      }
    }
    workgroupBarrier();
  }

  let outBase = params.outOffset + wg.z * params.outBatchStride;
  for (var i = 0u; i < 4u; i++) {
    let m = rowStart + lid.y * 4u + i;
    if (m >= params.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = colStart + lid.x * 4u + j;
      if (n >= params.N) { break; }
      var v = acc[i][j];
      if (HAS_BIAS) { v += bias[wg.z * params.biasStrideZ + m * params.biasStrideM + n * params.biasStrideN]; }
      out[outBase + m * params.ldc + n] = activate(v, params.alpha, params.beta);
    }
  }
}
