// conv2d_implicit_vec4_quad.wgsl for narrow outputs (output channels per group mod 32 in [1, 16]):
// the quad kernel's invocations each own 8 output channels, so a quad spans 32 and, over 16
// channels, half of it computes blocks nobody stores. Here each invocation owns one channel quad
// (a quad spans 16) of the same 16 pixels: it loads one 4-pixel slice of the input and takes its
// mates' slices with quad swaps, 4 loads of x and 4 of w per 256 multiply-adds, every lane storing.
// (Two slices per invocation, 8 + 4 loads per 512, measured level and compiled ~2x slower.)
//   out[n, oy, ox, g*CoutG + c] = activate(bias + sum_{ky, kx, ci < CinG}
//       x[n, oy*sh - top + ky*dh, ox*sw - left + kx*dw, g*CinG + ci] * w[ky, kx, ci, g*CoutG + c])
// Same helpers, Params and bindings as conv2d_implicit_vec4_quad.wgsl; every quad is full and no
// invocation returns before the loops end.
enable subgroups;

struct Params {
  M: u32,        // output pixels: N * OH * OW
  CoutG: u32,    // output channels per group (a multiple of 4)
  H: u32,
  W: u32,
  Cin: u32,
  CinG: u32,     // input channels per group (a multiple of 4)
  Cout: u32,
  OH: u32,
  OW: u32,
  KH: u32,
  KW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
  alpha: f32,    // activation parameters
  beta: f32,
}

override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u;
override WG_X: u32 = 8u;
override WG_Y: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;    // [N, H, W, Cin / 4]
@group(0) @binding(2) var<storage, read_write> w: array<vec4<f32>>;    // [KH, KW, CinG, Cout / 4]
@group(0) @binding(3) var<storage, read_write> bias: array<f32>;       // [Cout]
@group(0) @binding(4) var<storage, read_write> out: array<f32>;        // [N, OH, OW, Cout]

// BEGIN activate
// erf by Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, below float32 resolution near 1.
fn erf_approx(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-x * x));
}

fn activate(x: f32, alpha: f32, beta: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return max(x, 0.0); }                                        // relu
    case 2u: { return clamp(x, 0.0, 6.0); }                                 // relu6
    case 3u: { return select(alpha * x, x, x >= 0.0); }                     // leakyRelu
    case 4u: { return select(alpha * (exp(x) - 1.0), x, x > 0.0); }         // elu
    case 5u: { return beta * select(alpha * (exp(x) - 1.0), x, x > 0.0); }  // selu (beta = gamma)
    case 6u: { return 1.0 / (1.0 + exp(-x)); }                              // sigmoid
    case 7u: { return clamp(alpha * x + beta, 0.0, 1.0); }                  // hardSigmoid
    case 8u: { return tanh(clamp(x, -15.0, 15.0)); }                        // tanh; clamped: some tanh builtins overflow to NaN
    case 9u: { return max(x, 0.0) + log(1.0 + exp(-abs(x))); }              // softplus, stable form
    case 10u: { return x / (1.0 + abs(x)); }                                // softsign
    case 11u: { return clamp(x, alpha, beta); }                             // clip(min, max)
    case 12u: { return 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476)); } // gelu (exact form)
    case 13u: { return x * clamp(x / 6.0 + 0.5, 0.0, 1.0); }                // hardSwish
    case 14u: { return x * tanh(clamp(max(x, 0.0) + log(1.0 + exp(-abs(x))), -15.0, 15.0)); } // mish = x tanh(softplus x)
    case 15u: { return erf_approx(x); }                                     // erf
    case 16u: { return sqrt(x); }                                           // sqrt
    case 17u: { return exp(x); }                                            // exp
    case 18u: { return log(x); }                                            // log
    case 19u: { return -x; }                                                // neg
    case 20u: { return abs(x); }                                            // abs
    case 21u: { return 1.0 / x; }                                           // reciprocal
    case 22u: { return floor(x); }                                          // floor
    case 23u: { return ceil(x); }                                           // ceil
    case 24u: { return select(0.0, 1.0, x == 0.0); }                        // not (booleans are 0 and 1)
    default: { return x; }                                                  // linear
  }
}
// END activate

// Four output pixels (a row block of the tile): where their receptive fields start.
struct Pixels {
  originY: vec4<i32>,
  originX: vec4<i32>,
  imageRow: vec4<u32>,  // n * H: the first input row of each pixel's image
}

fn pixels(m0: u32) -> Pixels {
  let p = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.M - 1u));
  let ox = p % params.OW;
  let oy = (p / params.OW) % params.OH;
  let n = p / (params.OW * params.OH);
  return Pixels(vec4<i32>(oy * params.strideH) - i32(params.padTop), vec4<i32>(ox * params.strideW) - i32(params.padLeft), n * params.H);
}

// For tap (ky, kx): each pixel's first input vec4 of this group, and whether it is inside the image.
struct Tap {
  start: vec4<u32>,
  inside: vec4<bool>,
}

fn tap(px: Pixels, ky: u32, kx: u32, group4: u32) -> Tap {
  let iy = px.originY + vec4<i32>(i32(ky * params.dilationH));
  let ix = px.originX + vec4<i32>(i32(kx * params.dilationW));
  let inside = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.H))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.W)));
  let row = (px.imageRow + vec4<u32>(max(iy, vec4<i32>(0)))) * params.W + vec4<u32>(max(ix, vec4<i32>(0)));
  return Tap(select(vec4<u32>(0u), row * (params.Cin / 4u) + group4, inside), inside);
}

// The A block at channel quad c4: column i = pixel i over 4 input channels (zero in the padding).
fn loadA(t: Tap, c4: u32) -> mat4x4<f32> {
  let zero = vec4<f32>(0.0);
  return mat4x4<f32>(select(zero, x[t.start.x + c4], t.inside.x), select(zero, x[t.start.y + c4], t.inside.y),
                     select(zero, x[t.start.z + c4], t.inside.z), select(zero, x[t.start.w + c4], t.inside.w));
}

// The B block at weight row k (4 rows from it) and output-channel quad q4 (absolute): column kk = row k+kk.
fn loadB(k: u32, q4: u32) -> mat4x4<f32> {
  let cout4 = params.Cout / 4u;
  let i = k * cout4 + q4;
  return mat4x4<f32>(w[i], w[i + cout4], w[i + 2u * cout4], w[i + 3u * cout4]);
}

// The bias of output-channel quad q4 (absolute) as a block to add to c (every pixel the same):
// loaded once per invocation and column, 8 gathers instead of one per element (128).
fn quadBias(q4: u32) -> mat4x4<f32> {
  let v = vec4<f32>(bias[4u * q4], bias[4u * q4 + 1u], bias[4u * q4 + 2u], bias[4u * q4 + 3u]);
  return mat4x4<f32>(v, v, v, v);
}

// Writes the 4x4 block c (column i = output pixel m0+i over channels n0..n0+3 of group g).
fn store(c: mat4x4<f32>, g: u32, m0: u32, n0: u32) {
  if (n0 >= params.CoutG) { return; }
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= params.M) { return; }
    for (var j = 0u; j < 4u; j++) {
      let co = g * params.CoutG + n0 + j;
      out[m * params.Cout + co] = activate(c[i][j], params.alpha, params.beta);
    }
  }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(subgroup_id) subgroup: u32,
        @builtin(subgroup_size) subgroupSize: u32, @builtin(subgroup_invocation_id) lane: u32) {
  const TILE_M = 16u;  // output pixels of a quad (4 of them loaded by each invocation)
  const TILE_N = 4u;   // output channels of this invocation
  // This invocation's block: quad mates take consecutive channel quads of one block row (WG_X % 4 == 0).
  let slot = subgroup * subgroupSize + lane;
  let m0 = (wg.y * WG_Y + slot / WG_X) * TILE_M;
  let n0 = (wg.x * WG_X + slot % WG_X) * TILE_N;
  let g = wg.z;
  let q = lane % 4u;

  let px = pixels(m0 + 4u * q);
  // The output-channel quad, clamped onto the group's last (blocks past the group still load, for
  // their quad mates' sake, and store nothing).
  let q0 = (g * params.CoutG + min(n0, params.CoutG - 4u)) / 4u;
  let group4 = g * params.CinG / 4u;
  let cin4 = params.CinG / 4u;

  // c<s>: pixels of the slice quad mate q ^ s loads (s = 0: this invocation's own).
  var c0 = mat4x4<f32>(); var c1 = mat4x4<f32>(); var c2 = mat4x4<f32>(); var c3 = mat4x4<f32>();
  for (var ky = 0u; ky < params.KH; ky++) {
    for (var kx = 0u; kx < params.KW; kx++) {
      let t = tap(px, ky, kx, group4);
      var k = (ky * params.KW + kx) * params.CinG;
      for (var c4 = 0u; c4 < cin4; c4++) {
        let b = loadB(k, q0);
        k += 4u;
        let a = loadA(t, c4);
        c0 += b * a;
        c1 += b * mat4x4<f32>(quadSwapX(a[0]), quadSwapX(a[1]), quadSwapX(a[2]), quadSwapX(a[3]));
        c2 += b * mat4x4<f32>(quadSwapY(a[0]), quadSwapY(a[1]), quadSwapY(a[2]), quadSwapY(a[3]));
        c3 += b * mat4x4<f32>(quadSwapDiagonal(a[0]), quadSwapDiagonal(a[1]), quadSwapDiagonal(a[2]), quadSwapDiagonal(a[3]));
      }
    }
  }

  if (HAS_BIAS) {
    let bias0 = quadBias(q0);
    c0 += bias0; c1 += bias0; c2 += bias0; c3 += bias0;
  }
  store(c0, g, m0 + 4u * q, n0);
  store(c1, g, m0 + 4u * (q ^ 1u), n0);
  store(c2, g, m0 + 4u * (q ^ 2u), n0);
  store(c3, g, m0 + 4u * (q ^ 3u), n0);
}
