// Depthwise convolution with channel multiplier 1 (groups = Cin = Cout, weights [KH, KW, 1, C]),
// channels a multiple of 4, so that 4 channels are one vec4 of NHWC data.
//   out[n, oy, ox, c] = activate(bias[c] + sum_{ky, kx} x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, c] * w[ky, kx, 0, c])
// Built for SwiftShader, where every storage load is a bounds-checked gather per component and
// control flow in a loop costs more than the loads it saves (measured: bench/NOTES.md, issue 7).
// An invocation computes a block of rowsPer output rows of a strip of consecutive output pixels
// along W, for one channel quad, so each weight vec4 it loads serves every pixel of the strip:
// - 3x3, dilation 1 (KERNEL_3X3): strips of 2 pixels (1 where strideW > 1); the 9 weights are
//   loaded once and the input rows roll: each input row is loaded once, 4 columns, and every
//   strideH-th row completes an output row from the two rows kept before it (6 vec4 FMAs per
//   kernel row). At stride 1, against strips of 4 that load the 3 rows for every output row,
//   this cut the loads per output pixel from 6.75 to 2 and the kernel time ~2x; at stride 2 it
//   makes 8 against the tap loop's 11.25. Strips of 4 that roll ran no faster and took 1.7x as
//   long to compile; the two rows above the block are loaded by the same loop (its first trips
//   store nothing), since a second copy of the row code doubled the compile time too. Rows
//   outside [0, H) are masked.
// - any other kernel: strips of 4, rowsPer 1, and a loop over the taps, 1 weight and 4 input loads
//   per tap; rows outside [0, H) are skipped.
// Columns outside [0, W) read as zero through a select on a clamped index, so nothing is read out
// of range. Accumulators are matrices (a column per output pixel) indexed by constants only: an
// array indexed in a loop is kept in memory by SwiftShader.

struct Params {
  count: u32,    // N * rowBlocks * strips * C4: one invocation per block, strip and channel quad
  H: u32,
  W: u32,
  C4: u32,       // channels / 4
  OH: u32,
  OW: u32,
  strips: u32,   // ceil(OW / stripWidth)
  stripWidth: u32, // output pixels per strip: KERNEL_3X3 2 (strideW 1) or 1, else 4
  rowsPer: u32,  // output rows per invocation (1 unless KERNEL_3X3)
  rowBlocks: u32, // ceil(OH / rowsPer)
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
override KERNEL_3X3: bool = false;  // KH = KW = 3 with dilations 1

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

// One input row's 4 columns for a pair of outputs: what the 3x3 path keeps per kernel row.
struct Row4 { c0: vec4<f32>, c1: vec4<f32>, c2: vec4<f32>, c3: vec4<f32> }

fn loadRow(n: u32, iy: i32, col0: i32, q: u32) -> Row4 {
  let inside = iy >= 0 && iy < i32(params.H);
  let start = rowStart(n, iy);
  return Row4(column(start, col0, q, inside), column(start, col0 + 1, q, inside),
              column(start, col0 + 2, q, inside), column(start, col0 + 3, q, inside));
}

// One kernel row's 3 taps for the pair: output p reads columns p .. p + 2.
fn taps3(r: Row4, w0: vec4<f32>, w1: vec4<f32>, w2: vec4<f32>) -> mat2x4<f32> {
  return mat2x4<f32>(r.c0 * w0 + r.c1 * w1 + r.c2 * w2, r.c1 * w0 + r.c2 * w1 + r.c3 * w2);
}

fn rolling3x3(n: u32, oy0: u32, oyEnd: u32, ox0: u32, q: u32, b: vec4<f32>) {
  let C4 = params.C4;
  // The 9 weights through one load in a loop: on SwiftShader each load site compiles to a
  // per-lane gather, and nine of them cost ~15-20 ms of pipeline compile (bench/NOTES.md); read
  // back from the private array at constant indices, they are plain vector loads.
  var wk: array<vec4<f32>, 9>;
  for (var k = 0u; k < 9u; k++) { wk[k] = w[k * C4 + q]; }
  let w0 = wk[0]; let w1 = wk[1]; let w2 = wk[2]; let w3 = wk[3]; let w4 = wk[4];
  let w5 = wk[5]; let w6 = wk[6]; let w7 = wk[7]; let w8 = wk[8];
  let sh = params.strideH;
  let col0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let iy0 = i32(oy0 * sh) - i32(params.padTop);
  // Trip t loads input row iy0 + t; once the window holds 3 rows, every sh-th trip completes
  // output row oy0 + (t - 2) / sh from the two rows kept from earlier trips and this one.
  var above2: Row4;
  var above1: Row4;
  for (var t = 0u; t < (oyEnd - oy0 - 1u) * sh + 3u; t++) {
    let row = loadRow(n, iy0 + i32(t), col0, q);
    if (t >= 2u && (t - 2u) % sh == 0u) {
      let acc = taps3(above2, w0, w1, w2) + taps3(above1, w3, w4, w5) + taps3(row, w6, w7, w8);
      let outStart = ((n * params.OH + oy0 + (t - 2u) / sh) * params.OW + ox0) * C4 + q;
      out[outStart] = activate4(acc[0] + b);
      // Strips of 2 where strideW is 1; a wider stride has strips of 1 (acc[1] is not an output).
      if (params.stripWidth == 2u && ox0 + 1u < params.OW) { out[outStart + C4] = activate4(acc[1] + b); }
    }
    above2 = above1;
    above1 = row;
  }
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

// The strip's 4 outputs of row oy with bias and activation. The last strip of a row may run past
// OW: those pixels were computed from zeros, not stored.
fn storeStrip(n: u32, oy: u32, ox0: u32, q: u32, acc: mat4x4<f32>, b: vec4<f32>) {
  let left = params.OW - ox0;
  let outStart = ((n * params.OH + oy) * params.OW + ox0) * params.C4 + q;
  out[outStart] = activate4(acc[0] + b);
  if (left > 1u) { out[outStart + params.C4] = activate4(acc[1] + b); }
  if (left > 2u) { out[outStart + 2u * params.C4] = activate4(acc[2] + b); }
  if (left > 3u) { out[outStart + 3u * params.C4] = activate4(acc[3] + b); }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let q = i % params.C4;
  let strip = (i / params.C4) % params.strips;
  let block = i / (params.C4 * params.strips);  // n * rowBlocks + row block
  let n = block / params.rowBlocks;
  let oy0 = (block % params.rowBlocks) * params.rowsPer;
  let oyEnd = min(oy0 + params.rowsPer, params.OH);
  let ox0 = strip * params.stripWidth;

  var b = vec4<f32>(0.0);
  if (HAS_BIAS) { b = bias[q]; }
  if (KERNEL_3X3) {
    rolling3x3(n, oy0, oyEnd, ox0, q, b);
  } else {
    for (var oy = oy0; oy < oyEnd; oy++) { storeStrip(n, oy, ox0, q, anyKernel(n, oy, ox0, q), b); }
  }
}
