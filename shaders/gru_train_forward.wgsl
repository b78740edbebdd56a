// GRU forward for training (Keras's parametrization, src/ops/recurrent-train/attrs.ts):
// z, r = F(x + h(t-1)·R), then with reset_after hh = G(x_h + r (h(t-1)·R_h + b_rec,h)) (every
// gate's x gets the input bias row, its recurrent product the recurrent row), without it
// hh = G(x_h + (r h(t-1))·R_h); h = z h(t-1) + (1 - z) hh. Saved per step: z, r, hh, aux and
// h(t-1), where aux is h(t-1)·R_h + b_rec,h (reset_after: what r scales) or r h(t-1) (without:
// the left operand of dR_h). A workgroup owns BATCH_TILE batch entries of one direction
// (workgroups [ceil(B / BATCH_TILE), D]); its invocations take units j, j + WG_SIZE, ... of every
// entry, each load of R serving all of them, and walk the steps [stepBegin, stepEnd).
// h(t-1) is read from the saved slot the previous step wrote, after a storageBarrier; without
// reset_after a second barrier lets every unit read all of r h(t-1) before hh.

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs; stepBegin == 0 also loads the initial state
  stepEnd: u32,
  hasH0: u32,       // 0: h(-1) = 0
  hasBias: u32,     // reset_after: 1 when the bias rows are bound
  alpha: vec4<f32>, // alpha and beta of F and G (x, y)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
override RESET_AFTER: bool = true;
override ACT_F: u32 = 2u;  // activation codes (trainActivate)
override ACT_G: u32 = 1u;

const SLOTS = 5u;   // saved: z, r, hh, aux, h(t-1)
const AUX = 3u;
const H_PREV = 4u;
const MAX_TILE = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<f32>;    // [B, T, D*3*H]
@group(0) @binding(2) var<storage, read_write> weights: array<f32>; // R [H, D*3*H]
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;    // [D, 2, 3*H] (reset_after)
@group(0) @binding(4) var<storage, read_write> h0: array<f32>;      // [B, D, H]
@group(0) @binding(5) var<storage, read_write> y: array<f32>;       // [B, T, D, H]
@group(0) @binding(6) var<storage, read_write> hN: array<f32>;      // [B, D, H]
@group(0) @binding(7) var<storage, read_write> saved: array<f32>;   // [B, T, D, SLOTS, H]

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

fn timeOf(d: u32, s: u32) -> u32 {
  return select(s, params.T - 1u - s, d == 1u);
}

fn savedAt(b: u32, t: u32, d: u32, slot: u32) -> u32 {
  return (((b * params.T + t) * params.D + d) * SLOTS + slot) * params.H;
}

// The bias of gate g, unit j of direction d, row 0 (input) or 1 (recurrent); 0 when unbound.
fn biasOf(d: u32, row: u32, g: u32, j: u32) -> f32 {
  if (!RESET_AFTER || params.hasBias == 0u) { return 0.0; }
  return bias[((d * 2u + row) * 3u + g) * params.H + j];
}

// The candidate hh and the new h of unit j, from its gates; writes them and y.
fn finish(b: u32, d: u32, s: u32, t: u32, j: u32, z: f32, preH: f32) {
  let H = params.H;
  let base = savedAt(b, t, d, 0u);
  let hh = activate(ACT_G, preH, params.alpha.y, params.beta.y);
  let h = z * saved[base + H_PREV * H + j] + (1.0 - z) * hh;
  saved[base + 2u * H + j] = hh;
  hN[(b * params.D + d) * H + j] = h;
  y[((b * params.T + t) * params.D + d) * H + j] = h;
  if (s + 1u < params.T) { saved[savedAt(b, timeOf(d, s + 1u), d, H_PREV) + j] = h; }
}

// For each entry e of the tile: start + the sum over k < H of saved[left[e] + k] R[k, r0 + gate H]
// for gates z, r and (with reset_after) h.
// Named accumulators stay in registers through the loop (an array indexed in it does not, on
// SwiftShader: 2.6x slower measured); tiles are 1, 2, 4 or 8 entries.
fn recurrentProducts(left: array<u32, MAX_TILE>, start: vec3<f32>, r0: u32) -> array<vec3<f32>, MAX_TILE> {
  let H = params.H;
  let cols = params.D * 3u * H;
  var a0 = start; var a1 = start; var a2 = start; var a3 = start; var a4 = start; var a5 = start; var a6 = start; var a7 = start;
  var r = r0;
  for (var k = 0u; k < H; k++) {
    let w = vec3<f32>(weights[r], weights[r + H], select(0.0, weights[r + 2u * H], RESET_AFTER));
    a0 += saved[left[0] + k] * w;
    if (BATCH_TILE > 1u) { a1 += saved[left[1] + k] * w; }
    if (BATCH_TILE > 2u) { a2 += saved[left[2] + k] * w; a3 += saved[left[3] + k] * w; }
    if (BATCH_TILE > 4u) {
      a4 += saved[left[4] + k] * w; a5 += saved[left[5] + k] * w;
      a6 += saved[left[6] + k] * w; a7 += saved[left[7] + k] * w;
    }
    r += cols;
  }
  return array<vec3<f32>, MAX_TILE>(a0, a1, a2, a3, a4, a5, a6, a7);
}

// recurrentProducts of the h gate alone, over r h(t-1) (aux): without reset_after.
fn resetProducts(left: array<u32, MAX_TILE>, r0: u32) -> array<f32, MAX_TILE> {
  let H = params.H;
  let cols = params.D * 3u * H;
  var a0 = 0.0; var a1 = 0.0; var a2 = 0.0; var a3 = 0.0; var a4 = 0.0; var a5 = 0.0; var a6 = 0.0; var a7 = 0.0;
  var r = r0;
  for (var k = 0u; k < H; k++) {
    let w = weights[r];
    a0 += saved[left[0] + k] * w;
    if (BATCH_TILE > 1u) { a1 += saved[left[1] + k] * w; }
    if (BATCH_TILE > 2u) { a2 += saved[left[2] + k] * w; a3 += saved[left[3] + k] * w; }
    if (BATCH_TILE > 4u) {
      a4 += saved[left[4] + k] * w; a5 += saved[left[5] + k] * w;
      a6 += saved[left[6] + k] * w; a7 += saved[left[7] + k] * w;
    }
    r += cols;
  }
  return array<f32, MAX_TILE>(a0, a1, a2, a3, a4, a5, a6, a7);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let first = wid.x * BATCH_TILE;
  let count = min(BATCH_TILE, params.B - first); // entries of this tile (the last may be partial)
  let H = params.H;
  let cols = params.D * 3u * H;
  if (params.stepBegin == 0u) {
    for (var e = 0u; e < count; e++) {
      let start = savedAt(first + e, timeOf(d, 0u), d, H_PREV);
      for (var j = lid; j < H; j += WG_SIZE) {
        var h = 0.0;
        if (params.hasH0 == 1u) { h = h0[((first + e) * params.D + d) * H + j]; }
        saved[start + j] = h;
      }
    }
    storageBarrier();
  }
  for (var s = params.stepBegin; s < params.stepEnd; s++) {
    let t = timeOf(d, s);
    // Each entry's saved values at t; entries past the batch read the last one's and write nothing.
    var base: array<u32, MAX_TILE>;
    var hPrev: array<u32, MAX_TILE>;
    var aux: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) {
      base[e] = savedAt(first + min(e, count - 1u), t, d, 0u);
      hPrev[e] = base[e] + H_PREV * H;
      aux[e] = base[e] + AUX * H;
    }
    for (var j = lid; j < H; j += WG_SIZE) {
      // The recurrent products of gates z, r (and h with reset_after).
      let recBias = vec3<f32>(biasOf(d, 1u, 0u, j), biasOf(d, 1u, 1u, j), biasOf(d, 1u, 2u, j));
      let rec = recurrentProducts(hPrev, recBias, d * 3u * H + j);
      let inBias = vec3<f32>(biasOf(d, 0u, 0u, j), biasOf(d, 0u, 1u, j), biasOf(d, 0u, 2u, j));
      for (var e = 0u; e < count; e++) {
        let b = first + e;
        let row = (b * params.T + t) * cols + d * 3u * H + j;
        let x = vec3<f32>(proj[row], proj[row + H], proj[row + 2u * H]) + inBias;
        let z = activate(ACT_F, x.x + rec[e].x, params.alpha.x, params.beta.x);
        let reset = activate(ACT_F, x.y + rec[e].y, params.alpha.x, params.beta.x);
        saved[base[e] + j] = z;
        saved[base[e] + H + j] = reset;
        if (RESET_AFTER) {
          saved[base[e] + AUX * H + j] = rec[e].z;
          finish(b, d, s, t, j, z, x.z + reset * rec[e].z);
        } else {
          saved[base[e] + AUX * H + j] = reset * saved[base[e] + H_PREV * H + j];
        }
      }
    }
    if (!RESET_AFTER) {
      storageBarrier();
      for (var j = lid; j < H; j += WG_SIZE) {
        let rh = resetProducts(aux, d * 3u * H + 2u * H + j);
        for (var e = 0u; e < count; e++) {
          let b = first + e;
          finish(b, d, s, t, j, saved[base[e] + j], proj[(b * params.T + t) * cols + d * 3u * H + 2u * H + j] + rh[e]);
        }
      }
    }
    storageBarrier();
  }
}
