// Simple RNN backward through time (Keras's parametrization, src/ops/recurrent-train/reference.ts
// has the derivation): per step, in reverse, with dh = dY(t) + the gradient carried from the step
// after (dHN before the last step): dPre = dh F'(h(t)), dh(t-1)[k] = sum_j dPre[j] R[k, j].
// A workgroup owns BATCH_TILE batch entries of one direction (workgroups [ceil(B / BATCH_TILE),
// D]); invocations take units j, j + WG_SIZE, ... of every entry: each writes the dPre of its
// units, then after a storageBarrier gathers
// dh(t-1) of its units over every unit of the step (no atomics), reading R^T (transposed by a
// first dispatch) so that neighbouring invocations read neighbouring weights. The carried dh lives
// in the dh0 output, each unit with one invocation, so steps may also run one dispatch each.

struct Params {
  T: u32,
  B: u32,
  H: u32,
  D: u32,
  stepBegin: u32,   // steps this dispatch runs, counted from the last (T - 1 - s is the step)
  stepEnd: u32,
  hasDY: u32,       // which gradients are bound (0: zero)
  hasDHN: u32,
  alpha: vec4<f32>, // alpha and beta of F (x)
  beta: vec4<f32>,
}

override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup (at most MAX_TILE): each load of R serves them all
override ACT_F: u32 = 1u;  // activation code (trainActivate)

const SLOTS = 2u;   // saved: h(t), h(t-1)
const MAX_TILE = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dY: array<f32>;      // [B, T, D, H]
@group(0) @binding(2) var<storage, read_write> dHN: array<f32>;     // [B, D, H]
@group(0) @binding(3) var<storage, read_write> weightsT: array<f32>; // R^T [D*H, H]
@group(0) @binding(4) var<storage, read_write> saved: array<f32>;   // [B, T, D, SLOTS, H]
@group(0) @binding(5) var<storage, read_write> dP: array<f32>;      // [B, T, D*H]
@group(0) @binding(6) var<storage, read_write> dh: array<f32>;      // [B, D, H]: carried; dh0 at the end

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

// For each entry e of the tile: the sum over q in [offset, offset + n) of dP[rows[e] + q] R^T[r0 + (q - offset) H].
// Named accumulators stay in registers through the loop (an array indexed in it does not, on
// SwiftShader: 2.6x slower measured); tiles are 1, 2, 4 or 8 entries.
fn gather(rows: array<u32, MAX_TILE>, offset: u32, r0: u32, n: u32) -> array<f32, MAX_TILE> {
  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0; var s4 = 0.0; var s5 = 0.0; var s6 = 0.0; var s7 = 0.0;
  var r = r0;
  for (var q = offset; q < offset + n; q++) {
    let w = weightsT[r];
    s0 += dP[rows[0] + q] * w;
    if (BATCH_TILE > 1u) { s1 += dP[rows[1] + q] * w; }
    if (BATCH_TILE > 2u) { s2 += dP[rows[2] + q] * w; s3 += dP[rows[3] + q] * w; }
    if (BATCH_TILE > 4u) {
      s4 += dP[rows[4] + q] * w; s5 += dP[rows[5] + q] * w;
      s6 += dP[rows[6] + q] * w; s7 += dP[rows[7] + q] * w;
    }
    r += params.H;
  }
  return array<f32, MAX_TILE>(s0, s1, s2, s3, s4, s5, s6, s7);
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
      let state = ((first + e) * params.D + d) * H;
      for (var j = lid; j < H; j += WG_SIZE) {
        var h = 0.0;
        if (params.hasDHN == 1u) { h = dHN[state + j]; }
        dh[state + j] = h;
      }
    }
  }
  for (var n = params.stepBegin; n < params.stepEnd; n++) {
    let t = timeOf(d, params.T - 1u - n);
    for (var e = 0u; e < count; e++) {
      let b = first + e;
      let state = (b * params.D + d) * H;
      let row = (b * params.T + t) * cols + d * H;
      for (var j = lid; j < H; j += WG_SIZE) {
        var dhj = dh[state + j];
        if (params.hasDY == 1u) { dhj += dY[((b * params.T + t) * params.D + d) * H + j]; }
        let h = saved[(((b * params.T + t) * params.D + d) * SLOTS) * H + j];
        dP[row + j] = dhj * slope(ACT_F, h, params.alpha.x);
      }
    }
    storageBarrier();
    // Entries past the batch read the last one's row and write nothing.
    var rows: array<u32, MAX_TILE>;
    for (var e = 0u; e < BATCH_TILE; e++) { rows[e] = ((first + min(e, count - 1u)) * params.T + t) * cols + d * H; }
    for (var k = lid; k < H; k += WG_SIZE) {
      let sum = gather(rows, 0u, d * H * H + k, H);
      for (var e = 0u; e < count; e++) { dh[((first + e) * params.D + d) * H + k] = sum[e]; }
    }
  }
}
