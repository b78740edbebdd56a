// LSTM forward for training, vec4 form (the 'vec4' variants of recurrentTrain; units a multiple
// of 4): the math of lstm_train_forward.wgsl with every load a vec4. An invocation takes a quad
// of units (j ... j + 3) and keeps, for each entry of its batch tile, the four gates of those
// units as the columns of one mat4x4. Per quad of k it loads h(t-1)[k ... k + 3] of each entry and,
// for each gate, the 4 x 4 block of R (rows k ... k + 3, the quad's columns; 4 loads), and adds
// block * h: 16 loads of R and one load per entry for 64 multiply-adds per entry, where the
// scalar kernel makes 4 loads of R and one per entry for 4. A workgroup owns BATCH_TILE batch
// entries of one direction and walks the steps [stepBegin, stepEnd) in order; h(t-1) is read from
// the saved slot where the previous step wrote it, after a storageBarrier; c stays with the
// invocation of its quad (in cN, which holds the final c at the end).

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs; stepBegin == 0 also loads the initial states
  stepEnd: u32,
  hasH0: u32,       // 0: h(-1) = 0
  hasC0: u32,       // 0: c(-1) = 0
  alpha: vec4<f32>, // alpha and beta of F, G and Hc (x, y, z)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
override ACT_F: u32 = 2u;  // activation codes (trainActivate)
override ACT_G: u32 = 1u;
override ACT_H: u32 = 1u;

const SLOTS = 6u;   // saved: i, f, g, o, c(t-1), h(t-1)
const H_PREV = 5u;
const MAX_TILE = 8u;

// Indices below count vec4s: H / 4 of them per row of units.
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<vec4<f32>>;    // [B, T, D*4*H]
@group(0) @binding(2) var<storage, read_write> weights: array<vec4<f32>>; // R [H, D*4*H]
@group(0) @binding(3) var<storage, read_write> h0: array<vec4<f32>>;      // [B, D, H]
@group(0) @binding(4) var<storage, read_write> c0: array<vec4<f32>>;      // [B, D, H]
@group(0) @binding(5) var<storage, read_write> y: array<vec4<f32>>;       // [B, T, D, H]
@group(0) @binding(6) var<storage, read_write> hN: array<vec4<f32>>;      // [B, D, H]
@group(0) @binding(7) var<storage, read_write> cN: array<vec4<f32>>;      // [B, D, H]
@group(0) @binding(8) var<storage, read_write> saved: array<vec4<f32>>;   // [B, T, D, SLOTS, H]

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

// The time index of step s: the backward direction walks t down.
fn timeOf(d: u32, s: u32) -> u32 {
  return select(s, params.T - 1u - s, d == 1u);
}

fn savedAt(b: u32, t: u32, d: u32, slot: u32) -> u32 {
  return (((b * params.T + t) * params.D + d) * SLOTS + slot) * (params.H / 4u);
}

// The projections of gates i, f, c, o (the columns) of quad j for entry e of the tile (past the batch: the last entry's).
fn projection(first: u32, count: u32, e: u32, t: u32, d: u32, j: u32) -> mat4x4<f32> {
  let H4 = params.H / 4u;
  let row = ((first + min(e, count - 1u)) * params.T + t) * params.D * params.H + d * params.H + j;
  return mat4x4<f32>(proj[row], proj[row + H4], proj[row + 2u * H4], proj[row + 3u * H4]);
}

// block (rows of R) * h for each gate block: the four gates' sums over one quad of k, as columns.
fn gates(bi: mat4x4<f32>, bf: mat4x4<f32>, bg: mat4x4<f32>, bo: mat4x4<f32>, h: vec4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(bi * h, bf * h, bg * h, bo * h);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let first = wid.x * BATCH_TILE;
  let count = min(BATCH_TILE, params.B - first); // entries of this tile (the last may be partial)
  let H4 = params.H / 4u;
  let cols4 = params.D * params.H;  // a row of R: D * 4 * H values
  if (params.stepBegin == 0u) {
    for (var e = 0u; e < count; e++) {
      let state = ((first + e) * params.D + d) * H4;
      let start = savedAt(first + e, timeOf(d, 0u), d, H_PREV);
      for (var j = lid; j < H4; j += WG_SIZE) {
        var h = vec4<f32>();
        var c = vec4<f32>();
        if (params.hasH0 == 1u) { h = h0[state + j]; }
        if (params.hasC0 == 1u) { c = c0[state + j]; }
        saved[start + j] = h;
        cN[state + j] = c;
      }
    }
    storageBarrier();
  }
  for (var s = params.stepBegin; s < params.stepEnd; s++) {
    let t = timeOf(d, s);
    // Each entry's h(t-1); entries past the batch read the last one's and write nothing.
    var hPrev: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) { hPrev[e] = savedAt(first + min(e, count - 1u), t, d, H_PREV); }
    for (var j = lid; j < H4; j += WG_SIZE) {
      // Named accumulators, so that they stay in registers through the k loop.
      var p0 = projection(first, count, 0u, t, d, j);
      var p1 = p0; var p2 = p0; var p3 = p0; var p4 = p0; var p5 = p0; var p6 = p0; var p7 = p0;
      if (BATCH_TILE > 1u) { p1 = projection(first, count, 1u, t, d, j); }
      if (BATCH_TILE > 2u) { p2 = projection(first, count, 2u, t, d, j); p3 = projection(first, count, 3u, t, d, j); }
      if (BATCH_TILE > 4u) {
        p4 = projection(first, count, 4u, t, d, j); p5 = projection(first, count, 5u, t, d, j);
        p6 = projection(first, count, 6u, t, d, j); p7 = projection(first, count, 7u, t, d, j);
      }
      var r = d * params.H + j;  // R[k, gate i, quad j] in vec4s; the other gates H4 further on
      for (var k = 0u; k < H4; k++) {
        let bi = mat4x4<f32>(weights[r], weights[r + cols4], weights[r + 2u * cols4], weights[r + 3u * cols4]);
        let rf = r + H4;
        let bf = mat4x4<f32>(weights[rf], weights[rf + cols4], weights[rf + 2u * cols4], weights[rf + 3u * cols4]);
        let rg = rf + H4;
        let bg = mat4x4<f32>(weights[rg], weights[rg + cols4], weights[rg + 2u * cols4], weights[rg + 3u * cols4]);
        let ro = rg + H4;
        let bo = mat4x4<f32>(weights[ro], weights[ro + cols4], weights[ro + 2u * cols4], weights[ro + 3u * cols4]);
        p0 += gates(bi, bf, bg, bo, saved[hPrev[0] + k]);
        if (BATCH_TILE > 1u) { p1 += gates(bi, bf, bg, bo, saved[hPrev[1] + k]); }
        if (BATCH_TILE > 2u) { p2 += gates(bi, bf, bg, bo, saved[hPrev[2] + k]); p3 += gates(bi, bf, bg, bo, saved[hPrev[3] + k]); }
        if (BATCH_TILE > 4u) {
          p4 += gates(bi, bf, bg, bo, saved[hPrev[4] + k]); p5 += gates(bi, bf, bg, bo, saved[hPrev[5] + k]);
          p6 += gates(bi, bf, bg, bo, saved[hPrev[6] + k]); p7 += gates(bi, bf, bg, bo, saved[hPrev[7] + k]);
        }
        r += 4u * cols4;
      }
      let pre = array<mat4x4<f32>, MAX_TILE>(p0, p1, p2, p3, p4, p5, p6, p7);
      for (var e = 0u; e < count; e++) {
        let b = first + e;
        let state = (b * params.D + d) * H4;
        let base = savedAt(b, t, d, 0u);
        let i = activate4(ACT_F, pre[e][0], params.alpha.x, params.beta.x);
        let f = activate4(ACT_F, pre[e][1], params.alpha.x, params.beta.x);
        let g = activate4(ACT_G, pre[e][2], params.alpha.y, params.beta.y);
        let o = activate4(ACT_F, pre[e][3], params.alpha.x, params.beta.x);
        let cPrev = cN[state + j];
        let c = f * cPrev + i * g;
        let h = o * activate4(ACT_H, c, params.alpha.z, params.beta.z);
        saved[base + j] = i;
        saved[base + H4 + j] = f;
        saved[base + 2u * H4 + j] = g;
        saved[base + 3u * H4 + j] = o;
        saved[base + 4u * H4 + j] = cPrev;
        cN[state + j] = c;
        hN[state + j] = h;
        y[((b * params.T + t) * params.D + d) * H4 + j] = h;
        if (s + 1u < params.T) { saved[savedAt(b, timeOf(d, s + 1u), d, H_PREV) + j] = h; }
      }
    }
    storageBarrier();
  }
}
