// LSTM layer, fused. A workgroup runs BATCH_TILE batch entries of one direction d (workgroups =
// [ceil(B / BATCH_TILE), D]); each invocation owns quads of 4 hidden units. For a step it
// computes the recurrent product h(t-1)·R of the four gates of its units for every entry of the
// tile (each load of R serves all of them), adds the input projection (x(t)·W + the folded
// biases, done for every step by one GEMM before the recurrence), applies peepholes, clip and
// the gate functions, updates c and h, and writes y(t). Gates i, f, c, o; weight layout:
// src/ops/recurrent/layout.ts.
//   SEQUENCE = false: one step per dispatch (params.step); h and c come from and go to storage
//     buffers the plan alternates, and the last step writes the final-state outputs.
//   SEQUENCE = true: one dispatch runs all T steps. Each invocation owns one quad (WG_SIZE >= Hq)
//     and keeps its c, and its new h until every invocation has read h(t-1), in registers; h(t)
//     goes to the workgroup's entries in the exchange area after the projection rows in proj
//     ([D, B, Hq] vec4s, units past H 0), where every invocation reads all units of it, a vec4
//     per 4 k (on SwiftShader a vec4 load costs ~2.4 scalar ones, not 4). Two barriers per step.
//     No workgroup memory: on SwiftShader pipeline compile time grows with it (~0.4 ms per f32),
//     and reading h from storage costs no more (bench/NOTES.md).
//   RESIDENT_KQ > 0 (the 'resident' path, H <= 64): the sequence path, but each invocation first
//     copies its quad's rows of R into private memory (wq) and reads them there, at constant
//     indices, for every step and entry. On SwiftShader a load at a run-time index is a per-lane
//     gather and one at a constant index into private memory a plain vector load, so a step no
//     longer waits on R (batch 1 about twice as fast; bench/NOTES.md).
// Ragged batches: at steps s >= len[b] the state is kept and y(s) is 0; a backward direction
// walks t = len[b]-1 down to 0 (ONNX sequence_lens).

struct Params {
  T: u32,
  B: u32,
  H: u32,
  Hq: u32,             // quads of units, ceil(H / 4)
  D: u32,
  step: u32,           // per-step mode: the step this dispatch runs
  loadH: u32,          // 0: h before this dispatch is zero (no initial h)
  loadC: u32,          // 0: c before this dispatch is zero (no initial c; ONNX makes each optional)
  reverse: u32,        // 1: direction slot 0 walks backward (direction 'reverse')
  projRowQuads: u32,   // quads per projection row: D * 4 * Hq
  xStrideT: u32,       // projection rows between consecutive t, and between batch entries
  xStrideB: u32,
  yStrideT: u32,       // y element offsets per t, direction and batch entry
  yStrideD: u32,
  yStrideB: u32,
  sStrideD: u32,       // state element offsets per direction and batch entry
  sStrideB: u32,
  clip: f32,           // gate pre-activations are clamped to [-clip, clip]
  writeY: u32,         // 1: write y(t) (a runtime value, so stacked layers share one pipeline)
  alpha0: vec4<f32>,   // alpha of f, g, h for direction slot 0 (w unused)
  beta0: vec4<f32>,
  alpha1: vec4<f32>,   // the same for direction slot 1
  beta1: vec4<f32>,
}

override SEQUENCE: bool = false;
override HAS_LENGTHS: bool = false;
override HAS_PEEPHOLES: bool = false;
override INPUT_FORGET: bool = false;
override F0: u32 = 2u;   // activation codes of f, g, h per direction slot (recurrentActivate)
override G0: u32 = 1u;
override H0: u32 = 1u;
override F1: u32 = 2u;
override G1: u32 = 1u;
override H1: u32 = 1u;
override WG_SIZE: u32 = 64u;
override BATCH_TILE: u32 = 1u;  // batch entries per workgroup: 1, 2, 4, 8 or 16
const MAX_TILE = 16u;
override RESIDENT_KQ: u32 = 0u;  // 'resident' path: quads of k in wq (Hq, at most 16); 0: R read from storage

// Resident path: rows k of R for this invocation's quad, wq[k] as loadR gives them (4 KiB).
var<private> wq: array<mat4x4<f32>, 64>;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> proj: array<vec4<f32>>;     // [T*B rows][D, 4, Hq] in the input's row order; sequence mode: then h exchange [D, B, Hq]
@group(0) @binding(2) var<storage, read_write> weights: array<vec4<f32>>;  // R [D, 4 * Hq, 4, Hq] (rows past H 0), then peepholes [D, 3 (i, f, o), Hq]
@group(0) @binding(3) var<storage, read_write> lengths: array<i32>;        // [B]
@group(0) @binding(4) var<storage, read_write> hIn: array<f32>;            // [D, B, H] or [B, D, H] via sStride*
@group(0) @binding(5) var<storage, read_write> cIn: array<f32>;
@group(0) @binding(6) var<storage, read_write> hOut: array<f32>;
@group(0) @binding(7) var<storage, read_write> cOut: array<f32>;
@group(0) @binding(8) var<storage, read_write> y: array<f32>;              // via yStride*

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
  b: u32,         // batch index, clamped into range for loads
  inBatch: bool,  // false for tile padding past B: nothing is written
  valid: bool,    // false past the sequence's length: y is 0 and the state is kept
  t: u32,         // the time processed (the step itself when !valid)
  sBase: u32,     // offset of its state in the state buffers
  hSlot: u32,     // sequence mode: index in proj of its h(t-1)'s first quad
}

// Sequence mode: h(t) of units 4q .. 4q+3 of entry e into the exchange, for the next step to
// read. Tile padding past B has no slot (its clamped entry computes entry B-1's values).
fn publishH(e: Entry, q: u32, h: vec4<f32>) {
  if (e.inBatch) { proj[e.hSlot + q] = h; }
}

// h(t-1) of units k .. k+3 of entry e (k a multiple of 4; units past H: 0). Sequence mode: from
// the exchange, where the previous step left it.
fn prevH4(e: Entry, k: u32) -> vec4<f32> {
  if (SEQUENCE) { return proj[e.hSlot + k / 4u]; }
  if (params.loadH == 0u) { return vec4<f32>(0.0); }
  let i = e.sBase + k;
  let h = vec4<f32>(hIn[i], hIn[i + 1u], hIn[i + 2u], hIn[i + 3u]);  // past H: another entry's, or clamped
  return select(vec4<f32>(0.0), h, vec4<u32>(k) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(params.H));
}

// c(t-1) of units 4q .. 4q+3 of entry e in per-step mode (units past H: 0).
fn loadC(e: Entry, q: u32) -> vec4<f32> {
  var c = vec4<f32>(0.0);
  if (params.loadC == 0u) { return c; }
  for (var i = 0u; i < 4u; i++) {
    if (4u * q + i < params.H) { c[i] = cIn[e.sBase + 4u * q + i]; }
  }
  return c;
}

fn projection(e: Entry, d: u32, q: u32) -> mat4x4<f32> {
  let Hq = params.Hq;
  let row = (e.t * params.xStrideT + e.b * params.xStrideB) * params.projRowQuads + d * 4u * Hq + q;
  return mat4x4<f32>(proj[row], proj[row + Hq], proj[row + 2u * Hq], proj[row + 3u * Hq]);
}

// The state of one entry's quad: what the sequence path keeps in registers between steps.
struct QuadState {
  h: vec4<f32>,
  c: vec4<f32>,
}

// Gates, cell and outputs of units 4q .. 4q+3 of entry e, from pre-activations a (i, f, c, o) and
// the previous state; writes y(t) and returns the new state (the previous one past the
// sequence's length). Per-step mode also writes the state to hOut / cOut.
fn finishQuad(e: Entry, d: u32, q: u32, a: mat4x4<f32>, prev: QuadState) -> QuadState {
  let H = params.H;
  let Hq = params.Hq;
  let cPrev = prev.c;
  let p = firstRowOfR(params.D, q) + d * 3u * Hq;  // the peepholes [D, 3, Hq] follow R
  var peep = mat3x4<f32>();
  if (HAS_PEEPHOLES) { peep = mat3x4<f32>(weights[p], weights[p + Hq], weights[p + 2u * Hq]); }
  let lim = vec4<f32>(params.clip);
  let alpha = select(params.alpha0, params.alpha1, d == 1u);
  let beta = select(params.beta0, params.beta1, d == 1u);
  let fCode = select(F0, F1, d == 1u);
  let ig = recurrentActivate(fCode, clamp(a[0] + peep[0] * cPrev, -lim, lim), alpha.x, beta.x);
  var fg = 1.0 - ig;
  if (!INPUT_FORGET) { fg = recurrentActivate(fCode, clamp(a[1] + peep[1] * cPrev, -lim, lim), alpha.x, beta.x); }
  let cand = recurrentActivate(select(G0, G1, d == 1u), clamp(a[2], -lim, lim), alpha.y, beta.y);
  let c = fg * cPrev + ig * cand;
  let og = recurrentActivate(fCode, clamp(a[3] + peep[2] * c, -lim, lim), alpha.x, beta.x);
  let h = og * recurrentActivate(select(H0, H1, d == 1u), c, alpha.z, beta.z);
  // Units past H stay 0, so that nothing but zeros ever sits in the padding.
  let unit = vec4<u32>(4u * q) + vec4<u32>(0u, 1u, 2u, 3u);
  let keep = (unit < vec4<u32>(H)) & vec4<bool>(e.valid);
  let next = QuadState(select(prev.h, h, keep), select(prev.c, c, keep));
  if (!e.inBatch) { return next; }
  let yBase = e.t * params.yStrideT + d * params.yStrideD + e.b * params.yStrideB;
  for (var i = 0u; i < 4u; i++) {
    let j = 4u * q + i;
    if (j >= H) { break; }
    if (params.writeY == 1u) { y[yBase + j] = select(0.0, h[i], e.valid); }
    if (!SEQUENCE) {
      hOut[e.sBase + j] = next.h[i];
      cOut[e.sBase + j] = next.c[i];
    }
  }
  return next;
}

// Index of the first vec4 of R's row 0 for units 4q.. of direction d; row k is 4 * Hq vec4s further.
fn firstRowOfR(d: u32, q: u32) -> u32 {
  return d * 16u * params.Hq * params.Hq + q;
}

// Row k of R for units 4q.. (r = its first vec4) as a matrix whose columns are the gates.
fn loadR(r: u32, Hq: u32) -> mat4x4<f32> {
  return mat4x4<f32>(weights[r], weights[r + Hq], weights[r + 2u * Hq], weights[r + 3u * Hq]);
}

// acc + h[0..3] times rows r0..r3 of one gate column, as fused multiply-adds: on SwiftShader an
// fma is one instruction where the CPU has FMA, and the recurrent steps ran 4-8% faster than with
// separate multiplies and adds (bench/NOTES.md).
fn fmaColumn(acc: vec4<f32>, h: vec4<f32>, r0: vec4<f32>, r1: vec4<f32>, r2: vec4<f32>, r3: vec4<f32>) -> vec4<f32> {
  return fma(r3, vec4<f32>(h.w), fma(r2, vec4<f32>(h.z), fma(r1, vec4<f32>(h.y), fma(r0, vec4<f32>(h.x), acc))));
}

// One entry's recurrent product over 4 steps of k added to acc: acc + h(t-1)[k..k+3] times rows
// k..k+3 of R.
fn addTimesR(acc: mat4x4<f32>, h: vec4<f32>, w0: mat4x4<f32>, w1: mat4x4<f32>, w2: mat4x4<f32>, w3: mat4x4<f32>) -> mat4x4<f32> {
  return mat4x4<f32>(fmaColumn(acc[0], h, w0[0], w1[0], w2[0], w3[0]), fmaColumn(acc[1], h, w0[1], w1[1], w2[1], w3[1]),
                     fmaColumn(acc[2], h, w0[2], w1[2], w2[2], w3[2]), fmaColumn(acc[3], h, w0[3], w1[3], w2[3], w3[3]));
}

// Accumulator e of a tile, without building an array (SwiftShader keeps arrays in memory).
fn pickTile(e: u32, a0: mat4x4<f32>, a1: mat4x4<f32>, a2: mat4x4<f32>, a3: mat4x4<f32>, a4: mat4x4<f32>, a5: mat4x4<f32>, a6: mat4x4<f32>, a7: mat4x4<f32>,
            a8: mat4x4<f32>, a9: mat4x4<f32>, a10: mat4x4<f32>, a11: mat4x4<f32>, a12: mat4x4<f32>, a13: mat4x4<f32>, a14: mat4x4<f32>, a15: mat4x4<f32>) -> mat4x4<f32> {
  switch e {
    case 1u: { return a1; }
    case 2u: { return a2; }
    case 3u: { return a3; }
    case 4u: { return a4; }
    case 5u: { return a5; }
    case 6u: { return a6; }
    case 7u: { return a7; }
    case 8u: { return a8; }
    case 9u: { return a9; }
    case 10u: { return a10; }
    case 11u: { return a11; }
    case 12u: { return a12; }
    case 13u: { return a13; }
    case 14u: { return a14; }
    case 15u: { return a15; }
    default: { return a0; }
  }
}

// Resident path: a + h(t-1)·R for one entry, R from wq. Unrolled so that every index into wq is a
// constant (a loop index would make each load a gather again).
fn residentProduct(e: Entry, a: mat4x4<f32>) -> mat4x4<f32> {
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

// Units 4q .. 4q+3 of every entry of the tile. Each load of R serves all BATCH_TILE entries: on
// SwiftShader loads, not FMAs, set the pace. The accumulators (columns = gates) are named, not an
// array, so that they stay in registers through the k loop.
fn stepQuad(entries: ptr<function, array<Entry, MAX_TILE>>, d: u32, q: u32, state: ptr<function, array<QuadState, MAX_TILE>>) {
  if (RESIDENT_KQ > 0u) {
    for (var i = 0u; i < BATCH_TILE; i++) {
      let e = (*entries)[i];
      (*state)[i] = finishQuad(e, d, q, residentProduct(e, projection(e, d, q)), (*state)[i]);
    }
    return;
  }
  let Hq = params.Hq;
  var a0 = projection((*entries)[0], d, q);
  var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
  var a8 = a0; var a9 = a0; var a10 = a0; var a11 = a0; var a12 = a0; var a13 = a0; var a14 = a0; var a15 = a0;
  if (BATCH_TILE > 1u) { a1 = projection((*entries)[1], d, q); }
  if (BATCH_TILE > 2u) { a2 = projection((*entries)[2], d, q); a3 = projection((*entries)[3], d, q); }
  if (BATCH_TILE > 4u) {
    a4 = projection((*entries)[4], d, q); a5 = projection((*entries)[5], d, q);
    a6 = projection((*entries)[6], d, q); a7 = projection((*entries)[7], d, q);
  }
  if (BATCH_TILE > 8u) {
    a8 = projection((*entries)[8], d, q); a9 = projection((*entries)[9], d, q);
    a10 = projection((*entries)[10], d, q); a11 = projection((*entries)[11], d, q);
    a12 = projection((*entries)[12], d, q); a13 = projection((*entries)[13], d, q);
    a14 = projection((*entries)[14], d, q); a15 = projection((*entries)[15], d, q);
  }
  let kEnd = select(0u, 4u * Hq, SEQUENCE || params.loadH == 1u);
  let rowStride = 4u * Hq;
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
    if (BATCH_TILE > 8u) {
      a8 = addTimesR(a8, prevH4((*entries)[8], k), w0, w1, w2, w3);
      a9 = addTimesR(a9, prevH4((*entries)[9], k), w0, w1, w2, w3);
      a10 = addTimesR(a10, prevH4((*entries)[10], k), w0, w1, w2, w3);
      a11 = addTimesR(a11, prevH4((*entries)[11], k), w0, w1, w2, w3);
      a12 = addTimesR(a12, prevH4((*entries)[12], k), w0, w1, w2, w3);
      a13 = addTimesR(a13, prevH4((*entries)[13], k), w0, w1, w2, w3);
      a14 = addTimesR(a14, prevH4((*entries)[14], k), w0, w1, w2, w3);
      a15 = addTimesR(a15, prevH4((*entries)[15], k), w0, w1, w2, w3);
    }
  }
  // One call site for the gate code keeps the shader small to compile.
  for (var e = 0u; e < BATCH_TILE; e++) {
    var prev = (*state)[e];
    if (!SEQUENCE) { prev = QuadState(prevH4((*entries)[e], 4u * q), loadC((*entries)[e], q)); }
    (*state)[e] = finishQuad((*entries)[e], d, q, pickTile(e, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15), prev);
  }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let d = wid.y;
  let backward = (d == 1u) != (params.reverse == 1u);
  var entries: array<Entry, MAX_TILE>;
  var lens: array<u32, MAX_TILE>;
  // Sequence mode: the state of this invocation's quad (q = lid) per entry.
  var state: array<QuadState, MAX_TILE>;
  let ownsQuad = lid < params.Hq;
  for (var e = 0u; e < MAX_TILE; e++) {
    let b = wid.x * BATCH_TILE + e;
    let clamped = min(b, params.B - 1u);
    let hSlot = (params.T * params.B * params.projRowQuads) + (d * params.B + clamped) * params.Hq;
    entries[e] = Entry(clamped, b < params.B && e < BATCH_TILE, true, 0u, d * params.sStrideD + clamped * params.sStrideB, hSlot);
    lens[e] = params.T;
    if (HAS_LENGTHS) { lens[e] = u32(lengths[clamped]); }
    if (SEQUENCE && e < BATCH_TILE && ownsQuad) {
      let c = loadC(entries[e], lid);
      var h = vec4<f32>(0.0);
      for (var i = 0u; i < 4u; i++) {
        if (params.loadH == 1u && 4u * lid + i < params.H) { h[i] = hIn[entries[e].sBase + 4u * lid + i]; }
      }
      state[e] = QuadState(h, c);
      publishH(entries[e], lid, h);
    }
  }
  if (RESIDENT_KQ > 0u && ownsQuad) {
    for (var k = 0u; k < 4u * RESIDENT_KQ; k++) { wq[k] = loadR(firstRowOfR(d, lid) + k * 4u * params.Hq, params.Hq); }
  }
  if (SEQUENCE) { storageBarrier(); }
  let first = select(params.step, 0u, SEQUENCE);
  let last = select(params.step + 1u, params.T, SEQUENCE);
  for (var s = first; s < last; s++) {
    for (var e = 0u; e < BATCH_TILE; e++) {
      entries[e].valid = s < lens[e];
      entries[e].t = select(s, lens[e] - 1u - s, backward && entries[e].valid);
    }
    if (SEQUENCE) {
      if (ownsQuad) { stepQuad(&entries, d, lid, &state); }
      storageBarrier();  // every invocation has read h(t-1)
      if (ownsQuad) {
        for (var e = 0u; e < BATCH_TILE; e++) { publishH(entries[e], lid, state[e].h); }
      }
      storageBarrier();  // h(t) is complete
    } else {
      for (var q = lid; q < params.Hq; q += WG_SIZE) { stepQuad(&entries, d, q, &state); }
    }
  }
  if (SEQUENCE && ownsQuad) {
    for (var e = 0u; e < BATCH_TILE; e++) {
      if (!entries[e].inBatch) { continue; }
      for (var i = 0u; i < 4u; i++) {
        let j = 4u * lid + i;
        if (j >= params.H) { break; }
        hOut[entries[e].sBase + j] = state[e].h[i];
        cOut[entries[e].sBase + j] = state[e].c[i];
      }
    }
  }
}
