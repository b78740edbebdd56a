// Resize (ONNX Resize and Upsample): nearest, linear and cubic sampling, separable per axis.
// Each invocation writes one output element. How every axis samples is read from a small table
// that the host builds (src/ops/resize/table.ts): for axis d and output coordinate o, taps[d]
// entries of (input offset along d, weight). The output is the sum, over every choice of one
// entry per axis, of the product of the chosen weights times the input element at the sum of
// the chosen offsets: one read for nearest, 2^k for linear and 4^k for cubic over the k axes
// that resample (an axis whose coordinates land on input elements, like N and C of an NHWC
// image, has a single tap of weight 1 and costs nothing in the blend loop).
//
// Why a host table rather than the coordinate transform in the kernel: the transform decides
// nearest picks at exact ties and integers, and ONNX defines it in float64 (in float32, 3 / 0.6f
// is 4.9999998 and floors to 4, not 5), while WGSL has no f64 and lets division be off by 2.5 ULP.
// The table has sum(out dims * taps) entries, a few KiB; on a CPU-like adapter one table read per
// axis costs less than the transform's divisions, and the kernel needs no mode switches at all.
// A first entry whose offset is OUTSIDE marks a coordinate outside the input (tf_crop_and_resize):
// the element is then the extrapolation value. Shapes are right-aligned to rank 8 over two vec4s.

struct Params {
  count: u32,           // output elements
  rank: u32,            // axes in use (1..8), the last `rank` lanes of the vectors below
  extrapolation: f32,   // the value of elements sampled outside the input (tf_crop_and_resize)
  outLo: vec4<u32>,     // output dims 0..3 of the rank-8 padded shape
  outHi: vec4<u32>,     // output dims 4..7
  tapsLo: vec4<u32>,    // table entries per output coordinate, per axis
  tapsHi: vec4<u32>,
  baseLo: vec4<u32>,    // index of each axis's first table entry
  baseHi: vec4<u32>,
}

override WG_SIZE: u32 = 64u;
const OUTSIDE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;           // input, row-major
@group(0) @binding(2) var<storage, read_write> table: array<vec2<u32>>; // [entries]: (offset, bitcast weight)
@group(0) @binding(3) var<storage, read_write> out: array<f32>;         // [count], row-major output shape

fn lane(lo: vec4<u32>, hi: vec4<u32>, d: u32) -> u32 {
  if (d < 4u) { return lo[d]; }
  return hi[d - 4u];
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  // Peel the output coordinates from the innermost axis outwards. Single-tap axes add their
  // offset to `base` at once; the others are kept for the blend.
  var rest = i;
  var base = 0u;
  var first: array<u32, 8>;  // first table entry of each blended axis
  var taps: array<u32, 8>;   // its entry count
  var blended = 0u;
  var combos = 1u;
  for (var k = 0u; k < params.rank; k++) {
    let d = 7u - k;
    let dim = lane(params.outLo, params.outHi, d);
    let coord = rest % dim;
    rest = rest / dim;
    let n = lane(params.tapsLo, params.tapsHi, d);
    let e = lane(params.baseLo, params.baseHi, d) + coord * n;
    let offset = table[e].x;
    if (offset == OUTSIDE) {
      out[i] = params.extrapolation;
      return;
    }
    if (n == 1u) {
      base += offset;
    } else {
      first[blended] = e;
      taps[blended] = n;
      blended++;
      combos *= n;
    }
  }
  if (blended == 0u) {
    out[i] = x[base];
    return;
  }
  var sum = 0.0;
  for (var c = 0u; c < combos; c++) {
    var pick = c;
    var at = base;
    var w = 1.0;
    for (var b = 0u; b < blended; b++) {
      let entry = table[first[b] + pick % taps[b]];
      pick = pick / taps[b];
      at += entry.x;
      w *= bitcast<f32>(entry.y);
    }
    sum += w * x[at];
  }
  out[i] = sum;
}
