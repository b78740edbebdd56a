// Embedding lookup (ONNX Gather on axis 0 of a 2-D table): out[n, :] = table[row(ids[n]), :],
// where a negative id counts from the end (row = V + id). An id outside [-V, V) reads nothing
// and writes a row of NaN, so a bad id on the GPU shows up in the result instead of reading
// another row or past the table (ids from host data are validated before upload).

struct Params {
  count: u32,   // ids * E
  E: u32,       // embedding width
  V: u32,       // rows in the table
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> table: array<f32>;      // [V, E]
@group(0) @binding(2) var<storage, read_write> ids: array<i32>;        // [n]
@group(0) @binding(3) var<storage, read_write> out: array<f32>;  // [n, E]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let id = ids[i / params.E];
  let V = i32(params.V);
  if (id < -V || id >= V) {
    out[i] = bitcast<f32>(0x7fc00000u | u32(id));   // a NaN; built from id so no constant NaN is folded
    return;
  }
  let row = u32(select(id, id + V, id < 0));
  out[i] = table[row * params.E + i % params.E];
}
