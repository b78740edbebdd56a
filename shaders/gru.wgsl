// GRU layer, fused. A workgroup runs BATCH_TILE batch entries of one direction d (workgroups =
// [ceil(B / BATCH_TILE), D]); each invocation owns quads of 4 hidden units. For a step it
// computes the recurrent products of its units for every entry of the tile (each load of R
// serves all of them), adds the input projection (x(t)·W + the folded biases, done for every
// step by one GEMM before the recurrence), applies clip and the gate functions, and writes h(t)
// and y(t). Gates z, r, h; weight layout: src/ops/recurrent/layout.ts.
//   LINEAR_BEFORE_RESET = true:  h~ = g(x Wh + r . (h(t-1) Rh + Rbh)), all in one pass.
//   LINEAR_BEFORE_RESET = false: h~ = g(x Wh + (r . h(t-1)) Rh) needs r of every unit first:
//     pass 1 stores r . h(t-1) in workgroup memory, a barrier, pass 2 multiplies by Rh. This is
//     why a workgroup holds all units of its entries.
//   SEQUENCE = false: one step per dispatch (params.step); h comes from and goes to storage
//     buffers the plan alternates, and the last step writes the final-state output.
//   SEQUENCE = true: one dispatch runs all T steps; h stays in workgroup memory. Each invocation
//     owns one quad (WG_SIZE >= Hq) and keeps its new h in registers until every invocation has
//     read h(t-1): two barriers per step. Workgroup memory is kept small on purpose: SwiftShader's
//     pipeline compile time grows with it (~0.45 ms per f32; bench/NOTES.md).
//   RESIDENT_KQ > 0 (the 'resident' path, H <= 64): the sequence path, but each invocation first
//     copies its quad's rows of R into private memory (wq) and reads them there, at constant
//     indices, in both passes of every step. On SwiftShader a load at a run-time index is a
//     per-lane gather and one at a constant index into private memory a plain vector load
//     (bench/NOTES.md).
// Without LINEAR_BEFORE_RESET, z stays in registers between the passes (one quad per invocation).
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
  alpha0: vec4<f32>,   // alpha of f, g for direction slot 0 (z, w unused)
  beta0: vec4<f32>,
  alpha1: vec4<f32>,   // the same for direction slot 1
  beta1: vec4<f32>,
}

override SEQUENCE: bool = false;
override HAS_LENGTHS: bool = false;
override LINEAR_BEFORE_RESET: bool = false;
override F0: u32 = 2u;   // activation codes of f, g per direction slot (recurrentActivate)
override G0: u32 = 1u;
override F1: u32 = 2u;
override G1: u32 = 1u;
override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup: 1, 2, 4 or 8
const MAX_TILE = 8u;
override CAPACITY: u32 = 4u;    // units per entry in workgroup memory; >= 4 * Hq in sequence mode or without LINEAR_BEFORE_RESET
override RESIDENT_KQ: u32 = 0u;  // 'resident' path: quads of k in wq (Hq, at most 16); 0: R read from storage

// Resident path: rows k of R (z, r, h gates) for this invocation's quad (3 KiB).
var<private> wq: array<mat3x4<f32>, 64>;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<vec4<f32>>;     // [T*B rows][D, 3, Hq] in the input's row order
@group(0) @binding(2) var<storage, read_write> weights: array<vec4<f32>>;  // R [D, 4 * Hq, 3, Hq] (rows past H 0), then the h gate's R-bias [D, Hq]
@group(0) @binding(3) var<storage, read_write> lengths: array<i32>;        // [B]
@group(0) @binding(4) var<storage, read_write> hIn: array<f32>;            // [D, B, H] or [B, D, H] via sStride*
@group(0) @binding(5) var<storage, read_write> hOut: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;              // via yStride*

// vec4s: h(t-1) is read four units at a time (on SwiftShader a vec4 load costs ~2.4 scalar ones).
var<workgroup> hShared: array<vec4<f32>, BATCH_TILE * CAPACITY / 4u>;  // [BATCH_TILE][CAPACITY] (sequence mode)
var<workgroup> resetH4: array<vec4<f32>, BATCH_TILE * CAPACITY / 4u>;  // r . h(t-1), without LINEAR_BEFORE_RESET

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

// h(t-1) of units k .. k+3 of entry e (k a multiple of 4; units past H: 0).
fn prevH4(e: Entry, k: u32) -> vec4<f32> {
  if (SEQUENCE) { return hShared[(e.slot * CAPACITY + k) / 4u]; }
  if (params.loadState == 0u) { return vec4<f32>(0.0); }
  let i = e.sBase + k;
  let h = vec4<f32>(hIn[i], hIn[i + 1u], hIn[i + 2u], hIn[i + 3u]);  // past H: another entry's, or clamped
  return select(vec4<f32>(0.0), h, vec4<u32>(k) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(params.H));
}

// What an invocation keeps in registers for its quad, per entry: z between the passes, and the
// new h until every invocation has read h(t-1) (sequence mode).
struct QuadState {
  z: vec4<f32>,
  h: vec4<f32>,
}

fn projRow(e: Entry, d: u32, q: u32) -> u32 {
  return (e.t * params.xStrideT + e.b * params.xStrideB) * params.projRowQuads + d * 3u * params.Hq + q;
}

fn projection(e: Entry, d: u32, q: u32) -> mat3x4<f32> {
  let row = projRow(e, d, q);
  // The h column holds the recurrent part only; its projection joins after the reset.
  return mat3x4<f32>(proj[row], proj[row + params.Hq], vec4<f32>(0.0));
}

// Writes y(t) and the new state of units 4q .. 4q+3 of entry e (sequence mode: into `kept`, for
// later); past the sequence's length y is 0 and the state is kept. Units past H stay 0.
fn finishQuad(e: Entry, d: u32, q: u32, h: vec4<f32>, kept: ptr<function, array<QuadState, MAX_TILE>>) {
  let unit = vec4<u32>(4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
  let next = select(prevH4(e, 4u * q), h, (unit < vec4<u32>(params.H)) & vec4<bool>(e.valid));
  if (SEQUENCE) { (*kept)[e.slot].h = next; }
  if (!e.inBatch) { return; }
  let yBase = e.t * params.yStrideT + d * params.yStrideD + e.b * params.yStrideB;
  for (var i = 0u; i < 4u; i++) {
    let j = 4u * q + i;
    if (j >= params.H) { break; }
    if (params.writeY == 1u) { y[yBase + j] = select(0.0, h[i], e.valid); }
    if (!SEQUENCE) { hOut[e.sBase + j] = next[i]; }
  }
}

fn candidate(d: u32, ah: vec4<f32>) -> vec4<f32> {
  let lim = vec4<f32>(params.clip);
  let g = select(G0, G1, d == 1u);
  return recurrentActivate(g, clamp(ah, -lim, lim), select(params.alpha0, params.alpha1, d == 1u).y, select(params.beta0, params.beta1, d == 1u).y);
}

// Pass 1 for entry e from a = (z, r, h(t-1)·Rh) pre-activations: z and r; with
// LINEAR_BEFORE_RESET also h~ and the new state, else r . h(t-1) to workgroup memory and z kept.
fn gatesQuad(e: Entry, d: u32, q: u32, a: mat3x4<f32>, kept: ptr<function, array<QuadState, MAX_TILE>>) {
  let lim = vec4<f32>(params.clip);
  let fCode = select(F0, F1, d == 1u);
  let alpha = select(params.alpha0, params.alpha1, d == 1u).x;
  let beta = select(params.beta0, params.beta1, d == 1u).x;
  let z = recurrentActivate(fCode, clamp(a[0], -lim, lim), alpha, beta);
  let reset = recurrentActivate(fCode, clamp(a[1], -lim, lim), alpha, beta);
  let hPrev = prevH4(e, 4u * q);
  if (LINEAR_BEFORE_RESET) {
    let rbh = weights[firstRowOfR(params.D, q) + d * params.Hq];  // the R-bias [D, Hq] follows R
    let cand = candidate(d, proj[projRow(e, d, q) + 2u * params.Hq] + reset * (a[2] + rbh));
    finishQuad(e, d, q, (1.0 - z) * cand + z * hPrev, kept);
  } else {
    resetH4[(e.slot * CAPACITY) / 4u + q] = reset * hPrev;   // units past H: h is 0
    (*kept)[e.slot].z = z;
  }
}

// Index of the first vec4 of R's row 0 for units 4q.. of direction d; row k is 3 * Hq vec4s further.
fn firstRowOfR(d: u32, q: u32) -> u32 {
  return d * 12u * params.Hq * params.Hq + q;
}

// Row k of R for units 4q.. (r = its first vec4): z and r gates, and h with LINEAR_BEFORE_RESET
// (else a zero column: that product joins in pass 2, after the reset).
fn loadR(r: u32, Hq: u32) -> mat3x4<f32> {
  var wh = vec4<f32>(0.0);
  if (LINEAR_BEFORE_RESET) { wh = weights[r + 2u * Hq]; }
  return mat3x4<f32>(weights[r], weights[r + Hq], wh);
}

// acc + h[0..3] times rows r0..r3 of one gate column, as fused multiply-adds: on SwiftShader an
// fma is one instruction where the CPU has FMA, and the recurrent steps ran 4-8% faster than with
// separate multiplies and adds (bench/NOTES.md). Pass 2's single gate (Rh) uses it directly.
fn fmaColumn(acc: vec4<f32>, h: vec4<f32>, r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32>) -> vec4<f32> {
  return fma(r3, vec4<f32>(h.w), fma(r2, vec4<f32>(h.z), fma(r1, vec4<f32>(h.y), fma(r0, vec4<f32>(h.x), acc))));
}

// One entry's recurrent product over 4 steps of k added to acc: acc + h(t-1)[k..k+3] times rows
// k..k+3 of R.
fn addTimesR(acc: mat3x4<f32>, h: vec4<f32>, w0: mat3x4<f32>, w1: mat3x4<f32>, w2: mat3x4<f32>, w3: mat3x4<f32>) -> mat3x4<f32> {
  return mat3x4<f32>(fmaColumn(acc[0], h, w0[0], w1[0], w2[0], w3[0]), fmaColumn(acc[1], h, w0[1], w1[1], w2[1], w3[1]),
                     fmaColumn(acc[2], h, w0[2], w1[2], w2[2], w3[2]));
}

// Accumulator e of a tile, without building an array (SwiftShader keeps arrays in memory).
fn pickTile3(e: u32, a0: mat3x4<f32>, a1: mat3x4<f32>, a2: mat3x4<f32>, a3: mat3x4<f32>, a4: mat3x4<f32>, a5: mat3x4<f32>, a6: mat3x4<f32>, a7: mat3x4<f32>) -> mat3x4<f32> {
  switch e {
    case 1u: { return a1; }
    case 2u: { return a2; }
    case 3u: { return a3; }
    case 4u: { return a4; }
    case 5u: { return a5; }
    case 6u: { return a6; }
    case 7u: { return a7; }
    default: { return a0; }
  }
}

fn pickTile1(e: u32, a0: vec4<f32>, a1: vec4<f32>, a2: vec4<f32>, a3: vec4<f32>, a4: vec4<f32>, a5: vec4<f32>, a6: vec4<f32>, a7: vec4<f32>) -> vec4<f32> {
  switch e {
    case 1u: { return a1; }
    case 2u: { return a2; }
    case 3u: { return a3; }
    case 4u: { return a4; }
    case 5u: { return a5; }
    case 6u: { return a6; }
    case 7u: { return a7; }
    default: { return a0; }
  }
}

// Resident path, pass 1: a + h(t-1)·R for one entry, R from wq (its h column is summed without
// LINEAR_BEFORE_RESET too, and ignored). Unrolled so that every index into wq is a constant.
fn residentProduct(e: Entry, a: mat3x4<f32>) -> mat3x4<f32> {
  var acc = a;
  acc = addTimesR(acc, prevH4(e, 0u), wq[0], wq[1], wq[2], wq[3]);
  if (RESIDENT_KQ > 1u) { acc = addTimesR(acc, prevH4(e, 4u), wq[4], wq[5], wq[6], wq[7]); }
  if (RESIDENT_KQ > 2u) { acc = addTimesR(acc, prevH4(e, 8u), wq[8], wq[9], wq[10], wq[11]); }
  if (RESIDENT_KQ > 3u) { acc = addTimesR(acc, prevH4(e, 12u), wq[12], wq[13], wq[14], wq[15]); }
  if (RESIDENT_KQ > 4u) { acc = addTimesR(acc, prevH4(e, 16u), wq[16], wq[17], wq[18], wq[19]); }
  if (RESIDENT_KQ > 5u) { acc = addTimesR(acc, prevH4(e, 20u), wq[20], wq[21], wq[22], wq[23]); }
  if (RESIDENT_KQ > 6u) { acc = addTimesR(acc, prevH4(e, 24u), wq[24], wq[25], wq[26], wq[27]); }
  if (RESIDENT_KQ > 7u) { acc = addTimesR(acc, prevH4(e, 28u), wq[28], wq[29], wq[30], wq[31]); }
  if (RESIDENT_KQ > 8u) { acc = addTimesR(acc, prevH4(e, 32u), wq[32], wq[33], wq[34], wq[35]); }
  if (RESIDENT_KQ > 9u) { acc = addTimesR(acc, prevH4(e, 36u), wq[36], wq[37], wq[38], wq[39]); }
  if (RESIDENT_KQ > 10u) { acc = addTimesR(acc, prevH4(e, 40u), wq[40], wq[41], wq[42], wq[43]); }
  if (RESIDENT_KQ > 11u) { acc = addTimesR(acc, prevH4(e, 44u), wq[44], wq[45], wq[46], wq[47]); }
  if (RESIDENT_KQ > 12u) { acc = addTimesR(acc, prevH4(e, 48u), wq[48], wq[49], wq[50], wq[51]); }
  if (RESIDENT_KQ > 13u) { acc = addTimesR(acc, prevH4(e, 52u), wq[52], wq[53], wq[54], wq[55]); }
  if (RESIDENT_KQ > 14u) { acc = addTimesR(acc, prevH4(e, 56u), wq[56], wq[57], wq[58], wq[59]); }
  if (RESIDENT_KQ > 15u) { acc = addTimesR(acc, prevH4(e, 60u), wq[60], wq[61], wq[62], wq[63]); }
  return acc;
}

// Resident path, pass 2: (r . h(t-1))·Rh for one entry.
fn residentResetProduct(e: Entry) -> vec4<f32> {
  let base = e.slot * CAPACITY / 4u;
  var acc = vec4<f32>(0.0);
  acc = fmaColumn(acc, resetH4[base + 0u], wq[0][2], wq[1][2], wq[2][2], wq[3][2]);
  if (RESIDENT_KQ > 1u) { acc = fmaColumn(acc, resetH4[base + 1u], wq[4][2], wq[5][2], wq[6][2], wq[7][2]); }
  if (RESIDENT_KQ > 2u) { acc = fmaColumn(acc, resetH4[base + 2u], wq[8][2], wq[9][2], wq[10][2], wq[11][2]); }
  if (RESIDENT_KQ > 3u) { acc = fmaColumn(acc, resetH4[base + 3u], wq[12][2], wq[13][2], wq[14][2], wq[15][2]); }
  if (RESIDENT_KQ > 4u) { acc = fmaColumn(acc, resetH4[base + 4u], wq[16][2], wq[17][2], wq[18][2], wq[19][2]); }
  if (RESIDENT_KQ > 5u) { acc = fmaColumn(acc, resetH4[base + 5u], wq[20][2], wq[21][2], wq[22][2], wq[23][2]); }
  if (RESIDENT_KQ > 6u) { acc = fmaColumn(acc, resetH4[base + 6u], wq[24][2], wq[25][2], wq[26][2], wq[27][2]); }
  if (RESIDENT_KQ > 7u) { acc = fmaColumn(acc, resetH4[base + 7u], wq[28][2], wq[29][2], wq[30][2], wq[31][2]); }
  if (RESIDENT_KQ > 8u) { acc = fmaColumn(acc, resetH4[base + 8u], wq[32][2], wq[33][2], wq[34][2], wq[35][2]); }
  if (RESIDENT_KQ > 9u) { acc = fmaColumn(acc, resetH4[base + 9u], wq[36][2], wq[37][2], wq[38][2], wq[39][2]); }
  if (RESIDENT_KQ > 10u) { acc = fmaColumn(acc, resetH4[base + 10u], wq[40][2], wq[41][2], wq[42][2], wq[43][2]); }
  if (RESIDENT_KQ > 11u) { acc = fmaColumn(acc, resetH4[base + 11u], wq[44][2], wq[45][2], wq[46][2], wq[47][2]); }
  if (RESIDENT_KQ > 12u) { acc = fmaColumn(acc, resetH4[base + 12u], wq[48][2], wq[49][2], wq[50][2], wq[51][2]); }
  if (RESIDENT_KQ > 13u) { acc = fmaColumn(acc, resetH4[base + 13u], wq[52][2], wq[53][2], wq[54][2], wq[55][2]); }
  if (RESIDENT_KQ > 14u) { acc = fmaColumn(acc, resetH4[base + 14u], wq[56][2], wq[57][2], wq[58][2], wq[59][2]); }
  if (RESIDENT_KQ > 15u) { acc = fmaColumn(acc, resetH4[base + 15u], wq[60][2], wq[61][2], wq[62][2], wq[63][2]); }
  return acc;
}

// Pass 1 over the tile: z, r (and h(t-1)·Rh with LINEAR_BEFORE_RESET) pre-activations. Each
// load of R serves all BATCH_TILE entries (on SwiftShader loads, not FMAs, set the pace); the
// accumulators are named so that they stay in registers.
fn pass1(entries: ptr<function, array<Entry, MAX_TILE>>, d: u32, q: u32, kept: ptr<function, array<QuadState, MAX_TILE>>) {
  if (RESIDENT_KQ > 0u) {
    for (var i = 0u; i < BATCH_TILE; i++) {
      let e = (*entries)[i];
      gatesQuad(e, d, q, residentProduct(e, projection(e, d, q)), kept);
    }
    return;
  }
  let Hq = params.Hq;
  var a0 = projection((*entries)[0], d, q);
  var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
  if (BATCH_TILE > 1u) { a1 = projection((*entries)[1], d, q); }
  if (BATCH_TILE > 2u) { a2 = projection((*entries)[2], d, q); a3 = projection((*entries)[3], d, q); }
  if (BATCH_TILE > 4u) {
    a4 = projection((*entries)[4], d, q); a5 = projection((*entries)[5], d, q);
    a6 = projection((*entries)[6], d, q); a7 = projection((*entries)[7], d, q);
  }
  let kEnd = select(0u, 4u * Hq, SEQUENCE || params.loadState == 1u);
  let rowStride = 3u * Hq;
  var r = firstRowOfR(d, q);
  // Four k per iteration, h(t-1) read a vec4 at a time (rows of R past H are 0).
  for (var k = 0u; k < kEnd; k += 4u) {
    let w0 = loadR(r, Hq);
    let w1 = loadR(r + rowStride, Hq);
    let w2 = loadR(r + 2u * rowStride, Hq);
    let w3 = loadR(r + 3u * rowStride, Hq);
    r += 4u * rowStride;
    a0 = addTimesR(a0, prevH4((*entries)[0], k), w0, w1, w2, w3);
    if (BATCH_TILE > 1u) { a1 = addTimesR(a1, prevH4((*entries)[1], k), w0, w1, w2, w3); }
    if (BATCH_TILE > 2u) {
      a2 = addTimesR(a2, prevH4((*entries)[2], k), w0, w1, w2, w3);
      a3 = addTimesR(a3, prevH4((*entries)[3], k), w0, w1, w2, w3);
    }
    if (BATCH_TILE > 4u) {
      a4 = addTimesR(a4, prevH4((*entries)[4], k), w0, w1, w2, w3);
      a5 = addTimesR(a5, prevH4((*entries)[5], k), w0, w1, w2, w3);
      a6 = addTimesR(a6, prevH4((*entries)[6], k), w0, w1, w2, w3);
      a7 = addTimesR(a7, prevH4((*entries)[7], k), w0, w1, w2, w3);
    }
  }
  for (var e = 0u; e < BATCH_TILE; e++) { gatesQuad((*entries)[e], d, q, pickTile3(e, a0, a1, a2, a3, a4, a5, a6, a7), kept); }
}

// Pass 2's end for one entry: h~ = g(x Wh + resetProduct), resetProduct = (r . h(t-1)) Rh, and
// the new state (1 - z) . h~ + z . h(t-1).
fn finishReset(e: Entry, d: u32, q: u32, z: vec4<f32>, resetProduct: vec4<f32>, kept: ptr<function, array<QuadState, MAX_TILE>>) {
  let cand = candidate(d, proj[projRow(e, d, q) + 2u * params.Hq] + resetProduct);
  finishQuad(e, d, q, (1.0 - z) * cand + z * prevH4(e, 4u * q), kept);
}

// Pass 2 without LINEAR_BEFORE_RESET: h~ = g(x Wh + (r . h(t-1)) Rh) and the new state.
fn pass2(entries: ptr<function, array<Entry, MAX_TILE>>, d: u32, q: u32, kept: ptr<function, array<QuadState, MAX_TILE>>) {
  let Hq = params.Hq;
  if (RESIDENT_KQ > 0u) {
    for (var i = 0u; i < BATCH_TILE; i++) {
      let e = (*entries)[i];
      finishReset(e, d, q, (*kept)[i].z, residentResetProduct(e), kept);
    }
    return;
  }
  var a0 = vec4<f32>(0.0);
  var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
  let rowStride = 3u * Hq;
  var r = firstRowOfR(d, q) + 2u * Hq;
  for (var k4 = 0u; k4 < Hq; k4++) {  // four k per iteration, r . h read as vec4s (rows of R past H are 0)
    let w0 = weights[r];
    let w1 = weights[r + rowStride];
    let w2 = weights[r + 2u * rowStride];
    let w3 = weights[r + 3u * rowStride];
    r += 4u * rowStride;
    a0 = fmaColumn(a0, resetH4[k4], w0, w1, w2, w3);
    if (BATCH_TILE > 1u) { a1 = fmaColumn(a1, resetH4[CAPACITY / 4u + k4], w0, w1, w2, w3); }
    if (BATCH_TILE > 2u) {
      a2 = fmaColumn(a2, resetH4[2u * CAPACITY / 4u + k4], w0, w1, w2, w3);
      a3 = fmaColumn(a3, resetH4[3u * CAPACITY / 4u + k4], w0, w1, w2, w3);
    }
    if (BATCH_TILE > 4u) {
      a4 = fmaColumn(a4, resetH4[4u * CAPACITY / 4u + k4], w0, w1, w2, w3);
      a5 = fmaColumn(a5, resetH4[5u * CAPACITY / 4u + k4], w0, w1, w2, w3);
      a6 = fmaColumn(a6, resetH4[6u * CAPACITY / 4u + k4], w0, w1, w2, w3);
      a7 = fmaColumn(a7, resetH4[7u * CAPACITY / 4u + k4], w0, w1, w2, w3);
    }
  }
  for (var i = 0u; i < BATCH_TILE; i++) {
    finishReset((*entries)[i], d, q, (*kept)[i].z, pickTile1(i, a0, a1, a2, a3, a4, a5, a6, a7), kept);
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let backward = (d == 1u) != (params.reverse == 1u);
  var entries: array<Entry, MAX_TILE>;
  var lens: array<u32, MAX_TILE>;
  var kept: array<QuadState, MAX_TILE>;
  for (var e = 0u; e < MAX_TILE; e++) {
    let b = wid.x * BATCH_TILE + e;
    let clamped = min(b, params.B - 1u);
    entries[e] = Entry(e, clamped, b < params.B && e < BATCH_TILE, true, 0u, d * params.sStrideD + clamped * params.sStrideB);
    lens[e] = params.T;
    if (HAS_LENGTHS) { lens[e] = u32(lengths[clamped]); }
    if (SEQUENCE && e < BATCH_TILE && lid < params.Hq) {
      var h = vec4<f32>(0.0);
      for (var i = 0u; i < 4u; i++) {
        if (params.loadState == 1u && 4u * lid + i < params.H) { h[i] = hIn[entries[e].sBase + 4u * lid + i]; }
      }
      hShared[e * CAPACITY / 4u + lid] = h;
    }
  }
  if (RESIDENT_KQ > 0u && lid < params.Hq) {
    // All three gates, h included (pass 2 reads it), whatever LINEAR_BEFORE_RESET.
    for (var k = 0u; k < 4u * RESIDENT_KQ; k++) {
      let r = firstRowOfR(d, lid) + k * 3u * params.Hq;
      wq[k] = mat3x4<f32>(weights[r], weights[r + params.Hq], weights[r + 2u * params.Hq]);
    }
  }
  if (SEQUENCE) { workgroupBarrier(); }
  let first = select(params.step, 0u, SEQUENCE);
  let last = select(params.step + 1u, params.T, SEQUENCE);
  for (var s = first; s < last; s++) {
    for (var e = 0u; e < BATCH_TILE; e++) {
      entries[e].valid = s < lens[e];
      entries[e].t = select(s, lens[e] - 1u - s, backward && entries[e].valid);
    }
    // Where z is kept in registers between the passes, each invocation has one quad (WG_SIZE >= Hq).
    for (var q = lid; q < params.Hq; q += WG_SIZE) { pass1(&entries, d, q, &kept); }
    if (SEQUENCE || !LINEAR_BEFORE_RESET) { workgroupBarrier(); }  // r . h(t-1) complete; h(t-1) read
    if (!LINEAR_BEFORE_RESET) {
      for (var q = lid; q < params.Hq; q += WG_SIZE) { pass2(&entries, d, q, &kept); }
    }
    if (SEQUENCE) {
      if (lid < params.Hq) {
        for (var e = 0u; e < BATCH_TILE; e++) { hShared[e * CAPACITY / 4u + lid] = kept[e].h; }
      }
      workgroupBarrier();  // h(t) complete; r . h(t-1) read
    }
  }
  if (SEQUENCE) {
    for (var e = 0u; e < BATCH_TILE; e++) {
      if (!entries[e].inBatch) { continue; }
      for (var j = lid; j < params.H; j += WG_SIZE) { hOut[entries[e].sBase + j] = hShared[(e * CAPACITY + j) / 4u][j % 4u]; }
    }
  }
}
