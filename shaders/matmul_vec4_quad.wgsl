// matmul_vec4.wgsl with the A loads shared across quads (subgroups feature): the four
// invocations of a quad compute side-by-side 16x8 blocks of the same 16 output rows, so each
// loads only one 4-row slice of A per 4 steps of K and takes the other three from its quad mates
// with quadSwapX / quadSwapY / quadSwapDiagonal.
//   out[z, m, n] = activate(sum_k A[z, m, k] * B[z, k, n] + bias[z, m, n])
// Why: on SwiftShader a swap costs about half a storage load (a register shuffle instead of a
// bounds-checked gather), and the A loads fall from 16 to 4 vec4s per invocation and 4 steps of K
// (B: 8). Measured 1.5x faster than matmul_vec4 at 1024^3 (bench/NOTES.md).
// Which blocks a quad owns follows from subgroup_id and subgroup_invocation_id, not from the
// invocation's position in the workgroup, so no particular lane layout is assumed; the workgroup
// size is a multiple of 4 and every quad is full. No invocation returns before the loop ends:
// quad operations need all four. Same Params and bindings as matmul_vec4.wgsl.
enable subgroups;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  lda: u32,                  // row lengths of the stored A, B and output matrices (lda, ldb: multiples of 4)
  ldb: u32,
  ldc: u32,
  batchShape: vec4<u32>,     // batch dims, right-aligned, padded with 1; z enumerates them
  aBatchStrides: vec4<u32>,  // elements between A matrices per batch dim (multiples of 4); 0 where A broadcasts
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
// The bias depends on the column alone (biasStrideM == 0: a bias per output channel or unit, the
// usual case): its 8 values are loaded once, not once per element (128 gathers per invocation).
override BIAS_BY_COLUMN: bool = false;
override ACTIVATION: u32 = 0u;
override WG_X: u32 = 8u;
override WG_Y: u32 = 4u;

const TILE_M = 16u;
const TILE_N = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> a: array<vec4<f32>>;    // [batchA][M rows of lda], or [batchA][K rows of lda] if TRANSPOSE_A
@group(0) @binding(2) var<storage, read_write> b: array<vec4<f32>>;    // [batchB][K rows of ldb], or [batchB][N rows of ldb] if TRANSPOSE_B
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // [batch][M, N] through the biasStride* (0 where broadcast)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;        // [batch][M rows of ldc] from outOffset

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

// Where a block's four vec4s start, and how far they move per 4 steps of K. A block is a 4x4
// matrix; the loads give its columns, or its rows when the operand is stored transposed.
struct Walk {
  origin: vec4<u32>,
  step: u32,
}

// A at rows m0..m0+3: column i of the block is row m0+i over 4 k.
fn walkA(base: u32, m0: u32) -> Walk {
  let lda4 = params.lda / 4u;
  let last = params.M - 1u;
  if (TRANSPOSE_A) {
    // Stored [K][M]: a vec4 holds 4 rows at one k. Rows past M stay inside the row (lda >= M).
    let start = base + min(m0, last) / 4u;
    return Walk(vec4<u32>(start) + vec4<u32>(0u, 1u, 2u, 3u) * lda4, 4u * lda4);
  }
  return Walk(vec4<u32>(base) + min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last)) * lda4, 1u);
}

// B at columns n0..n0+3: column kk of the block is row k = 4*k4+kk over the 4 columns.
fn walkB(base: u32, n0: u32) -> Walk {
  let ldb4 = params.ldb / 4u;
  let last = params.N - 1u;
  if (TRANSPOSE_B) {
    // Stored [N][K]: a vec4 holds 4 k of one column.
    return Walk(vec4<u32>(base) + min(vec4<u32>(n0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(last)) * ldb4, 1u);
  }
  // Columns past N stay inside the row (ldb >= N).
  let start = base + min(n0, last) / 4u;
  return Walk(vec4<u32>(start) + vec4<u32>(0u, 1u, 2u, 3u) * ldb4, 4u * ldb4);
}

fn loadA(w: Walk, k4: u32) -> mat4x4<f32> {
  let i = w.origin + vec4<u32>(k4 * w.step);
  let m = mat4x4<f32>(a[i.x], a[i.y], a[i.z], a[i.w]);
  if (TRANSPOSE_A) { return transpose(m); }
  return m;
}

fn loadB(w: Walk, k4: u32) -> mat4x4<f32> {
  let i = w.origin + vec4<u32>(k4 * w.step);
  let m = mat4x4<f32>(b[i.x], b[i.y], b[i.z], b[i.w]);
  if (TRANSPOSE_B) { return transpose(m); }
  return m;
}

// BIAS_BY_COLUMN: the bias of columns n0..n0+3 as a block to add to c (every row the same).
// Columns past N read column N-1's bias; they are not stored.
fn columnBias(z: u32, n0: u32) -> mat4x4<f32> {
  let base = z * params.biasStrideZ;
  let n = min(vec4<u32>(n0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.N - 1u)) * params.biasStrideN;
  let v = vec4<f32>(bias[base + n.x], bias[base + n.y], bias[base + n.z], bias[base + n.w]);
  return mat4x4<f32>(v, v, v, v);
}

// Writes the 4x4 block c (column i = output row m0+i over n) at rows m0.., columns n0...
fn store(c: mat4x4<f32>, z: u32, m0: u32, n0: u32) {
  let outBase = params.outOffset + z * params.outBatchStride;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= params.M) { return; }
    for (var j = 0u; j < 4u; j++) {
      let n = n0 + j;
      if (n >= params.N) { break; }
      var v = c[i][j];
      if (HAS_BIAS && !BIAS_BY_COLUMN) { v += bias[z * params.biasStrideZ + m * params.biasStrideM + n * params.biasStrideN]; }
      out[outBase + m * params.ldc + n] = activate(v, params.alpha, params.beta);
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(subgroup_id) subgroup: u32,
        @builtin(subgroup_size) subgroupSize: u32, @builtin(subgroup_invocation_id) lane: u32) {
  // This invocation's block: quad mates take consecutive blocks of one block row (WG_X % 4 == 0).
  let slot = subgroup * subgroupSize + lane;
  let m0 = (wg.y * WG_Y + slot / WG_X) * TILE_M;
  let n0 = (wg.x * WG_X + slot % WG_X) * TILE_N;
  let q = lane % 4u;

  // First vec4 of this batch entry's A and B, broadcasting batch dims of size 1.
  var rest = wg.z;
  var baseA = 0u;
  var baseB = 0u;
  for (var d = 3; d >= 0; d--) {
    let coord = rest % params.batchShape[d];
    rest = rest / params.batchShape[d];
    baseA += coord * params.aBatchStrides[d];
    baseB += coord * params.bBatchStrides[d];
  }
  baseA /= 4u;
  baseB /= 4u;

  // c<s><column block>: row block q ^ s of the 16 rows (s = 0: the slice this invocation loads).
  var c00 = mat4x4<f32>(); var c01 = mat4x4<f32>();
  var c10 = mat4x4<f32>(); var c11 = mat4x4<f32>();
  var c20 = mat4x4<f32>(); var c21 = mat4x4<f32>();
  var c30 = mat4x4<f32>(); var c31 = mat4x4<f32>();
  let wA = walkA(baseA, m0 + 4u * q);
  let wB0 = walkB(baseB, n0);
  let wB1 = walkB(baseB, n0 + 4u);
  let steps = params.K / 4u;
  for (var k4 = 0u; k4 < steps; k4++) {
    let b0 = loadB(wB0, k4);
    let b1 = loadB(wB1, k4);
    let a0 = loadA(wA, k4);
    c00 += b0 * a0; c01 += b1 * a0;
    let a1 = mat4x4<f32>(quadSwapX(a0[0]), quadSwapX(a0[1]), quadSwapX(a0[2]), quadSwapX(a0[3]));
    c10 += b0 * a1; c11 += b1 * a1;
    let a2 = mat4x4<f32>(quadSwapY(a0[0]), quadSwapY(a0[1]), quadSwapY(a0[2]), quadSwapY(a0[3]));
    c20 += b0 * a2; c21 += b1 * a2;
    let a3 = mat4x4<f32>(quadSwapDiagonal(a0[0]), quadSwapDiagonal(a0[1]), quadSwapDiagonal(a0[2]), quadSwapDiagonal(a0[3]));
    c30 += b0 * a3; c31 += b1 * a3;
  }

  if (m0 >= params.M || n0 >= params.N) { return; }
  if (HAS_BIAS && BIAS_BY_COLUMN) {
    let bias0 = columnBias(wg.z, n0);
    let bias1 = columnBias(wg.z, n0 + 4u);
    c00 += bias0; c10 += bias0; c20 += bias0; c30 += bias0;
    c01 += bias1; c11 += bias1; c21 += bias1; c31 += bias1;
  }
  store(c00, wg.z, m0 + 4u * q, n0); store(c01, wg.z, m0 + 4u * q, n0 + 4u);
  store(c10, wg.z, m0 + 4u * (q ^ 1u), n0); store(c11, wg.z, m0 + 4u * (q ^ 1u), n0 + 4u);
  store(c20, wg.z, m0 + 4u * (q ^ 2u), n0); store(c21, wg.z, m0 + 4u * (q ^ 2u), n0 + 4u);
  store(c30, wg.z, m0 + 4u * (q ^ 3u), n0); store(c31, wg.z, m0 + 4u * (q ^ 3u), n0 + 4u);
}
