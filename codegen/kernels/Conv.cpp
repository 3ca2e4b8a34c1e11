// Conv2D (NHWC input, HWIO weights) kernels with fused bias and
// activation, their backward kernels, and the lowering of the family's ops.
#include "codegen/kernels/Conv.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include <algorithm>

using namespace Halide;

namespace nnc::codegen {

int windowOut(int in, int window, int stride, int dilation, bool same) {
  if (same)
    return (in + stride - 1) / stride;
  int span = dilation * (window - 1) + 1;
  return in < span ? 0 : (in - span) / stride + 1;
}

int padBefore(int in, int window, int stride, int dilation, bool same) {
  if (!same)
    return 0;
  int out = windowOut(in, window, stride, dilation, true);
  int total = std::max((out - 1) * stride + dilation * (window - 1) + 1 - in, 0);
  return total / 2;
}

int ConvShape::outH() const { return windowOut(height, kernelH, strideH, dilationH, same); }
int ConvShape::outW() const { return windowOut(width, kernelW, strideW, dilationW, same); }
int ConvShape::padTop() const { return padBefore(height, kernelH, strideH, dilationH, same); }
int ConvShape::padLeft() const { return padBefore(width, kernelW, strideW, dilationW, same); }

ConvAccumulator::ConvAccumulator(const ConvShape &s, bool hasBias, const std::string &name)
    : input(Float(32), 4, "input"), kernel(Float(32), 4, "kernel"), bias(Float(32), 1, "bias"),
      r(0, s.channels, 0, s.kernelW, 0, s.kernelH, "r"), acc(name), co("co"), x("x"),
      y("y"), n("n") {
  // acc(co, x, y, n) = bias(co) + sum_{ci,kx,ky} in(ci, x*sw + kx*dw - pl, y*sh + ky*dh - pt, n)
  //                                             * w(co, ci, kx, ky), zero outside the image.
  padded = BoundaryConditions::constant_exterior(
      input, 0.0f, {{0, s.channels}, {0, s.width}, {0, s.height}});
  acc(co, x, y, n) = hasBias ? bias(co) : Expr(0.0f);
  acc(co, x, y, n) += padded(r.x, x * s.strideW + r.y * s.dilationW - s.padLeft(),
                             y * s.strideH + r.z * s.dilationH - s.padTop(), n) *
                      kernel(co, r.x, r.y, r.z);
  input.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width);
  input.dim(2).set_bounds(0, s.height);
  kernel.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, s.channels);
  kernel.dim(2).set_bounds(0, s.kernelW).dim(3).set_bounds(0, s.kernelH);
  if (hasBias)
    bias.dim(0).set_bounds(0, s.filters);
}

namespace {

/// Register tiling of an image-shaped product out(c, x, y, n) = acc(c, x, y, n), acc a
/// pure init plus one update over r (innermost r.x): a block of (32 or 16) channels x
/// 4 columns of accumulators stays in vector registers across the whole reduction;
/// each step loads the block's weight vectors once and broadcasts 4 values. Rows of
/// the batch in parallel; ShiftInwards recomputes a few columns of the last block when
/// the width is not a multiple of 4 (the pure stage only: harmless). False (nothing
/// scheduled) when the channels are not a multiple of 16 or the width is below 4.
bool tileImage(Func out, Func acc, Var c, Var x, Var y, Var n, RDom r, int channels,
               int width) {
  int cTile = channels % 32 == 0 ? 32 : channels % 16 == 0 ? 16 : 0;
  const int xTile = 4;
  if (!cTile || width < xTile)
    return false;
  Var co("co_o"), ci("co_i"), xo("xo"), xi("xi"), yn("yn");
  out.split(c, co, ci, cTile)
      .split(x, xo, xi, xTile, TailStrategy::ShiftInwards)
      .reorder(ci, xi, xo, co, y, n)
      .vectorize(ci, 16)
      .unroll(ci)
      .unroll(xi)
      .fuse(y, n, yn)
      .parallel(yn);
  acc.compute_at(out, xo).vectorize(c, 16).unroll(c).unroll(x);
  acc.update().reorder(c, x, r.x, r.y, r.z).vectorize(c, 16).unroll(c).unroll(x);
  return true;
}

} // namespace

bool ConvAccumulator::scheduleTiled(Func out, const ConvShape &s) {
  return tileImage(out, acc, co, x, y, n, r, s.filters, s.outW());
}

void ConvAccumulator::scheduleUpdate(Func f, int vector) {
  f.update().reorder(co, r.x, x, r.y, r.z).vectorize(co, vector, TailStrategy::GuardWithIf);
}

/// CPU: one row of `out` per task, channels vectorized; the accumulator computed per
/// row (at root for softmax, whose statistics read all of it first). The caller
/// schedules the accumulator's update.
void scheduleImageRows(Func out, Func acc, Var co, Var y, Var n, const Activation &act,
                       int vector) {
  Var yn("yn");
  out.fuse(y, n, yn).parallel(yn).vectorize(co, vector, TailStrategy::GuardWithIf);
  if (act.kind == Act::Softmax) {
    Var ayn("ayn");
    acc.compute_root().fuse(y, n, ayn).parallel(ayn);
    acc.update().fuse(y, n, ayn).parallel(ayn);
  } else {
    acc.compute_at(out, yn);
  }
  acc.vectorize(co, vector, TailStrategy::GuardWithIf);
}

Kernel conv2dKernel(const ConvShape &s, bool bias, const Activation &act,
                    const TargetInfo &target) {
  // ---- algorithm ----
  ConvAccumulator c(s, bias, "conv_acc");
  ImageParam in = c.input, w = c.kernel, b = c.bias;
  Var co = c.co, x = c.x, y = c.y, n = c.n;
  Func acc = c.acc;
  Func out = activate(acc, act, s.filters, "conv2d");

  if (target.gpu) {
    if (act.kind != Act::Softmax)
      scheduleGpuImage(out, acc, co, x, y, n, c.r, s.filters);
    Kernel kernel{"conv2d", {in, w}, out};
    if (bias)
      kernel.inputs.push_back(b);
    return kernel;
  }
  // ---- schedule (CPU) ----
  if (act.kind != Act::Softmax && c.scheduleTiled(out, s)) {
    Kernel kernel{"conv2d", {in, w}, out};
    if (bias)
      kernel.inputs.push_back(b);
    return kernel;
  }
  // One output row per task across threads; filters vectorized; the row's
  // accumulator is reduced over (ci, kx, ky) outside the vector loop.
  scheduleImageRows(out, acc, co, y, n, act, target.vector);
  c.scheduleUpdate(acc, target.vector);

  Kernel kernel{"conv2d", {in, w}, out};
  if (bias)
    kernel.inputs.push_back(b);
  return kernel;
}

Kernel conv2dBackwardDataKernel(const ConvShape &s, const TargetInfo &target) {
  ImageParam dz(Float(32), 4, "dz"), w(Float(32), 4, "kernel");
  Var ci("ci"), x("x"), y("y"), n("n");
  dz.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, s.outW()).dim(2).set_bounds(0, s.outH());
  w.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, s.channels);
  w.dim(2).set_bounds(0, s.kernelW).dim(3).set_bounds(0, s.kernelH);
  RDom r(0, s.filters, 0, s.kernelW, 0, s.kernelH, "r");
  if (s.strideW == 1 && s.strideH == 1 && s.channels % 16 == 0 && s.width >= 4) {
    // ---- algorithm (stride 1) ----
    // A convolution of dZ (zero outside) with the kernel mirrored and transposed
    // (channels contiguous, transposed once per call): input column x is read by
    // output column x + pl - kx*dw through tap kx.
    Func dzp = BoundaryConditions::constant_exterior(
        dz, 0.0f, {{0, s.filters}, {0, s.outW()}, {0, s.outH()}});
    Var a("a"), b("b"), kx("kx"), ky("ky");
    Func wT("conv2d_wT"), acc("conv2d_dx_acc"), dx("conv2d_dx");
    wT(a, b, kx, ky) = w(b, a, kx, ky);
    acc(ci, x, y, n) = 0.0f;
    acc(ci, x, y, n) += dzp(r.x, x + s.padLeft() - r.y * s.dilationW,
                            y + s.padTop() - r.z * s.dilationH, n) *
                        wT(ci, r.x, r.y, r.z);
    dx(ci, x, y, n) = acc(ci, x, y, n);
    // ---- schedule (CPU) ----
    if (target.gpu) {
      scheduleGpuImage(dx, acc, ci, x, y, n, r, s.channels);
    } else {
      wT.compute_root().vectorize(a, 16);
      tileImage(dx, acc, ci, x, y, n, r, s.channels, s.width);
    }
    return {"conv2d_dx", {dz, w}, dx};
  }
  // ---- algorithm ----
  // Input column x is read by output column ox through tap kx when
  // ox*sw + kx*dw - pl == x, i.e. ox = (x + pl - kx*dw) / sw exactly.
  Expr tx = x + s.padLeft() - r.y * s.dilationW, ty = y + s.padTop() - r.z * s.dilationH;
  Expr ox = tx / s.strideW, oy = ty / s.strideH;
  Expr hit = tx >= 0 && ty >= 0 && tx % s.strideW == 0 && ty % s.strideH == 0 &&
             ox < s.outW() && oy < s.outH();
  Func dx("conv2d_dx");
  dx(ci, x, y, n) = 0.0f;
  dx(ci, x, y, n) += select(hit, dz(r.x, clamp(ox, 0, s.outW() - 1), clamp(oy, 0, s.outH() - 1), n) *
                                     w(r.x, ci, r.y, r.z),
                            0.0f);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var yn("yn");
    dx.fuse(y, n, yn).parallel(yn).vectorize(ci, target.vector, TailStrategy::GuardWithIf);
    dx.update().fuse(y, n, yn).reorder(ci, r.x, x, r.y, r.z, yn).parallel(yn);
    dx.update().vectorize(ci, target.vector, TailStrategy::GuardWithIf);
  }
  return {"conv2d_dx", {dz, w}, dx};
}

Kernel conv2dBackwardWeightsKernel(const ConvShape &s, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input"), dz(Float(32), 4, "dz");
  Var co("co"), ci("ci"), kx("kx"), ky("ky");
  // ---- algorithm ----
  Func padded = BoundaryConditions::constant_exterior(
      in, 0.0f, {{0, s.channels}, {0, s.width}, {0, s.height}});
  RDom r(0, s.outW(), 0, s.outH(), 0, dz.dim(3).extent(), "r");
  Func acc("conv2d_dw_acc"), dw("conv2d_dw");
  acc(co, ci, kx, ky) = 0.0f;
  acc(co, ci, kx, ky) += dz(co, r.x, r.y, r.z) *
                         padded(ci, r.x * s.strideW + kx * s.dilationW - s.padLeft(),
                                r.y * s.strideH + ky * s.dilationH - s.padTop(), r.z);
  dw(co, ci, kx, ky) = acc(co, ci, kx, ky);
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(0, s.height);
  dz.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, s.outW()).dim(2).set_bounds(0, s.outH());
  if (target.gpu) {
    // Partial sums per sample and block of rows in parallel (blocks large enough to
    // keep about 64k weights x rows of partials per sample), then summed per weight.
    int64_t weights = (int64_t)s.filters * s.channels * s.kernelW * s.kernelH;
    int rows =
        (int)std::clamp<int64_t>(s.outH() * weights / target.taskWork, 4, std::max(s.outH(), 4));
    RVar ryo("ryo"), ryi("ryi");
    acc.compute_root();
    Func partial = acc.update()
                       .split(r.y, ryo, ryi, rows, TailStrategy::GuardWithIf)
                       .rfactor({{ryo, Var("row_block")}, {r.z, Var("sample")}});
    partial.compute_root();
    return {"conv2d_dw", {in, dz}, dw};
  }
  // ---- schedule (CPU) ----
  int coTile = s.filters % 32 == 0 ? 32 : s.filters % 16 == 0 ? 16 : 0;
  int ciTile = s.channels % 4 == 0 ? 4 : s.channels % 2 == 0 ? 2 : 1;
  if (s.filters % 16 == 0 && s.channels * s.kernelW * s.kernelH <= 16) {
    // Few weights per filter (a first layer on 1-channel images): every tap of a
    // block of 16 filters accumulates in registers during one pass over the batch,
    // which reads dZ once instead of once per tap. Blocks of filters in parallel;
    // each weight still sums its positions in (x, y, sample) order.
    Var coo("coo"), coi("coi");
    dw.bound(ci, 0, s.channels).bound(kx, 0, s.kernelW).bound(ky, 0, s.kernelH);
    dw.split(co, coo, coi, 16).reorder(coi, ci, kx, ky, coo).parallel(coo).vectorize(coi);
    acc.compute_at(dw, coo)
        .bound_storage(co, 16)
        .vectorize(co, 16);
    acc.update()
        .split(co, coo, coi, 16)
        .reorder(coi, ci, kx, ky, r.x, r.y, r.z, coo)
        .vectorize(coi)
        .unroll(ci)
        .unroll(kx)
        .unroll(ky);
    return {"conv2d_dw", {in, dz}, dw};
  }
  Var t("t");
  dw.fuse(kx, ky, t).parallel(t).vectorize(co, target.vector, TailStrategy::GuardWithIf);
  if (coTile) {
    // One tap per task. The batch is read once per tap, a row at a time: for each
    // output row, every (coTile filters x ciTile channels) block of the tap's
    // gradient sweeps the row's columns with its accumulators in registers (the
    // row's dZ and input stay in L1 across the blocks).
    Var coo("coo"), coi("coi"), cio("cio"), cii("cii");
    acc.compute_at(dw, t).vectorize(co, 16, TailStrategy::GuardWithIf);
    acc.update()
        .split(co, coo, coi, coTile)
        .split(ci, cio, cii, ciTile)
        .reorder(coi, cii, r.x, coo, cio, r.y, r.z)
        .vectorize(coi, 16)
        .unroll(coi)
        .unroll(cii);
  } else {
    acc.compute_at(dw, t).vectorize(co, target.vector, TailStrategy::GuardWithIf);
    acc.update()
        .reorder(co, r.x, ci, r.y, r.z)
        .vectorize(co, target.vector, TailStrategy::GuardWithIf);
  }
  return {"conv2d_dw", {in, dz}, dw};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerConv(nn::Conv2DOp op, const TargetInfo &target) {
  ConvShape s = convShape(op.getInput(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  bool bias = (bool)op.getBias();
  auto k = share(conv2dKernel(s, bias, activationOf(op.getActivation(), op.getAlpha()), target));
  std::vector<mlir::Value> t{op.getInput(), op.getKernel()};
  std::vector<std::vector<int64_t>> e{full(op.getInput()), full(op.getKernel())};
  if (bias) {
    t.push_back(op.getBias());
    e.push_back(full(op.getBias()));
  }
  t.push_back(op.getResult());
  e.push_back(full(op.getResult()));
  return kernelCall(k, t, e);
}

/// A convolution's gradient op: its shape from an input-shaped and a kernel-shaped
/// value, one kernel over its tensors.
template <typename GradOp>
OpLowering windowGradCall(GradOp op, mlir::Value input, mlir::Value kernel,
                          Kernel (*make)(const ConvShape &, const TargetInfo &),
                          const TargetInfo &target) {
  ConvShape s =
      convShape(input, kernel, op.getStrides(), op.getDilation(), op.getPadding());
  return callOnAll(share(make(s, target)), op, full);
}

OpLowering lowerConvGradInput(nn::Conv2DGradInputOp op, const TargetInfo &target) {
  return windowGradCall(op, op.getGrad(), op.getKernel(), conv2dBackwardDataKernel, target);
}

OpLowering lowerConvGradKernel(nn::Conv2DGradKernelOp op, const TargetInfo &target) {
  return windowGradCall(op, op.getInput(), op.getGrad(), conv2dBackwardWeightsKernel, target);
}

} // namespace

void attachConvKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::Conv2DOp, lowerConv>(ctx);
  lowerWith<nn::Conv2DGradInputOp, lowerConvGradInput>(ctx);
  lowerWith<nn::Conv2DGradKernelOp, lowerConvGradKernel>(ctx);
}

} // namespace nnc::codegen
