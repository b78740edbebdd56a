// Updates a moving average kept in an external buffer (batch normalization's moving mean and
// variance, Keras 3 BatchNormalization.call: moving = moving * momentum + batch * (1 - momentum)):
// buffer[offset + i] = buffer[offset + i] * momentum + value[i] * (1 - momentum). The whole buffer
// is bound and the average's place in it comes as `offset`, so one pipeline serves every layer.
// One invocation per element: nothing to synchronize.

struct Params {
  count: u32,             // elements of value (and of the average)
  offset: u32,            // where the average starts in buffer, in floats
  momentum: f32,
  oneMinusMomentum: f32,  // 1 - momentum, rounded once on the host (not 1 - f32(momentum))
}

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> value: array<f32>;   // [count], this batch's statistic
@group(0) @binding(2) var<storage, read_write> buffer: array<f32>;  // the external buffer; [offset, offset + count) is the average

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let at = params.offset + i;
  buffer[at] = buffer[at] * params.momentum + value[i] * params.oneMinusMomentum;
}
