// Embedding gradient, pass 3 of 4: each row's positions sorted increasingly within its segment
// [offsets[row], offsets[row + 1]), so pass 4 sums them in a fixed order (the CPU reference's)
// whatever the scheduling. A merge sort run in every segment at once, one invocation per slot k
// of the n segments' slots:
//   STAGE 0: each position enters its segment at its arrival slot (pass 1's atomic): a list of
//            the row's positions in an order that depends on scheduling.
//   STAGE 1: runs of RUN slots (cut from each segment's start) are sorted by rank: the position
//            at slot k goes to run start + (the number of its run's positions below it).
//   STAGE 2: (dispatched with width = RUN, 2 RUN, ... below n) pairs of sorted runs of `width`
//            are merged: a position's new slot is its index in its own run plus the number of
//            positions below it in the other run, found by binary search.
// Positions are distinct, so each step is a permutation of the segment, and the result (sorted)
// does not depend on the arrival order. Work: n * (RUN + log2(n)^2 / 2) steps for any ids, where
// ranking against all earlier positions costs up to n^2 / 2 (measured, V 20000 E 64 n 3200 on
// SwiftShader: 14 ms for that, as much as writing the whole dTable).

struct Params {
  n: u32,      // positions (slots used: offsets[V], fewer when ids are out of range)
  V: u32,      // rows in the table
  width: u32,  // STAGE 2: length of the sorted runs to merge
}

const NO_ROW = 0xffffffffu;

override STAGE: u32 = 0u;  // 0: list by arrival; 1: sort runs of RUN; 2: merge runs of width
override RUN: u32 = 32u;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> rows: array<u32>;     // [n] row of each position, or NO_ROW
@group(0) @binding(2) var<storage, read_write> slots: array<u32>;    // [n] arrival among its row's positions
@group(0) @binding(3) var<storage, read_write> offsets: array<u32>;  // [V + 1] each row's first slot
@group(0) @binding(4) var<storage, read_write> src: array<u32>;      // [n] positions by slot, before this step
@group(0) @binding(5) var<storage, read_write> dst: array<u32>;      // [n] positions by slot, after it

/** How many of the sorted src[begin..end) are below p. */
fn countBelow(begin: u32, end: u32, p: u32) -> u32 {
  var lo = begin;
  var hi = end;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (src[mid] < p) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo - begin;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (STAGE == 0u) {
    if (i >= params.n) { return; }
    let row = rows[i];
    if (row != NO_ROW) { dst[offsets[row] + slots[i]] = i; }
    return;
  }
  // i is a slot here: the position in it, its row's segment, and its offset in the segment.
  if (i >= offsets[params.V]) { return; }
  let p = src[i];
  let row = rows[p];
  let begin = offsets[row];
  let end = offsets[row + 1u];
  let local = i - begin;
  if (STAGE == 1u) {
    let runStart = begin + local / RUN * RUN;
    let runEnd = min(runStart + RUN, end);
    var rank = 0u;
    for (var k = runStart; k < runEnd; k++) { rank += u32(src[k] < p); }
    dst[runStart + rank] = p;
    return;
  }
  let w = params.width;
  let pairStart = begin + local / (2u * w) * (2u * w);
  let mid = min(pairStart + w, end);
  let pairEnd = min(mid + w, end);
  if (i < mid) {
    dst[i + countBelow(mid, pairEnd, p)] = p;
  } else {
    dst[pairStart + (i - mid) + countBelow(pairStart, mid, p)] = p;
  }
}
