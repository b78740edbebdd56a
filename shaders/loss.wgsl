// A Keras loss and its gradient for rows of F values (pred [rows, F], the last axis reduced).
// One invocation owns one row and makes a few passes over its F values: for the softmax
// crossentropy the maximum, then the sum of exp(z - max) (subtracting the maximum keeps exp from
// overflowing), then the loss and the gradient; for probabilities the row sum, then the clipped
// logs, then the gradient; for the elementwise kinds (binary crossentropy, MSE, MAE, Huber) one
// pass that averages over the row. Sums run in index order: same inputs, same bits.
// rowLoss[r] = w_r * loss_r; dPred[r, j] = w_r * scale * dloss_r/dpred[r, j]. The formulas and
// their Keras sources are in src/ops/loss/reference.ts.
// Sparse labels are class indices stored as f32; one that is not an integer in [0, F) turns its
// row's loss and gradient into NaN, so a bad label never passes silently (host labels are
// validated before upload).

struct Params {
  rows: u32,
  F: u32,        // values per row (pred's last axis)
  delta: f32,    // huber: quadratic up to |e| = delta
  epsilon: f32,  // probabilities are clipped to [epsilon, 1 - epsilon]
  scale: f32,    // multiplies the gradient (1 / rows of the batch)
}

override KIND: u32 = 0u;          // 0 sparse CE, 1 categorical CE, 2 binary CE, 3 MSE, 4 MAE, 5 Huber
override FROM_LOGITS: bool = false;
override HAS_WEIGHTS: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> pred: array<f32>;     // [rows, F]
@group(0) @binding(2) var<storage, read_write> truth: array<f32>;    // the target ("target" is reserved in WGSL): [rows, F]; sparse: [rows] class indices
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;  // [rows]; unused without HAS_WEIGHTS
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;  // [rows]
@group(0) @binding(5) var<storage, read_write> dPred: array<f32>;    // [rows, F]

// The target distribution's value j of row `row`: one-hot of the label for the sparse kind.
fn targetAt(row: u32, j: u32) -> f32 {
  if (KIND == 0u) { return select(0.0, 1.0, f32(j) == truth[row]); }
  return truth[row * params.F + j];
}

// Softmax crossentropy from logits; writes dz = softmax * sum(t) - t, times gradScale.
fn logitCrossentropy(row: u32, gradScale: f32) -> f32 {
  let base = row * params.F;
  var m = pred[base];
  for (var j = 1u; j < params.F; j++) { m = max(m, pred[base + j]); }
  var sum = 0.0;
  var sumT = 0.0;
  for (var j = 0u; j < params.F; j++) {
    sum += exp(pred[base + j] - m);
    sumT += targetAt(row, j);
  }
  let logSum = log(sum);
  var loss = 0.0;
  for (var j = 0u; j < params.F; j++) {
    let shifted = pred[base + j] - m;
    let t = targetAt(row, j);
    loss += t * (logSum - shifted);
    dPred[base + j] = gradScale * (exp(shifted) / sum * sumT - t);
  }
  return loss;
}

// Crossentropy from probabilities: n = p / sum(p), q = clip(n); the clip passes no gradient
// where it binds: dp_j = (sum of t over unclipped i - [j unclipped] t_j / q_j) / sum(p).
fn probabilityCrossentropy(row: u32, gradScale: f32) -> f32 {
  let base = row * params.F;
  let lo = params.epsilon;
  let hi = 1.0 - params.epsilon;
  var s = 0.0;
  for (var j = 0u; j < params.F; j++) { s += pred[base + j]; }
  var loss = 0.0;
  var passed = 0.0;
  for (var j = 0u; j < params.F; j++) {
    let n = pred[base + j] / s;
    let t = targetAt(row, j);
    loss -= t * log(clamp(n, lo, hi));
    if (n >= lo && n <= hi) { passed += t; }
  }
  for (var j = 0u; j < params.F; j++) {
    let n = pred[base + j] / s;
    let own = select(0.0, -targetAt(row, j) / n, n >= lo && n <= hi);
    dPred[base + j] = gradScale * (own + passed) / s;
  }
  return loss;
}

// log(1 + x) accurate for small x (exp(-|z|) of large logits).
fn log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}

// One element's (loss, dloss/dp) for the elementwise kinds.
fn elementLoss(p: f32, t: f32) -> vec2<f32> {
  let e = p - t;
  switch (KIND) {
    case 2u: {
      if (FROM_LOGITS) {
        let decay = exp(-abs(p));
        let sigmoid = select(decay / (1.0 + decay), 1.0 / (1.0 + decay), p >= 0.0);
        return vec2(max(p, 0.0) - p * t + log1p(decay), sigmoid - t);
      }
      let lo = params.epsilon;
      let hi = 1.0 - params.epsilon;
      let q = clamp(p, lo, hi);
      let grad = select(0.0, (q - t) / (q * (1.0 - q)), p >= lo && p <= hi);
      return vec2(-(t * log(q) + (1.0 - t) * log(1.0 - q)), grad);
    }
    case 3u: { return vec2(e * e, 2.0 * e); }
    case 4u: { return vec2(abs(e), sign(e)); }
    default: {
      let d = params.delta;
      if (abs(e) <= d) { return vec2(0.5 * e * e, e); }
      return vec2(d * (abs(e) - 0.5 * d), d * sign(e));
    }
  }
}

// The elementwise kinds: the mean over the row of elementLoss.
fn meanElementLoss(row: u32, gradScale: f32) -> f32 {
  let base = row * params.F;
  let F = f32(params.F);
  var sum = 0.0;
  for (var j = 0u; j < params.F; j++) {
    let lg = elementLoss(pred[base + j], truth[base + j]);
    sum += lg.x;
    dPred[base + j] = gradScale * lg.y / F;
  }
  return sum / F;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = gid.x + gid.y * groups.x * WG_SIZE;
  if (row >= params.rows) { return; }
  if (KIND == 0u) {
    let label = truth[row];
    if (!(label >= 0.0 && label < f32(params.F) && floor(label) == label)) {
      let nan = bitcast<f32>(0x7fc00000u | bitcast<u32>(label)); // built from the label: no constant NaN is folded
      rowLoss[row] = nan;
      for (var j = 0u; j < params.F; j++) { dPred[row * params.F + j] = nan; }
      return;
    }
  }
  var w = 1.0;
  if (HAS_WEIGHTS) { w = weights[row]; }
  let gradScale = w * params.scale;
  var loss: f32;
  if (KIND <= 1u) {
    if (FROM_LOGITS) { loss = logitCrossentropy(row, gradScale); } else { loss = probabilityCrossentropy(row, gradScale); }
  } else {
    loss = meanElementLoss(row, gradScale);
  }
  rowLoss[row] = w * loss;
}
