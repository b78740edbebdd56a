// Strided copy: Slice, Expand and Tile. Each output element copies the input element whose
// coordinate on every axis d is (begin[d] + coord[d] * step[d]) mod inDim[d]:
//   Slice:  begin and a signed step per axis (in range by construction, so mod changes nothing);
//   Expand: begin 0, step 1, and an input dim of 1 on broadcast axes (mod makes them 0);
//   Tile:   begin 0, step 1, the output a whole number of input repeats (mod wraps around).
// The host first merges axes that read contiguously (src/ops/strided-copy/dispatch.ts), so most
// copies walk one to three axes here, not eight: the div/mod per axis is the cost of an element
// on a CPU-like adapter, so where the innermost axis does not wrap an invocation copies a run of
// its consecutive elements after working out the first one's offset. Shapes are right-aligned to rank 8 (padded with 1s) and split over two
// vec4s; only the last `rank` axes are walked. Elements are
// copied as u32 bits, so float32 and int32 tensors take the same pipeline (an f32 load may
// flush the denormal bit patterns of small integers).

struct Params {
  count: u32,
  rank: u32,            // axes to walk, the innermost ones (1..8)
  outLo: vec4<u32>,     // output dims 0..3 of the rank-8 padded shape
  outHi: vec4<u32>,     // output dims 4..7
  inLo: vec4<u32>,      // input dims, padded the same way
  inHi: vec4<u32>,
  beginLo: vec4<u32>,   // first input coordinate per axis
  beginHi: vec4<u32>,
  stepLo: vec4<i32>,    // input coordinates per output coordinate, per axis (may be negative)
  stepHi: vec4<i32>,
  run: u32,             // consecutive elements of the innermost axis per invocation (1: no run)
  runsPerRow: u32,      // ceil(innermost output size / run)
}

override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<u32>;    // input, row-major
@group(0) @binding(2) var<storage, read_write> out: array<u32>;  // [count], row-major output shape

// The input coordinate on one axis for output coordinate `coord`.
fn source(coord: u32, dim: u32, begin: u32, step: i32) -> u32 {
  let s = i32(begin) + i32(coord) * step;  // >= 0: Slice keeps it in range, Expand and Tile step +1
  return u32(s) % dim;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  // This invocation's first element: run i % runsPerRow of innermost row i / runsPerRow.
  let innerOut = params.outHi[3];
  let first = (i / params.runsPerRow) * innerOut + (i % params.runsPerRow) * params.run;
  // Peel the output coordinates from the innermost axis outwards, building the input offset.
  var rest = first;
  var offset = 0u;
  var stride = 1u;
  let hiAxes = min(params.rank, 4u);
  for (var k = 0u; k < hiAxes; k++) {
    let d = 3u - k;
    let coord = rest % params.outHi[d];
    rest = rest / params.outHi[d];
    offset += source(coord, params.inHi[d], params.beginHi[d], params.stepHi[d]) * stride;
    stride *= params.inHi[d];
  }
  for (var k = hiAxes; k < params.rank; k++) {
    let d = 7u - k;
    let coord = rest % params.outLo[d];
    rest = rest / params.outLo[d];
    offset += source(coord, params.inLo[d], params.beginLo[d], params.stepLo[d]) * stride;
    stride *= params.inLo[d];
  }
  // The rest of the run along the innermost axis (the host runs only axes that do not wrap).
  let count = min(params.run, innerOut - first % innerOut);
  let step = params.stepHi[3];
  for (var k = 0u; k < count; k++) {
    out[first + k] = x[u32(i32(offset) + i32(k) * step)];
  }
}
