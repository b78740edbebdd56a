// Embedding gradient, pass 1 of 4 (then embedding_backward_scan, _sort, _sum): each table row's
// count of positions. STAGE 0 zeroes the V + 1 counts (the extra one is never counted, so after
// the exclusive scan it holds the total: row r's positions then lie in [offsets[r], offsets[r+1])).
// STAGE 1 gives each position its row (a negative id counts from the end; an id outside [-V, V)
// gets NO_ROW and sends no gradient, as its forward row was NaN) and counts it with a u32
// atomicAdd. Counting commutes, so the counts are exact whatever the scheduling. The value the
// atomic returns, the position's arrival among its row's (slots[i]), does depend on scheduling:
// pass 3 only uses it to list the row's positions in some order, then sorts them.

struct Params {
  n: u32,   // positions (ids)
  V: u32,   // rows in the table
}

const NO_ROW = 0xffffffffu;

override STAGE: u32 = 0u;  // 0: zero the counts; 1: count
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> ids: array<i32>;             // [n]
@group(0) @binding(2) var<storage, read_write> rows: array<u32>;            // [n] row of each position, or NO_ROW
@group(0) @binding(3) var<storage, read_write> slots: array<u32>;           // [n] arrival among its row's positions
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;  // [V + 1]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (STAGE == 0u) {
    if (i <= params.V) { atomicStore(&counts[i], 0u); }
    return;
  }
  if (i >= params.n) { return; }
  let id = ids[i];
  let V = i32(params.V);
  if (id < -V || id >= V) {
    rows[i] = NO_ROW;
    return;
  }
  let row = u32(select(id, id + V, id < 0));
  rows[i] = row;
  slots[i] = atomicAdd(&counts[row], 1u);
}
