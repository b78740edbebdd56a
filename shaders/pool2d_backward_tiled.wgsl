// The pooling gradient in one pass where the windows tile the input: kernel == stride, no
// dilation, no padding (Keras's default 2x2 pooling). Every input element then lies in at most
// one window, so one invocation per window (and quad of channels, x and dX read and written as
// vec4s) finds the window's argmax (max: the FIRST maximum in window order, as pool2d_argmax.wgsl
// and PyTorch, ONNX and TF choose) and writes dX for every tap: dY at the argmax and 0 elsewhere
// (max), or dY / (KH * KW) everywhere (average). Rows and columns past the last whole window are
// in no window: the invocations of the last windows write their zeros. Against the two passes
// (argmax into scratch, then a gather per dX element), x, dY and dX are each touched once.
// RELU_MASK: x is a relu's output and dX also takes relu's gradient (x > 0), the pooling and relu
// gradients in one pass (src/compile/fuse.ts): the argmax's dY only where the maximum is > 0; for
// average pooling each tap's share where its x is.

struct Params {
  count: u32,    // N * OH * OW * C / 4
  H: u32,
  W: u32,
  C: u32,
  OH: u32,
  OW: u32,
  KH: u32,
  KW: u32,
}

override MAX: bool = true;
override RELU_MASK: bool = false;
override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;   // [N, H, W, C / 4]
@group(0) @binding(2) var<storage, read_write> dY: array<vec4<f32>>;  // [N, OH, OW, C / 4]
@group(0) @binding(3) var<storage, read_write> dX: array<vec4<f32>>;  // [N, H, W, C / 4]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let C4 = params.C / 4u;
  let c = i % C4;
  let pixel = i / C4;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  let g = dY[pixel * C4 + c];
  let y0 = oy * params.KH;
  let x0 = ox * params.KW;
  var chosen = vec4<u32>(0u);
  var gain = g;  // the argmax's gradient
  if (MAX) {
    var best = x[((n * params.H + y0) * params.W + x0) * C4 + c];
    for (var t = 1u; t < params.KH * params.KW; t++) {
      let v = x[((n * params.H + y0 + t / params.KW) * params.W + x0 + t % params.KW) * C4 + c];
      let wins = v > best;
      best = select(best, v, wins);
      chosen = select(chosen, vec4<u32>(t), wins);
    }
    if (RELU_MASK) { gain = select(vec4<f32>(0.0), g, best > vec4<f32>(0.0)); }
  }
  let share = g / f32(params.KH * params.KW);
  for (var t = 0u; t < params.KH * params.KW; t++) {
    let at = ((n * params.H + y0 + t / params.KW) * params.W + x0 + t % params.KW) * C4 + c;
    var v = select(vec4<f32>(0.0), gain, chosen == vec4<u32>(t));
    if (!MAX) {
      v = share;
      if (RELU_MASK) { v = select(vec4<f32>(0.0), share, x[at] > vec4<f32>(0.0)); }
    }
    dX[at] = v;
  }
  // Rows below the last window row and columns right of the last window column get no gradient.
  let lastRow = oy + 1u == params.OH;
  let lastCol = ox + 1u == params.OW;
  let yEnd = select(y0 + params.KH, params.H, lastRow);
  let xEnd = select(x0 + params.KW, params.W, lastCol);
  for (var yy = y0; yy < yEnd; yy++) {
    let xStart = select(x0 + params.KW, x0, yy >= y0 + params.KH);
    for (var xx = xStart; xx < xEnd; xx++) {
      dX[((n * params.H + yy) * params.W + xx) * C4 + c] = vec4<f32>(0.0);
    }
  }
}
