// Batch normalization's input gradient (training), after batch_norm_backward_sums.wgsl: with
// invStd = 1 / sqrt(variance + epsilon), xhat = (x - mean) * invStd and M = rows,
//   dX = gamma * invStd / M * (M * dY - dBeta - xhat * dGamma),
// computed as gamma * invStd * (dY - (dBeta + xhat * dGamma) / M). One invocation per element,
// channels last (element i is of channel i % C).

struct Params {
  count: u32,     // elements of x
  channels: u32,  // C
  rows: u32,      // M = count / C
  epsilon: f32,
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dY: array<f32>;        // [rows, channels]
@group(0) @binding(2) var<storage, read_write> x: array<f32>;         // [rows, channels]
@group(0) @binding(3) var<storage, read_write> gamma: array<f32>;     // [channels]
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;      // [channels]
@group(0) @binding(5) var<storage, read_write> variance: array<f32>;  // [channels]
@group(0) @binding(6) var<storage, read_write> dGamma: array<f32>;    // [channels]
@group(0) @binding(7) var<storage, read_write> dBeta: array<f32>;     // [channels]
@group(0) @binding(8) var<storage, read_write> dX: array<f32>;        // [rows, channels]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let c = i % params.channels;
  let invStd = 1.0 / sqrt(variance[c] + params.epsilon);
  let xhat = (x[i] - mean[c]) * invStd;
  dX[i] = gamma[c] * invStd * (dY[i] - (dBeta[c] + xhat * dGamma[c]) / f32(params.rows));
}
