// One optimizer step over every trainable parameter at once. The parameters live in one flat
// buffer, their gradients at the same offsets in another, and the optimizer's state in `slots`
// of `count` elements each (slot s of element i at s * count + i). One invocation owns one
// element: it clips the gradient (by value, or by its parameter's norm scale), applies decoupled weight decay (w -= w * wd * lr), then the
// update of the chosen optimizer, each formula as Keras 3's update_step writes it
// (keras/src/optimizers/{sgd,adam,rmsprop,adagrad}.py; clipping and weight decay:
// base_optimizer.py). Elements are independent, so there is nothing to synchronize; zero padding
// between parameters (zero weight, zero gradient) stays zero.
// Elem is f32 here; the 'vec4' variant (src/ops/optimizer/op.ts) swaps in vec4<f32>, so that one
// invocation owns 4 neighbouring elements (count then counts vec4s). The formulas are the same.
// The host writes `step` before each step: the learning rate (schedules run on the host), the
// step number t, and Adam's bias corrections 1 - beta1^t and 1 - beta2^t in float64 precision.

alias Elem = f32;

struct Params {
  count: u32,          // Elems of the flat buffers (and of each state slot)
  momentum: f32,       // sgd, rmsprop
  oneMinusBeta1: f32,  // adam: 1 - beta1, rounded once on the host (not 1 - f32(beta1))
  oneMinusBeta2: f32,
  rho: f32,            // rmsprop
  oneMinusRho: f32,
  epsilon: f32,
  weightDecay: f32,    // 0: none
  clipValue: f32,      // read when CLIP
  segments: u32,       // parameters, read when CLIP_NORM
}

// 0 sgd, 1 adam (and adamw), 2 rmsprop, 3 adagrad
override KIND: u32 = 0u;
// sgd / rmsprop keep a momentum slot (momentum > 0)
override MOMENTUM: bool = false;
override NESTEROV: bool = false;
override CENTERED: bool = false;
override CLIP: bool = false;
// Clipping by norm: g *= scales[the parameter that element i belongs to] (clip_norm_scales.wgsl);
// scalar variant only (a vec4 could straddle two parameters).
override CLIP_NORM: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> weights: array<Elem>;  // [count] flat parameters
@group(0) @binding(2) var<storage, read_write> grads: array<Elem>;    // [count] their gradients
@group(0) @binding(3) var<storage, read_write> state: array<Elem>;    // [slots, count]
@group(0) @binding(4) var<storage, read_write> step: array<f32>;     // [lr, t, 1 - beta1^t, 1 - beta2^t]
@group(0) @binding(5) var<storage, read_write> scales: array<f32>;   // [segments], read when CLIP_NORM
@group(0) @binding(6) var<storage, read_write> bounds: array<i32>;   // [segments + 1]: parameter s at [bounds[s], bounds[s + 1])

// The parameter element i belongs to, by binary search over the bounds (bounds[0] = 0 <= i <
// bounds[segments] = count); neighbouring invocations search the same few entries.
fn segmentOf(i: u32) -> u32 {
  var lo = 0u;
  var hi = params.segments;
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (u32(bounds[mid]) <= i) { lo = mid; } else { hi = mid; }
  }
  return lo;
}

fn slot(s: u32, i: u32) -> u32 {
  return s * params.count + i;
}

// sgd.py: m = m * momentum - g * lr; w += m (nesterov: w += m * momentum - g * lr); no momentum: w -= g * lr.
fn sgd(i: u32, w: Elem, g: Elem, lr: f32) -> Elem {
  if (!MOMENTUM) { return w - g * lr; }
  let m = state[i] * params.momentum - g * lr;
  state[i] = m;
  if (NESTEROV) { return w + (m * params.momentum - g * lr); }
  return w + m;
}

// adam.py: alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m += (g - m)(1 - beta1);
// v += (g^2 - v)(1 - beta2); w -= m * alpha / (sqrt(v) + epsilon).
fn adam(i: u32, w: Elem, g: Elem, lr: f32) -> Elem {
  let alpha = lr * sqrt(step[3]) / step[2];
  let m0 = state[i];
  let v0 = state[slot(1u, i)];
  let m = m0 + (g - m0) * params.oneMinusBeta1;
  let v = v0 + (g * g - v0) * params.oneMinusBeta2;
  state[i] = m;
  state[slot(1u, i)] = v;
  return w - (m * alpha) / (sqrt(v) + params.epsilon);
}

// rmsprop.py: velocity = rho v + (1 - rho) g^2; centered: avg = rho avg + (1 - rho) g and the
// denominator is velocity - avg^2 + epsilon, else velocity + epsilon; increment = lr g / sqrt(denominator);
// momentum: mom = momentum * mom + increment, w -= mom; else w -= increment.
// Slots: velocity 0, then momentum (if MOMENTUM), then the average gradient (if CENTERED).
fn rmsprop(i: u32, w: Elem, g: Elem, lr: f32) -> Elem {
  let velocity = params.rho * state[i] + params.oneMinusRho * g * g;
  state[i] = velocity;
  var denominator = velocity + params.epsilon;
  if (CENTERED) {
    let s = slot(select(1u, 2u, MOMENTUM), i);
    let average = params.rho * state[s] + params.oneMinusRho * g;
    state[s] = average;
    denominator = velocity - average * average + params.epsilon;
  }
  let increment = lr * g / sqrt(denominator);
  if (!MOMENTUM) { return w - increment; }
  let momentum = params.momentum * state[slot(1u, i)] + increment;
  state[slot(1u, i)] = momentum;
  return w - momentum;
}

// adagrad.py: accumulator += g^2; w -= lr g / sqrt(accumulator + epsilon).
fn adagrad(i: u32, w: Elem, g: Elem, lr: f32) -> Elem {
  let accumulator = state[i] + g * g;
  state[i] = accumulator;
  return w - lr * g / sqrt(accumulator + params.epsilon);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let lr = step[0];
  var g = grads[i];
  if (CLIP_NORM) { g *= scales[segmentOf(i)]; }
  if (CLIP) { g = clamp(g, Elem(-params.clipValue), Elem(params.clipValue)); }
  let w = weights[i] - weights[i] * params.weightDecay * lr;
  var updated: Elem;
  if (KIND == 0u) {
    updated = sgd(i, w, g, lr);
  } else if (KIND == 1u) {
    updated = adam(i, w, g, lr);
  } else if (KIND == 2u) {
    updated = rmsprop(i, w, g, lr);
  } else {
    updated = adagrad(i, w, g, lr);
  }
  weights[i] = updated;
}
