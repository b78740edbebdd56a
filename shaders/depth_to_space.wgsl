// Depth-to-space (PixelShuffle), NHWC: moves blocks of channels into bs x bs spatial blocks.
// Output (y, x, c) reads input (y / bs, x / bs, ic) with by = y % bs, bx = x % bs and
//   DCR (ONNX default, TF):   ic = (by * bs + bx) * Cout + c
//   CRD (PyTorch PixelShuffle): ic = c * bs * bs + by * bs + bx

struct Params {
  count: u32,    // N * H*bs * W*bs * Cout
  W: u32,        // input width
  C: u32,        // input channels = Cout * bs * bs
  Cout: u32,
  OH: u32,
  OW: u32,
  blockSize: u32,
}

override CRD: bool = false;
override WG_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;          // [N, H, W, C]
@group(0) @binding(2) var<storage, read_write> out: array<f32>;  // [N, H*bs, W*bs, Cout]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG_SIZE;
  if (i >= params.count) { return; }
  let bs = params.blockSize;
  let c = i % params.Cout;
  let pixel = i / params.Cout;
  let ox = pixel % params.OW;
  let oy = (pixel / params.OW) % params.OH;
  let n = pixel / (params.OW * params.OH);
  let block = (oy % bs) * bs + ox % bs;
  let ic = select(block * params.Cout + c, c * bs * bs + block, CRD);
  let inH = params.OH / bs;
  out[i] = x[((n * inH + oy / bs) * params.W + ox / bs) * params.C + ic];
}
