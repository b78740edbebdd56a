// Normalization of lines of a tensor viewed as [outer, len, inner]: each line (o, i) holds the len
// elements x[o, k, i], k = 0..len-1, and becomes y = (x - mean) / sqrt(variance + epsilon) * scale
// + bias. Layer norm: inner = 1 (a line is a contiguous row of the trailing axes) and scale/bias
// follow the position k in the row (PER_POSITION). Instance norm: a line is one (n, c) over the
// spatial positions, scale/bias follow its channel, line % channels: [N, HW, C] (channels last,
// inner = C, neighbouring invocations read neighbouring channels) or [N*C, HW, 1] (channels first).
//
// LANES invocations share a line: each takes every LANES-th element and the partial sums meet in
// workgroup memory (a tree). LANES = 1 (one invocation per line, no barrier work) suits many
// lines, as on CPU-like adapters; LANES = WG_SIZE (a workgroup per line) suits a few long ones.
// Invocation `local` of a workgroup is lane local / LINES_PER_GROUP of line local % LINES_PER_GROUP,
// so neighbouring invocations take neighbouring lines (neighbouring channels, channels last).
//
// Variance is two-pass (the mean first, then the mean squared deviation), on values shifted by
// the line's first element: with a large common offset (x ~ 1000 + noise) the sums then carry
// the noise's digits instead of rounding them away, and no E[x^2] - E[x]^2 cancellation occurs.

struct Params {
  lines: u32,     // outer * inner
  len: u32,       // elements per line
  inner: u32,     // the stride between a line's elements
  channels: u32,  // instance norm: scale/bias length (line % channels picks one)
  epsilon: f32,
}

override WG_SIZE: u32 = 64u;
override LANES: u32 = 1u;              // invocations per line: a power of two dividing WG_SIZE
override PER_POSITION: bool = true;    // scale/bias per position k (layer) or per line's channel (instance)
override HAS_BIAS: bool = true;
override STATS: bool = false;          // also write each line's mean and 1/sqrt(variance + epsilon)

override LINES_PER_GROUP: u32 = WG_SIZE / LANES; // derived: never set it

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [outer, len, inner]
@group(0) @binding(2) var<storage, read_write> scale: array<f32>;      // [len] (PER_POSITION) or [channels]
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // like scale; unused without HAS_BIAS
@group(0) @binding(4) var<storage, read_write> y: array<f32>;          // [outer, len, inner]
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;       // [lines]; unused without STATS
@group(0) @binding(6) var<storage, read_write> invStdDev: array<f32>;  // [lines]; unused without STATS

var<workgroup> partial: array<f32, WG_SIZE>;

// The sum of `value` over the LANES invocations of this invocation's line.
fn lineSum(value: f32, local: u32) -> f32 {
  if (LANES == 1u) { return value; }
  partial[local] = value;
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (local / LINES_PER_GROUP < stride) { partial[local] += partial[local + stride * LINES_PER_GROUP]; }
  }
  workgroupBarrier();
  let total = partial[local % LINES_PER_GROUP];
  workgroupBarrier(); // every lane has read the total before `partial` is reused
  return total;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let line = (wg.x + wg.y * groups.x) * LINES_PER_GROUP + local % LINES_PER_GROUP;
  let lane = local / LINES_PER_GROUP;
  // A line past the end takes part in the sums (with no elements) but reads and writes nothing.
  let count = select(0u, params.len, line < params.lines);
  let inner = params.inner;
  let base = (line / inner) * params.len * inner + line % inner;
  let n = f32(params.len);

  var pivot = 0.0;
  if (count > 0u) { pivot = x[base]; }
  var sum = 0.0;
  for (var k = lane; k < count; k += LANES) { sum += x[base + k * inner] - pivot; }
  let shift = lineSum(sum, local) / n; // mean - pivot

  var squares = 0.0;
  for (var k = lane; k < count; k += LANES) {
    let d = x[base + k * inner] - pivot - shift;
    squares += d * d;
  }
  let inv = 1.0 / sqrt(lineSum(squares, local) / n + params.epsilon);

  let channel = line % params.channels;
  for (var k = lane; k < count; k += LANES) {
    let at = select(channel, k, PER_POSITION);
    var v = (x[base + k * inner] - pivot - shift) * inv * scale[at];
    if (HAS_BIAS) { v += bias[at]; }
    y[base + k * inner] = v;
  }
  if (STATS && lane == 0u && count > 0u) {
    mean[line] = pivot + shift;
    invStdDev[line] = inv;
  }
}
