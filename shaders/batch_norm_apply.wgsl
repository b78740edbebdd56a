// Batch normalization's elementwise pass in training, after batch_norm_stats.wgsl:
// y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, channels last. One invocation per
// element; the subtraction comes before the scaling, so inputs with a large common offset keep
// their digits (a folded x * scale + shift would cancel them away).

struct Params {
  count: u32,     // elements of x
  channels: u32,  // C: element i is of channel i % C
  epsilon: f32,
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;         // [rows, channels]
@group(0) @binding(2) var<storage, read_write> gamma: array<f32>;     // [channels]
@group(0) @binding(3) var<storage, read_write> beta: array<f32>;      // [channels]
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;      // [channels]
@group(0) @binding(5) var<storage, read_write> variance: array<f32>;  // [channels]
@group(0) @binding(6) var<storage, read_write> y: array<f32>;         // [rows, channels]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let c = i % params.channels;
  let scale = gamma[c] / sqrt(variance[c] + params.epsilon);
  y[i] = (x[i] - mean[c]) * scale + beta[c];
}
