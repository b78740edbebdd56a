// Simple RNN layer, fused: h(t) = f(x(t) W + h(t-1) R + biases). A workgroup runs BATCH_TILE
// batch entries of one direction d (workgroups = [ceil(B / BATCH_TILE), D]); each invocation
// owns quads of 4 hidden units. For a step it computes the recurrent product h(t-1)·R of its
// units for every entry of the tile (each load of R serves all of them), adds the input
// projection (x(t)·W + the folded biases, done for every step by one GEMM before the
// recurrence), applies clip and f, and writes h(t) and y(t). Layout: src/ops/recurrent/layout.ts.
//   SEQUENCE = false: one step per dispatch (params.step); h comes from and goes to storage
//     buffers the plan alternates, and the last step writes the final-state output.
//   SEQUENCE = true: one dispatch runs all T steps; h stays in workgroup memory
//     (double-buffered), with one barrier per step.
// Ragged batches: at steps s >= len[b] the state is kept and y(s) is 0; a backward direction
// walks t = len[b]-1 down to 0 (ONNX sequence_lens).

struct Params {
  T: u32,
  B: u32,
  H: u32,
  Hq: u32,             // quads of units, ceil(H / 4)
  D: u32,
  step: u32,           // per-step mode: the step this dispatch runs
  loadState: u32,      // 0: the state before this dispatch is zero (no initial state)
  reverse: u32,        // 1: direction slot 0 walks backward (direction 'reverse')
  projRowQuads: u32,   // quads per projection row: D * GATES * Hq
  xStrideT: u32,       // projection rows between consecutive t, and between batch entries
  xStrideB: u32,
  yStrideT: u32,       // y element offsets per t, direction and batch entry
  yStrideD: u32,
  yStrideB: u32,
  sStrideD: u32,       // state element offsets per direction and batch entry
  sStrideB: u32,
  clip: f32,           // pre-activations are clamped to [-clip, clip]
  writeY: u32,         // 1: write y(t) (a runtime value, so stacked layers share one pipeline)
  alpha0: vec4<f32>,   // alpha of f for direction slot 0 (y, z, w unused)
  beta0: vec4<f32>,
  alpha1: vec4<f32>,   // the same for direction slot 1
  beta1: vec4<f32>,
}

override SEQUENCE: bool = false;
override HAS_LENGTHS: bool = false;
override F0: u32 = 1u;   // activation code of f per direction slot (recurrentActivate)
override F1: u32 = 1u;
override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup: 1, 2 or 4
override CAPACITY: u32 = 4u;    // units per entry in workgroup memory; sequence mode needs >= 4 * Hq

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<vec4<f32>>;     // [T*B rows][D, Hq] in the input's row order
@group(0) @binding(2) var<storage, read_write> weights: array<vec4<f32>>;  // R [D, 4 * Hq, Hq] (rows past H 0)
@group(0) @binding(3) var<storage, read_write> lengths: array<i32>;        // [B]
@group(0) @binding(4) var<storage, read_write> hIn: array<f32>;            // [D, B, H] or [B, D, H] via sStride*
@group(0) @binding(5) var<storage, read_write> hOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;              // via yStride*

var<workgroup> hShared: array<f32, 2u * BATCH_TILE * CAPACITY>;  // [2][BATCH_TILE][CAPACITY]

// BEGIN recurrentActivate
// The ONNX recurrent activations by code (RECURRENT_ACTIVATION_CODES in src/ops/recurrent/op.ts).
fn recurrentActivate(code: u32, x: vec4<f32>, alpha: f32, beta: f32) -> vec4<f32> {
  let zero = vec4<f32>(0.0);
  switch code {
    case 0u: { return max(x, zero); }                                             // Relu
    case 1u: { return tanh(clamp(x, vec4(-15.0), vec4(15.0))); }                  // Tanh; clamped: some tanh builtins overflow to NaN
    case 2u: { return 1.0 / (1.0 + exp(-clamp(x, vec4(-80.0), vec4(80.0)))); }    // Sigmoid
    case 3u: { return alpha * x + beta; }                                         // Affine
    case 4u: { return select(alpha * x, x, x >= zero); }                          // LeakyRelu
    case 5u: { return select(zero, x, x >= vec4(alpha)); }                        // ThresholdedRelu
    case 6u: { return alpha * tanh(clamp(beta * x, vec4(-15.0), vec4(15.0))); }   // ScaledTanh
    case 7u: { return clamp(alpha * x + beta, zero, vec4(1.0)); }                 // HardSigmoid
    case 8u: { return select(alpha * (exp(min(x, zero)) - 1.0), x, x >= zero); }  // Elu
    case 9u: { return x / (1.0 + abs(x)); }                                       // Softsign
    case 10u: { return max(x, zero) + log(1.0 + exp(-abs(x))); }                  // Softplus, stable form
    default: { return x; }
  }
}
// END recurrentActivate

// One batch entry of the workgroup at the current step.
struct Entry {
  slot: u32,      // index in the tile
  b: u32,         // batch index, clamped into range for loads
  inBatch: bool,  // false for tile padding past B: nothing is written
  valid: bool,    // false past the sequence's length: y is 0 and the state is kept
  t: u32,         // the time processed (the step itself when !valid)
  sBase: u32,     // offset of its state in the state buffers
}

fn prevH(e: Entry, cur: u32, j: u32) -> f32 {
  if (SEQUENCE) { return hShared[(cur * BATCH_TILE + e.slot) * CAPACITY + j]; }
  if (params.loadState == 0u) { return 0.0; }
  return hIn[e.sBase + j];
}

fn projection(e: Entry, d: u32, q: u32) -> vec4<f32> {
  return proj[(e.t * params.xStrideT + e.b * params.xStrideB) * params.projRowQuads + d * params.Hq + q];
}

// Writes y(t) and the new state of units 4q .. 4q+3 of entry e; past the sequence's length y is
// 0 and the state is kept.
fn finishQuad(e: Entry, d: u32, q: u32, cur: u32, h: vec4<f32>) {
  if (!e.inBatch) { return; }
  let yBase = e.t * params.yStrideT + d * params.yStrideD + e.b * params.yStrideB;
  for (var i = 0u; i < 4u; i++) {
    let j = 4u * q + i;
    if (j >= params.H) { break; }
    if (params.writeY == 1u) { y[yBase + j] = select(0.0, h[i], e.valid); }
    let state = select(prevH(e, cur, j), h[i], e.valid);
    if (SEQUENCE) { hShared[((1u - cur) * BATCH_TILE + e.slot) * CAPACITY + j] = state; } else { hOut[e.sBase + j] = state; }
  }
}

// Units 4q .. 4q+3 of every entry of the tile; the accumulators are named so that they stay in
// registers through the k loop.
fn stepQuad(e0: Entry, e1: Entry, e2: Entry, e3: Entry, d: u32, q: u32, cur: u32) {
  var a0 = projection(e0, d, q);
  var a1 = a0;
  var a2 = a0;
  var a3 = a0;
  if (BATCH_TILE > 1u) { a1 = projection(e1, d, q); }
  if (BATCH_TILE > 2u) { a2 = projection(e2, d, q); a3 = projection(e3, d, q); }
  let kEnd = select(0u, params.H, SEQUENCE || params.loadState == 1u);
  var r = d * 4u * params.Hq * params.Hq + q;
  for (var k = 0u; k < kEnd; k++) {
    let w = weights[r];
    a0 += prevH(e0, cur, k) * w;
    if (BATCH_TILE > 1u) { a1 += prevH(e1, cur, k) * w; }
    if (BATCH_TILE > 2u) { a2 += prevH(e2, cur, k) * w; a3 += prevH(e3, cur, k) * w; }
    r += params.Hq;
  }
  let lim = vec4<f32>(params.clip);
  let code = select(F0, F1, d == 1u);
  let alpha = select(params.alpha0, params.alpha1, d == 1u).x;
  let beta = select(params.beta0, params.beta1, d == 1u).x;
  let entries = array<Entry, 4>(e0, e1, e2, e3);
  let accs = array<vec4<f32>, 4>(a0, a1, a2, a3);
  for (var e = 0u; e < BATCH_TILE; e++) {
    finishQuad(entries[e], d, q, cur, recurrentActivate(code, clamp(accs[e], -lim, lim), alpha, beta));
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let backward = (d == 1u) != (params.reverse == 1u);
  var entries: array<Entry, 4>;
  var lens: array<u32, 4>;
  for (var e = 0u; e < 4u; e++) {
    let b = wid.x * BATCH_TILE + e;
    let clamped = min(b, params.B - 1u);
    entries[e] = Entry(e, clamped, b < params.B && e < BATCH_TILE, true, 0u, d * params.sStrideD + clamped * params.sStrideB);
    lens[e] = params.T;
    if (HAS_LENGTHS) { lens[e] = u32(lengths[clamped]); }
    if (SEQUENCE && e < BATCH_TILE) {
      for (var j = lid; j < params.H; j += WG_SIZE) {
        hShared[e * CAPACITY + j] = select(0.0, hIn[entries[e].sBase + j], params.loadState == 1u);
      }
    }
  }
  if (SEQUENCE) { workgroupBarrier(); }
  let first = select(params.step, 0u, SEQUENCE);
  let last = select(params.step + 1u, params.T, SEQUENCE);
  var cur = 0u;
  for (var s = first; s < last; s++) {
    for (var e = 0u; e < 4u; e++) {
      entries[e].valid = s < lens[e];
      entries[e].t = select(s, lens[e] - 1u - s, backward && entries[e].valid);
    }
    for (var q = lid; q < params.Hq; q += WG_SIZE) { stepQuad(entries[0], entries[1], entries[2], entries[3], d, q, cur); }
    if (SEQUENCE) {
      workgroupBarrier();
      cur = 1u - cur;
    }
  }
  if (SEQUENCE) {
    for (var e = 0u; e < BATCH_TILE; e++) {
      if (!entries[e].inBatch) { continue; }
      for (var j = lid; j < params.H; j += WG_SIZE) { hOut[entries[e].sBase + j] = hShared[(cur * BATCH_TILE + e) * CAPACITY + j]; }
    }
  }
}
