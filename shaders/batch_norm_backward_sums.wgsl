// The per-channel sums of batch normalization's backward (training): over the rows of dY and x
// viewed as [rows, channels] (channels last), dBeta = sum dY and dGamma = sum dY * xhat with
// xhat = (x - mean) / sqrt(variance + epsilon). batch_norm_backward_dx.wgsl then uses both.
// A gather like batch_norm_stats.wgsl: LANES invocations share a channel, each taking every
// LANES-th row, and meet in a fixed tree in workgroup memory (no atomics: the same bits every run);
// neighbouring invocations read neighbouring channels of a row.

struct Params {
  channels: u32,  // C, the last axis
  rows: u32,      // elements / C
  epsilon: f32,
}

override WG_SIZE: u32 = 64u;
override LANES: u32 = 1u;  // invocations per channel: a power of two dividing WG_SIZE

override CHANNELS_PER_GROUP: u32 = WG_SIZE / LANES; // derived: never set it

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dY: array<f32>;        // [rows, channels]
@group(0) @binding(2) var<storage, read_write> x: array<f32>;         // [rows, channels]
@group(0) @binding(3) var<storage, read_write> mean: array<f32>;      // [channels], the forward's
@group(0) @binding(4) var<storage, read_write> variance: array<f32>;  // [channels], the forward's
@group(0) @binding(5) var<storage, read_write> dGamma: array<f32>;    // [channels]
@group(0) @binding(6) var<storage, read_write> dBeta: array<f32>;     // [channels]

var<workgroup> partial: array<f32, WG_SIZE>;

// The sum of `value` over the LANES invocations of this invocation's channel.
fn channelSum(value: f32, local: u32) -> f32 {
  if (LANES == 1u) { return value; }
  partial[local] = value;
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (local / CHANNELS_PER_GROUP < stride) { partial[local] += partial[local + stride * CHANNELS_PER_GROUP]; }
  }
  workgroupBarrier();
  let total = partial[local % CHANNELS_PER_GROUP];
  workgroupBarrier(); // every lane has read the total before `partial` is reused
  return total;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let channel = (wg.x + wg.y * groups.x) * CHANNELS_PER_GROUP + local % CHANNELS_PER_GROUP;
  let lane = local / CHANNELS_PER_GROUP;
  // A channel past the end takes part in the sums (with no rows) but reads and writes nothing.
  let count = select(0u, params.rows, channel < params.channels);
  let stride = params.channels;

  var mu = 0.0;
  if (count > 0u) { mu = mean[channel]; }
  var sumDy = 0.0;
  var sumDyCentered = 0.0; // sum dY * (x - mean): xhat's scale is applied once, at the end
  for (var r = lane; r < count; r += LANES) {
    let at = r * stride + channel;
    sumDy += dY[at];
    sumDyCentered += dY[at] * (x[at] - mu);
  }
  let totalDy = channelSum(sumDy, local);
  let totalDyCentered = channelSum(sumDyCentered, local);
  if (lane == 0u && count > 0u) {
    dBeta[channel] = totalDy;
    dGamma[channel] = totalDyCentered / sqrt(variance[channel] + params.epsilon);
  }
}
