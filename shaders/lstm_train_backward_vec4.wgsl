// LSTM backward through time, vec4 form (the 'vec4' variants of recurrentTrain; units a multiple
// of 4): the math of lstm_train_backward.wgsl, with every load a vec4. An invocation takes a quad
// of units (j, j + 1, j + 2, j + 3), then a quad of R's rows (k ... k + 3; four quads with
// K_QUADS = 4, see gather4): dh(t-1)[k] = sum over
// q of dP[q] R[k, q], R in its own layout [H, D*4*H], whose rows are contiguous in q, so one step
// of the q loop loads 4 values of dP per entry and a 4 x 4 block of R (4 loads) for 16 multiply-
// adds per entry. The scalar kernel loads one R^T value and one dP value per entry for each
// multiply-add; on SwiftShader, where every load is a gather, loads are what a step costs.
// A workgroup owns BATCH_TILE batch entries of one direction; the carried dh and dc live in the
// dh0 and dc0 outputs (each quad with the invocation that writes it), so steps may also run one
// dispatch each.

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs, counted from the last (T - 1 - s is the step)
  stepEnd: u32,
  hasDY: u32,       // which gradients are bound (0: zero)
  hasDHN: u32,
  hasDCN: u32,
  alpha: vec4<f32>, // alpha and beta of F, G and Hc (x, y, z)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
// Quads of R's rows one invocation sums in the product dh(t-1) = dP R^T: 4 (where H / 4 is a
// multiple of 4) shares each load of dP among 16 rows instead of 4 (see gather4).
override K_QUADS: u32 = 1u;
override ACT_F: u32 = 2u;  // activation codes (trainActivate)
override ACT_G: u32 = 1u;
override ACT_H: u32 = 1u;

const SLOTS = 6u;   // saved: i, f, g, o, c(t-1), h(t-1)
const MAX_TILE = 8u;

// Indices below count vec4s: H / 4 of them per row of units.
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dY: array<vec4<f32>>;      // [B, T, D, H]
@group(0) @binding(2) var<storage, read_write> dHN: array<vec4<f32>>;     // [B, D, H]
@group(0) @binding(3) var<storage, read_write> dCN: array<vec4<f32>>;     // [B, D, H]
@group(0) @binding(4) var<storage, read_write> weights: array<vec4<f32>>; // R [H, D*4*H]
@group(0) @binding(5) var<storage, read_write> saved: array<vec4<f32>>;   // [B, T, D, SLOTS, H]
@group(0) @binding(6) var<storage, read_write> dP: array<vec4<f32>>;      // [B, T, D*4*H]
@group(0) @binding(7) var<storage, read_write> dh: array<vec4<f32>>;      // [B, D, H]: carried; dh0 at the end
@group(0) @binding(8) var<storage, read_write> dc: array<vec4<f32>>;      // [B, D, H]: carried; dc0 at the end

// BEGIN trainActivate
// The activations by code (RECURRENT_ACTIVATION_CODES in src/ops/recurrent/op.ts) and their
// derivatives written from their output y (what the backward has saved).
fn activate(code: u32, x: f32, alpha: f32, beta: f32) -> f32 {
  switch code {
    case 0u: { return max(x, 0.0); }                                  // Relu
    case 1u: { return tanh(clamp(x, -15.0, 15.0)); }                  // Tanh; clamped: some tanh builtins overflow to NaN
    case 2u: { return 1.0 / (1.0 + exp(-clamp(x, -80.0, 80.0))); }    // Sigmoid
    case 3u: { return alpha * x + beta; }                             // Affine
    case 4u: { return select(alpha * x, x, x >= 0.0); }               // LeakyRelu
    case 7u: { return clamp(alpha * x + beta, 0.0, 1.0); }            // HardSigmoid
    case 8u: { return select(alpha * (exp(min(x, 0.0)) - 1.0), x, x >= 0.0); } // Elu
    case 9u: { return x / (1.0 + abs(x)); }                           // Softsign
    case 10u: { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }       // Softplus, stable form
    default: { return x; }
  }
}

fn slope(code: u32, y: f32, alpha: f32) -> f32 {
  switch code {
    case 0u: { return select(0.0, 1.0, y > 0.0); }
    case 1u: { return 1.0 - y * y; }
    case 2u: { return y * (1.0 - y); }
    case 3u: { return alpha; }
    case 4u: { return select(alpha, 1.0, y >= 0.0); }
    case 7u: { return select(0.0, alpha, y > 0.0 && y < 1.0); }
    case 8u: { return select(y + alpha, 1.0, y >= 0.0); }
    case 9u: { return (1.0 - abs(y)) * (1.0 - abs(y)); }
    case 10u: { return 1.0 - exp(-y); }
    default: { return 1.0; }
  }
}
// END trainActivate

fn activate4(code: u32, x: vec4<f32>, alpha: f32, beta: f32) -> vec4<f32> {
  return vec4<f32>(activate(code, x.x, alpha, beta), activate(code, x.y, alpha, beta), activate(code, x.z, alpha, beta), activate(code, x.w, alpha, beta));
}

fn slope4(code: u32, y: vec4<f32>, alpha: f32) -> vec4<f32> {
  return vec4<f32>(slope(code, y.x, alpha), slope(code, y.y, alpha), slope(code, y.z, alpha), slope(code, y.w, alpha));
}

fn timeOf(d: u32, s: u32) -> u32 {
  return select(s, params.T - 1u - s, d == 1u);
}

// For each entry e of the tile: component i is the sum over q of dP[rows[e] + q] R[k + i, q], for
// the quad of rows k (r0: R's row k, in vec4s; stride: a row of R, in vec4s; n: vec4s of q). Named
// accumulators stay in registers through the loop (an array indexed in it does not, on SwiftShader).
fn gather(rows: array<u32, MAX_TILE>, r0: u32, stride: u32, n: u32) -> array<vec4<f32>, MAX_TILE> {
  var s0 = vec4<f32>(); var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0; var s6 = s0; var s7 = s0;
  for (var q = 0u; q < n; q++) {
    let r = r0 + q;
    let block = mat4x4<f32>(weights[r], weights[r + stride], weights[r + 2u * stride], weights[r + 3u * stride]);
    s0 += dP[rows[0] + q] * block;
    if (BATCH_TILE > 1u) { s1 += dP[rows[1] + q] * block; }
    if (BATCH_TILE > 2u) { s2 += dP[rows[2] + q] * block; s3 += dP[rows[3] + q] * block; }
    if (BATCH_TILE > 4u) {
      s4 += dP[rows[4] + q] * block; s5 += dP[rows[5] + q] * block;
      s6 += dP[rows[6] + q] * block; s7 += dP[rows[7] + q] * block;
    }
  }
  return array<vec4<f32>, MAX_TILE>(s0, s1, s2, s3, s4, s5, s6, s7);
}

// gather for four quads of rows at once (r0: the first quad's first row; the others 4 rows apart):
// for each entry, the sums of the quads as the columns of a mat4x4. Per step of q it loads 16
// vec4s of R and one of dP per entry for 64 multiply-adds per entry, where gather loads 4 and one
// for 16: the ratio of the forward kernel's loop.
fn gather4(rows: array<u32, MAX_TILE>, r0: u32, stride: u32, n: u32) -> array<mat4x4<f32>, MAX_TILE> {
  var s0 = mat4x4<f32>(); var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0; var s6 = s0; var s7 = s0;
  for (var q = 0u; q < n; q++) {
    let r = r0 + q;
    let b0 = mat4x4<f32>(weights[r], weights[r + stride], weights[r + 2u * stride], weights[r + 3u * stride]);
    let r1 = r + 4u * stride;
    let b1 = mat4x4<f32>(weights[r1], weights[r1 + stride], weights[r1 + 2u * stride], weights[r1 + 3u * stride]);
    let r2 = r1 + 4u * stride;
    let b2 = mat4x4<f32>(weights[r2], weights[r2 + stride], weights[r2 + 2u * stride], weights[r2 + 3u * stride]);
    let r3 = r2 + 4u * stride;
    let b3 = mat4x4<f32>(weights[r3], weights[r3 + stride], weights[r3 + 2u * stride], weights[r3 + 3u * stride]);
    var v = dP[rows[0] + q];
    s0 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
    if (BATCH_TILE > 1u) { v = dP[rows[1] + q]; s1 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3); }
    if (BATCH_TILE > 2u) {
      v = dP[rows[2] + q]; s2 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
      v = dP[rows[3] + q]; s3 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
    }
    if (BATCH_TILE > 4u) {
      v = dP[rows[4] + q]; s4 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
      v = dP[rows[5] + q]; s5 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
      v = dP[rows[6] + q]; s6 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
      v = dP[rows[7] + q]; s7 += mat4x4<f32>(v * b0, v * b1, v * b2, v * b3);
    }
  }
  return array<mat4x4<f32>, MAX_TILE>(s0, s1, s2, s3, s4, s5, s6, s7);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let first = wid.x * BATCH_TILE;
  let count = min(BATCH_TILE, params.B - first); // entries of this tile (the last may be partial)
  let H4 = params.H / 4u;
  let cols4 = params.D * params.H;  // a row of dP or R: D * 4 * H values
  if (params.stepBegin == 0u) {
    for (var e = 0u; e < count; e++) {
      let state = ((first + e) * params.D + d) * H4;
      for (var j = lid; j < H4; j += WG_SIZE) {
        var h = vec4<f32>();
        var c = vec4<f32>();
        if (params.hasDHN == 1u) { h = dHN[state + j]; }
        if (params.hasDCN == 1u) { c = dCN[state + j]; }
        dh[state + j] = h;
        dc[state + j] = c;
      }
    }
  }
  for (var n = params.stepBegin; n < params.stepEnd; n++) {
    let t = timeOf(d, params.T - 1u - n);
    for (var e = 0u; e < count; e++) {
      let b = first + e;
      let state = (b * params.D + d) * H4;
      let base = ((b * params.T + t) * params.D + d) * SLOTS * H4;
      let row = (b * params.T + t) * cols4 + d * 4u * H4;
      for (var j = lid; j < H4; j += WG_SIZE) {
        var dhj = dh[state + j];
        if (params.hasDY == 1u) { dhj += dY[((b * params.T + t) * params.D + d) * H4 + j]; }
        let i = saved[base + j];
        let f = saved[base + H4 + j];
        let g = saved[base + 2u * H4 + j];
        let o = saved[base + 3u * H4 + j];
        let cPrev = saved[base + 4u * H4 + j];
        let hc = activate4(ACT_H, f * cPrev + i * g, params.alpha.z, params.beta.z);
        let dcj = dc[state + j] + dhj * o * slope4(ACT_H, hc, params.alpha.z);
        dP[row + j] = dcj * g * slope4(ACT_F, i, params.alpha.x);
        dP[row + H4 + j] = dcj * cPrev * slope4(ACT_F, f, params.alpha.x);
        dP[row + 2u * H4 + j] = dcj * i * slope4(ACT_G, g, params.alpha.y);
        dP[row + 3u * H4 + j] = dhj * hc * slope4(ACT_F, o, params.alpha.x);
        dc[state + j] = dcj * f;
      }
    }
    storageBarrier();
    // Entries past the batch read the last one's row and write nothing.
    var rows: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) { rows[e] = ((first + min(e, count - 1u)) * params.T + t) * cols4 + d * 4u * H4; }
    if (K_QUADS == 4u) {
      for (var kq = lid; kq < H4 / 4u; kq += WG_SIZE) {
        let k = 4u * kq;
        let sum = gather4(rows, 4u * k * cols4 + d * 4u * H4, cols4, 4u * H4);
        for (var e = 0u; e < count; e++) {
          let at = ((first + e) * params.D + d) * H4 + k;
          dh[at] = sum[e][0];
          dh[at + 1u] = sum[e][1];
          dh[at + 2u] = sum[e][2];
          dh[at + 3u] = sum[e][3];
        }
      }
    } else {
      for (var k = lid; k < H4; k += WG_SIZE) {
        let sum = gather(rows, 4u * k * cols4 + d * 4u * H4, cols4, 4u * H4);
        for (var e = 0u; e < count; e++) { dh[((first + e) * params.D + d) * H4 + k] = sum[e]; }
      }
    }
  }
}
