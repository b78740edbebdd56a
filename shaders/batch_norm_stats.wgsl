// Batch statistics of batch normalization in training: x is channels last, viewed as
// [rows, channels] (rows = every element of the other axes), and each channel's mean and biased
// variance (divided by rows, as Keras's ops.moments) are gathered over its column. No atomics: the
// invocations of one channel own it and meet in a fixed tree, so every run gives the same bits.
//
// LANES invocations share a channel, each taking every LANES-th row; their partial sums meet in
// workgroup memory. LANES = 1 (one invocation per channel, no barrier work) suits many channels;
// LANES = WG_SIZE (a workgroup per channel) suits few channels over many rows. Invocation `local`
// of a workgroup is lane local / CHANNELS_PER_GROUP of channel local % CHANNELS_PER_GROUP, so
// neighbouring invocations read neighbouring channels of a row (coalesced loads, NHWC).
//
// Variance is two-pass (the mean first, then the mean squared deviation), on values shifted by
// the channel's first element: with a large common offset (x ~ 1000 + noise) the sums carry the
// noise's digits instead of rounding them away, and no E[x^2] - E[x]^2 cancellation occurs.

struct Params {
  channels: u32,  // C, the last axis
  rows: u32,      // elements / C
}

override WG_SIZE: u32 = 64u;
override LANES: u32 = 1u;  // invocations per channel: a power of two dividing WG_SIZE

override CHANNELS_PER_GROUP: u32 = WG_SIZE / LANES; // derived: never set it

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;         // [rows, channels]
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;      // [channels]
@group(0) @binding(3) var<storage, read_write> variance: array<f32>;  // [channels], biased

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
  let n = f32(params.rows);

  var pivot = 0.0;
  if (count > 0u) { pivot = x[channel]; }
  var sum = 0.0;
  for (var r = lane; r < count; r += LANES) { sum += x[r * stride + channel] - pivot; }
  let shift = channelSum(sum, local) / n; // mean - pivot

  var squares = 0.0;
  for (var r = lane; r < count; r += LANES) {
    let d = x[r * stride + channel] - pivot - shift;
    squares += d * d;
  }
  let total = channelSum(squares, local);
  if (lane == 0u && count > 0u) {
    mean[channel] = pivot + shift;
    variance[channel] = total / n;
  }
}
