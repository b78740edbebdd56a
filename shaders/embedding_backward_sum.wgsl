// Embedding gradient, pass 4 of 4: dTable[r, :] = the sum of dY[i, :] over row r's positions i,
// in increasing i (the order pass 3 listed them in), and 0 for a row no id hits. A gather, no
// float atomics: one invocation owns 4 consecutive columns of one row (the last group of a row
// may hold fewer when E % 4 != 0) and loops over the row's positions, so the result is the same
// bit for bit on every run and equals the CPU reference's float32 sum.

struct Params {
  count: u32,   // V * groups
  E: u32,       // embedding width
  groups: u32,  // ceil(E / 4) column groups per row
}

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> dy: array<f32>;       // [n, E]
@group(0) @binding(2) var<storage, read_write> offsets: array<u32>;  // [V + 1] row r's slots are [offsets[r], offsets[r + 1])
@group(0) @binding(3) var<storage, read_write> order: array<u32>;    // [n] positions grouped by row, increasing within one
@group(0) @binding(4) var<storage, read_write> dTable: array<f32>;   // [V, E]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let g = gid.x + gid.y * groups.x * WG_SIZE;
  if (g >= params.count) { return; }
  let E = params.E;
  let row = g / params.groups;
  let col = (g % params.groups) * 4u;
  let lanes = min(4u, E - col);
  let begin = offsets[row];
  let end = offsets[row + 1u];
  let out = row * E + col;
  if (lanes == 4u) {
    var acc = vec4<f32>(0.0);
    for (var k = begin; k < end; k++) {
      let at = order[k] * E + col;
      acc += vec4<f32>(dy[at], dy[at + 1u], dy[at + 2u], dy[at + 3u]);
    }
    dTable[out] = acc.x;
    dTable[out + 1u] = acc.y;
    dTable[out + 2u] = acc.z;
    dTable[out + 3u] = acc.w;
    return;
  }
  for (var l = 0u; l < lanes; l++) {
    var acc = 0.0;
    for (var k = begin; k < end; k++) { acc += dy[order[k] * E + col + l]; }
    dTable[out + l] = acc;
  }
}
