// GRU backward through time, vec4 form (the 'vec4' variants of recurrentTrain; units a multiple
// of 4): the math of gru_train_backward.wgsl with every load a vec4. An invocation takes a quad of
// units in each phase; the gathers dh(t-1)[k] = sum over q of dP[q] R[k, q] read R in its own
// layout [H, D*3*H] (rows contiguous in q), a 4 x 4 block of R (4 loads) per vec4 of dP and entry,
// where the scalar kernel loads one R^T value and one dP value per multiply-add. Phases, barriers
// and the carried dh (in the dh0 output, each quad with the invocation that writes it) are the
// scalar kernel's.

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs, counted from the last (T - 1 - s is the step)
  stepEnd: u32,
  hasDY: u32,       // which gradients are bound (0: zero)
  hasDHN: u32,
  alpha: vec4<f32>, // alpha and beta of F and G (x, y)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
override RESET_AFTER: bool = true;
override ACT_F: u32 = 2u;  // activation codes (trainActivate)
override ACT_G: u32 = 1u;

const SLOTS = 5u;   // saved: z, r, hh, aux, h(t-1)
const MAX_TILE = 8u;

// Indices below count vec4s: H / 4 of them per row of units.
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dY: array<vec4<f32>>;      // [B, T, D, H]
@group(0) @binding(2) var<storage, read_write> dHN: array<vec4<f32>>;     // [B, D, H]
@group(0) @binding(3) var<storage, read_write> weights: array<vec4<f32>>; // R [H, D*3*H]
@group(0) @binding(4) var<storage, read_write> saved: array<vec4<f32>>;   // [B, T, D, SLOTS, H]
@group(0) @binding(5) var<storage, read_write> dP: array<vec4<f32>>;      // [B, T, D*3*H]
@group(0) @binding(6) var<storage, read_write> dh: array<vec4<f32>>;      // [B, D, H]: carried; dh0 at the end
@group(0) @binding(7) var<storage, read_write> dGr: array<vec4<f32>>;     // [B, T, D*3*H] (reset_after)

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

fn slope4(code: u32, y: vec4<f32>, alpha: f32) -> vec4<f32> {
  return vec4<f32>(slope(code, y.x, alpha), slope(code, y.y, alpha), slope(code, y.z, alpha), slope(code, y.w, alpha));
}

fn timeOf(d: u32, s: u32) -> u32 {
  return select(s, params.T - 1u - s, d == 1u);
}

// For each entry e of the tile: component i is the sum over the vec4s q in [offset, offset + n) of
// dP[rows[e] + q] R[k + i, q], for the quad of R's rows k (r0: R's row k at q = 0, in vec4s).
// Named accumulators stay in registers through the loop (an array indexed in it does not, on SwiftShader).
fn gatherP(rows: array<u32, MAX_TILE>, offset: u32, r0: u32, n: u32) -> array<vec4<f32>, MAX_TILE> {
  let stride = params.D * 3u * params.H / 4u;
  var s0 = vec4<f32>(); var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0; var s6 = s0; var s7 = s0;
  for (var q = offset; q < offset + n; q++) {
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

// For each entry e of the tile: component i is the sum over the vec4s q in [offset, offset + n) of
// dGr[rows[e] + q] R[k + i, q], for the quad of R's rows k (r0: R's row k at q = 0, in vec4s).
// Named accumulators stay in registers through the loop (an array indexed in it does not, on SwiftShader).
fn gatherGr(rows: array<u32, MAX_TILE>, offset: u32, r0: u32, n: u32) -> array<vec4<f32>, MAX_TILE> {
  let stride = params.D * 3u * params.H / 4u;
  var s0 = vec4<f32>(); var s1 = s0; var s2 = s0; var s3 = s0; var s4 = s0; var s5 = s0; var s6 = s0; var s7 = s0;
  for (var q = offset; q < offset + n; q++) {
    let r = r0 + q;
    let block = mat4x4<f32>(weights[r], weights[r + stride], weights[r + 2u * stride], weights[r + 3u * stride]);
    s0 += dGr[rows[0] + q] * block;
    if (BATCH_TILE > 1u) { s1 += dGr[rows[1] + q] * block; }
    if (BATCH_TILE > 2u) { s2 += dGr[rows[2] + q] * block; s3 += dGr[rows[3] + q] * block; }
    if (BATCH_TILE > 4u) {
      s4 += dGr[rows[4] + q] * block; s5 += dGr[rows[5] + q] * block;
      s6 += dGr[rows[6] + q] * block; s7 += dGr[rows[7] + q] * block;
    }
  }
  return array<vec4<f32>, MAX_TILE>(s0, s1, s2, s3, s4, s5, s6, s7);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let first = wid.x * BATCH_TILE;
  let count = min(BATCH_TILE, params.B - first); // entries of this tile (the last may be partial)
  let H4 = params.H / 4u;
  let cols4 = params.D * 3u * H4;  // a row of dP or R: D * 3 * H values
  if (params.stepBegin == 0u) {
    for (var e = 0u; e < count; e++) {
      let state = ((first + e) * params.D + d) * H4;
      for (var j = lid; j < H4; j += WG_SIZE) {
        var h = vec4<f32>();
        if (params.hasDHN == 1u) { h = dHN[state + j]; }
        dh[state + j] = h;
      }
    }
  }
  for (var n = params.stepBegin; n < params.stepEnd; n++) {
    let t = timeOf(d, params.T - 1u - n);
    // Each entry's rows at t; entries past the batch read the last one's and write nothing.
    var rows: array<u32, MAX_TILE>;
    var bases: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) {
      let b = first + min(e, count - 1u);
      rows[e] = (b * params.T + t) * cols4 + d * 3u * H4;
      bases[e] = (((b * params.T + t) * params.D + d) * SLOTS) * H4;
    }
    for (var e = 0u; e < count; e++) {
      let state = ((first + e) * params.D + d) * H4;
      let base = bases[e];
      let row = rows[e];
      for (var j = lid; j < H4; j += WG_SIZE) {
        var dhj = dh[state + j];
        if (params.hasDY == 1u) { dhj += dY[(((first + e) * params.T + t) * params.D + d) * H4 + j]; }
        let z = saved[base + j];
        let hh = saved[base + 2u * H4 + j];
        let hPrev = saved[base + 4u * H4 + j];
        let preZ = dhj * (hPrev - hh) * slope4(ACT_F, z, params.alpha.x);
        let preH = dhj * (1.0 - z) * slope4(ACT_G, hh, params.alpha.y);
        dP[row + j] = preZ;
        dP[row + 2u * H4 + j] = preH;
        dh[state + j] = dhj * z;
        if (RESET_AFTER) {
          let r = saved[base + H4 + j];
          let preR = preH * saved[base + 3u * H4 + j] * slope4(ACT_F, r, params.alpha.x);
          dP[row + H4 + j] = preR;
          dGr[row + j] = preZ;
          dGr[row + H4 + j] = preR;
          dGr[row + 2u * H4 + j] = preH * r;
        }
      }
    }
    storageBarrier();
    if (!RESET_AFTER) {
      for (var k = lid; k < H4; k += WG_SIZE) {
        let u = gatherP(rows, 2u * H4, 4u * k * cols4 + d * 3u * H4, H4);
        for (var e = 0u; e < count; e++) {
          let reset = saved[bases[e] + H4 + k];
          dP[rows[e] + H4 + k] = u[e] * saved[bases[e] + 4u * H4 + k] * slope4(ACT_F, reset, params.alpha.x);
          dh[((first + e) * params.D + d) * H4 + k] += u[e] * reset;
        }
      }
      storageBarrier();
    }
    // dh(t-1) gathers the recurrent gradient of every gate the product h(t-1)·R reaches directly.
    for (var k = lid; k < H4; k += WG_SIZE) {
      var sum: array<vec4<f32>, MAX_TILE>;
      let r0 = 4u * k * cols4 + d * 3u * H4;
      if (RESET_AFTER) { sum = gatherGr(rows, 0u, r0, 3u * H4); } else { sum = gatherP(rows, 0u, r0, 2u * H4); }
      for (var e = 0u; e < count; e++) { dh[((first + e) * params.D + d) * H4 + k] += sum[e]; }
    }
  }
}
