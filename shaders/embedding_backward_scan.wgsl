// Embedding gradient, pass 2 of 4: the exclusive prefix sum of the row counts, in place, so
// counts[r] becomes offsets[r], the first slot of row r's positions. Two dispatches and no
// workgroup barriers (costly on SwiftShader): the `length` counts are cut into `chunks` chunks of
// `chunk` values, chunk ~ sqrt(length), so each invocation does O(sqrt(length)) serial work and
// both dispatches O(length) in all (20k rows: ~142 chunks of 142).
//   STAGE 0: invocation c sums chunk c into sums[c].
//   STAGE 1: invocation c adds sums[0..c) (where its chunk starts), then walks its chunk,
//            replacing each count by the running total before it. Chunks are disjoint and sums
//            is only read, so the in-place rewrite races with nothing.

struct Params {
  length: u32,  // values to scan (V + 1)
  chunk: u32,   // values per chunk
  chunks: u32,  // ceil(length / chunk)
}

override STAGE: u32 = 0u;  // 0: chunk sums; 1: offsets
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> counts: array<u32>;  // [length] counts in, exclusive offsets out
@group(0) @binding(2) var<storage, read_write> sums: array<u32>;    // [chunks] each chunk's total

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let c = gid.x + gid.y * groups.x * WG_SIZE;
  if (c >= params.chunks) { return; }
  let begin = c * params.chunk;
  let end = min(begin + params.chunk, params.length);
  if (STAGE == 0u) {
    var total = 0u;
    for (var r = begin; r < end; r++) { total += counts[r]; }
    sums[c] = total;
    return;
  }
  var running = 0u;
  for (var k = 0u; k < c; k++) { running += sums[k]; }
  for (var r = begin; r < end; r++) {
    let count = counts[r];
    counts[r] = running;
    running += count;
  }
}
