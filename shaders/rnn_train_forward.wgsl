// Simple RNN forward for training (Keras's parametrization, src/ops/recurrent-train/attrs.ts):
// h(t) = F(x + h(t-1)·R), saving per step h(t) and h(t-1). A workgroup owns BATCH_TILE batch
// entries of one direction (workgroups [ceil(B / BATCH_TILE), D]); its invocations take units j,
// j + WG_SIZE, ... of every entry, each load of R serving all of them, and walk the steps
// [stepBegin, stepEnd). h(t-1) is read from the saved slot the previous step wrote, after a
// storageBarrier.

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs; stepBegin == 0 also loads the initial state
  stepEnd: u32,
  hasH0: u32,       // 0: h(-1) = 0
  alpha: vec4<f32>, // alpha and beta of F (x)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
override ACT_F: u32 = 1u;  // activation code (trainActivate)

const SLOTS = 2u;   // saved: h(t), h(t-1)
const H_PREV = 1u;
const MAX_TILE = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<f32>;    // [B, T, D*H]
@group(0) @binding(2) var<storage, read_write> weights: array<f32>; // R [H, D*H]
@group(0) @binding(3) var<storage, read_write> h0: array<f32>;      // [B, D, H]
@group(0) @binding(4) var<storage, read_write> y: array<f32>;       // [B, T, D, H]
@group(0) @binding(5) var<storage, read_write> hN: array<f32>;      // [B, D, H]
@group(0) @binding(6) var<storage, read_write> saved: array<f32>;   // [B, T, D, SLOTS, H]

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

// For each entry e of the tile: start[e] + the sum over k < H of saved[left[e] + k] R[r0 + k cols].
// Named accumulators stay in registers through the loop (an array indexed in it does not, on
// SwiftShader: 2.6x slower measured); tiles are 1, 2, 4 or 8 entries.
fn recurrentProducts(left: array<u32, MAX_TILE>, start: array<f32, MAX_TILE>, r0: u32) -> array<f32, MAX_TILE> {
  let H = params.H;
  let cols = params.D * H;
  var a0 = start[0]; var a1 = start[1]; var a2 = start[2]; var a3 = start[3];
  var a4 = start[4]; var a5 = start[5]; var a6 = start[6]; var a7 = start[7];
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
  let cols = params.D * H;
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
    // Each entry's h(t-1); entries past the batch read the last one's and write nothing.
    var hPrev: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) { hPrev[e] = savedAt(first + min(e, count - 1u), t, d, H_PREV); }
    for (var j = lid; j < H; j += WG_SIZE) {
      var x: array<f32, MAX_TILE>;
      for (var e = 0u; e < BATCH_TILE; e++) { x[e] = proj[((first + min(e, count - 1u)) * params.T + t) * cols + d * H + j]; }
      let pre = recurrentProducts(hPrev, x, d * H + j);
      for (var e = 0u; e < count; e++) {
        let b = first + e;
        let h = activate(ACT_F, pre[e], params.alpha.x, params.beta.x);
        saved[savedAt(b, t, d, 0u) + j] = h;
        hN[(b * params.D + d) * H + j] = h;
        y[((b * params.T + t) * params.D + d) * H + j] = h;
        if (s + 1u < params.T) { saved[savedAt(b, timeOf(d, s + 1u), d, H_PREV) + j] = h; }
      }
    }
    storageBarrier();
  }
}
