// Adds the sum of every value of a tensor into one slot of a small running-sum buffer (a
// training run's loss and metric totals, read back every few steps). One invocation sums the
// values in order, so the result is the same bit for bit on every run: no float atomics, no
// order that depends on scheduling. The inputs are per-batch values (a few thousand at most),
// so a sequential sum costs little next to the step it measures.

struct Params {
  count: u32,  // values to sum
  slot: u32,   // index into metrics
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> values: array<f32>;   // [count], any shape flattened
@group(0) @binding(2) var<storage, read_write> metrics: array<f32>;  // [slots] running sums

@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  for (var i = 0u; i < params.count; i++) { sum += values[i]; }
  metrics[params.slot] += sum;
}
