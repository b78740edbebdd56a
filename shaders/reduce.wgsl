// Reductions over any set of axes: sum, mean, max, min, prod, L1, L2, sum of squares, log of
// the sum, and log-sum-exp (the kind is an override). The host drops size-1 axes and merges
// neighbouring axes that are both kept or both reduced, so the input reads as at most four
// kept runs and four reduced runs, each a (size, stride) pair (unused runs: size 1, stride 0).
// One invocation owns one output element and gathers its reduced elements itself (no atomics:
// the order of accumulation is fixed, results are deterministic): the kept runs give its base
// offset; an inner loop walks the innermost reduced run at a constant stride, inside a
// mixed-radix walk over the other three. Consecutive invocations own consecutive outputs, i.e.
// neighbouring elements of the innermost kept run: for a mean over H and W of NHWC data
// ([N, HW, C], reduced run HW of stride C) neighbouring invocations read neighbouring channels;
// for a reduction of the innermost axis each invocation streams through its own row.
// log-sum-exp is two passes, max then sum of exp(x - max), so exp cannot overflow. max and min
// propagate NaN (NumPy), tested on the bit pattern so no fast-math assumption can drop the test.
// Elem is f32 here; the 'vec4' variant (src/ops/reduce/op.ts) swaps in vec4<f32> (and UElem
// vec4<u32>) where the innermost axis is kept and its size a multiple of 4: an invocation owns 4
// neighbouring outputs, and counts and strides are in vec4s.

alias Elem = f32;
alias UElem = u32;
alias Mask = bool;

struct Params {
  outCount: u32,       // output elements
  reduceCount: u32,    // input elements per output (0: an empty reduction)
  empty: f32,          // the result of an empty reduction (sum 0, prod 1, max -inf, ...)
  keptDims: vec4<u32>,   // sizes of the kept runs, outermost first
  keptStrides: vec4<u32>,  // their input strides
  redDims: vec4<u32>,    // sizes of the reduced runs, outermost first
  redStrides: vec4<u32>,   // their input strides
}

// 0 sum, 1 mean, 2 max, 3 min, 4 prod, 5 l1, 6 l2, 7 sumSquare, 8 logSum, 9 logSumExp.
override KIND: u32 = 0u;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<Elem>;    // input, row-major
@group(0) @binding(2) var<storage, read_write> out: array<Elem>;  // [outCount], row-major kept dims

// How one value joins the accumulator.
const ADD = 0u;
const ADD_ABS = 1u;
const ADD_SQUARE = 2u;
const ADD_EXP = 3u;
const MUL = 4u;
const MAX = 5u;
const MIN = 6u;

fn isNan(v: Elem) -> Mask {
  return (bitcast<UElem>(v) & UElem(0x7fffffffu)) > UElem(0x7f800000u);
}

fn isInf(v: Elem) -> Mask {
  return (bitcast<UElem>(v) & UElem(0x7fffffffu)) == UElem(0x7f800000u);
}

fn join(mode: u32, acc: Elem, v: Elem, shift: Elem) -> Elem {
  switch mode {
    case ADD_ABS: { return acc + abs(v); }
    case ADD_SQUARE: { return acc + v * v; }
    case ADD_EXP: { return acc + exp(v - shift); }
    case MUL: { return acc * v; }
    // A NaN, once in, stays: WGSL leaves max/min of a NaN unspecified.
    case MAX: { return select(select(max(acc, v), v, isNan(v)), acc, isNan(acc)); }
    case MIN: { return select(select(min(acc, v), v, isNan(v)), acc, isNan(acc)); }
    default: { return acc + v; }
  }
}

// Folds every reduced element of the output at input offset `base` into `start`.
fn gather(base: u32, mode: u32, start: Elem, shift: Elem) -> Elem {
  var acc = start;
  let walks = params.redDims.x * params.redDims.y * params.redDims.z;
  let innerStride = params.redStrides.w;
  for (var walk = 0u; walk < walks; walk++) {
    var rest = walk;
    var offset = base;
    for (var d = 2; d >= 0; d--) {
      offset += (rest % params.redDims[d]) * params.redStrides[d];
      rest = rest / params.redDims[d];
    }
    for (var k = 0u; k < params.redDims.w; k++) {
      acc = join(mode, acc, x[offset + k * innerStride], shift);
    }
  }
  return acc;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = gid.x + gid.y * groups.x * WG_SIZE;
  if (o >= params.outCount) { return; }
  if (params.reduceCount == 0u) {
    out[o] = Elem(params.empty);
    return;
  }
  var rest = o;
  var base = 0u;
  for (var d = 3; d >= 0; d--) {
    base += (rest % params.keptDims[d]) * params.keptStrides[d];
    rest = rest / params.keptDims[d];
  }
  // The first reduced element sits at the base offset: it starts max and min.
  let first = x[base];
  let zero = Elem(0.0);
  var result: Elem;
  switch KIND {
    case 1u: { result = gather(base, ADD, zero, zero) / f32(params.reduceCount); }
    case 2u: { result = gather(base, MAX, first, zero); }
    case 3u: { result = gather(base, MIN, first, zero); }
    case 4u: { result = gather(base, MUL, Elem(1.0), zero); }
    case 5u: { result = gather(base, ADD_ABS, zero, zero); }
    case 6u: { result = sqrt(gather(base, ADD_SQUARE, zero, zero)); }
    case 7u: { result = gather(base, ADD_SQUARE, zero, zero); }
    case 8u: { result = log(gather(base, ADD, zero, zero)); }
    case 9u: {
      let m = gather(base, MAX, first, zero);
      // An infinite or NaN maximum is the answer (exp(inf - inf) would be NaN).
      result = select(m + log(gather(base, ADD_EXP, zero, m)), m, isInf(m) | isNan(m));
    }
    default: { result = gather(base, ADD, zero, zero); }
  }
  out[o] = result;
}
