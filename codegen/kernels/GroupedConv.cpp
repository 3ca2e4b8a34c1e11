// Grouped convolutions: Conv2D(groups=G), G convolutions side by side, each over
// channels / G of the input channels and filters / G of the filters (Keras's grouped
// convolution; the kernel is (kh, kw, channels / G, filters)), and DepthwiseConv2D,
// the same with G = channels (its (kh, kw, channels, multiplier) kernel is, in memory,
// the grouped (kh, kw, 1, channels * multiplier) one). Forward, data and weight
// gradients, and the lowering of the family's ops. The sums run in a fixed order, as the other
// convolutions': the same bits with any thread count.
#include "codegen/OpKernelUtil.h"
#include "codegen/kernels/Conv.h"
#include "ir/NNOps.h"

using namespace Halide;

namespace nnc::codegen {

namespace {

/// Channels and filters per group.
struct Groups {
  int in, out;
  Groups(const ConvShape &s, int groups) : in(s.channels / groups), out(s.filters / groups) {}
};

Func zeroPadded(ImageParam &in, const ConvShape &s) {
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width);
  in.dim(2).set_bounds(0, s.height);
  return BoundaryConditions::constant_exterior(in, 0.0f,
                                               {{0, s.channels}, {0, s.width}, {0, s.height}});
}

/// The kernel (co, ci, kx, ky): row-major (kh, kw, channels / groups, filters).
void boundKernel(ImageParam &w, const ConvShape &s, const Groups &g) {
  w.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, g.in);
  w.dim(2).set_bounds(0, s.kernelW).dim(3).set_bounds(0, s.kernelH);
}

void boundOutput(ImageParam &dz, const ConvShape &s) {
  dz.dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, s.outW());
  dz.dim(2).set_bounds(0, s.outH());
}

} // namespace

Kernel groupedConv2dKernel(const ConvShape &s, int groups, bool hasBias, const Activation &act,
                           const TargetInfo &target) {
  // ---- algorithm: out(co) = sum over (ci, kx, ky) of input(g * Cg + ci) * w(co, ci),
  // g = co / Fg ----
  Groups g(s, groups);
  ImageParam in(Float(32), 4, "input"), w(Float(32), 4, "kernel"), b(Float(32), 1, "bias");
  Var co("co"), x("x"), y("y"), n("n");
  RDom r(0, g.in, 0, s.kernelW, 0, s.kernelH, "r");
  Func padded = zeroPadded(in, s);
  Func acc("grouped_acc");
  acc(co, x, y, n) = hasBias ? b(co) : Expr(0.0f);
  acc(co, x, y, n) +=
      padded((co / g.out) * g.in + r.x, x * s.strideW + r.y * s.dilationW - s.padLeft(),
             y * s.strideH + r.z * s.dilationH - s.padTop(), n) *
      w(co, r.x, r.y, r.z);
  Func out = activate(acc, act, s.filters, "grouped_conv2d");
  boundKernel(w, s, g);
  if (hasBias)
    b.dim(0).set_bounds(0, s.filters);
  Kernel kernel{"grouped_conv2d", {in, w}, out};
  if (hasBias)
    kernel.inputs.push_back(b);
  if (target.gpu)
    return kernel;
  // ---- schedule (CPU): a row per task, filters vectorized inside the taps ----
  scheduleImageRows(out, acc, co, y, n, act, target.vector);
  acc.update()
      .reorder(co, r.x, x, r.y, r.z)
      .vectorize(co, target.vector, TailStrategy::GuardWithIf);
  return kernel;
}

Kernel groupedConv2dBackwardDataKernel(const ConvShape &s, int groups, const TargetInfo &target) {
  // ---- algorithm: dX(c) = sum over the group's filters j and taps (kx, ky) of
  // dZ(g * Fg + j) at the output position whose window reads (x, y) through the tap,
  // times w(g * Fg + j, c - g * Cg, kx, ky), g = c / Cg ----
  Groups g(s, groups);
  ImageParam dz(Float(32), 4, "dz"), w(Float(32), 4, "kernel");
  Var c("c"), x("x"), y("y"), n("n");
  RDom r(0, g.out, 0, s.kernelW, 0, s.kernelH, "r");
  Func dzp = BoundaryConditions::constant_exterior(dz, 0.0f,
                                                   {{0, s.filters}, {0, s.outW()}, {0, s.outH()}});
  Expr group = c / g.in, co = group * g.out + r.x;
  Expr px = x + s.padLeft() - r.y * s.dilationW, py = y + s.padTop() - r.z * s.dilationH;
  // Halide's / and % round towards negative infinity: a position before the image
  // maps to an output column < 0, which the boundary condition reads as zero.
  Expr hit = (px % s.strideW == 0) && (py % s.strideH == 0);
  Expr term = dzp(co, px / s.strideW, py / s.strideH, n) * w(co, c - group * g.in, r.y, r.z);
  Func dx("grouped_dx");
  dx(c, x, y, n) = 0.0f;
  dx(c, x, y, n) += s.strideW == 1 && s.strideH == 1 ? term : select(hit, term, 0.0f);
  boundOutput(dz, s);
  boundKernel(w, s, g);
  if (!target.gpu) {
    Var yn("yn"), uyn("uyn");
    dx.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    dx.update()
        .reorder(c, r.x, r.y, r.z, x, y, n)
        .fuse(y, n, uyn)
        .parallel(uyn)
        .vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return Kernel{"grouped_conv2d_grad_input", {dz, w}, dx};
}

Kernel groupedConv2dBackwardWeightsKernel(const ConvShape &s, int groups,
                                          const TargetInfo &target) {
  // ---- algorithm: dW(co, ci, kx, ky) = sum over (n, ox, oy) of dZ(co, ox, oy, n) *
  // input(g * Cg + ci, ox*sw + kx*dw - pl, oy*sh + ky*dh - pt, n), g = co / Fg ----
  Groups g(s, groups);
  ImageParam in(Float(32), 4, "input"), dz(Float(32), 4, "dz");
  Var co("co"), ci("ci"), kx("kx"), ky("ky");
  RDom r(0, s.outW(), 0, s.outH(), 0, dz.dim(3).extent(), "r");
  Func padded = zeroPadded(in, s);
  Func dw("grouped_dw");
  dw(co, ci, kx, ky) = 0.0f;
  dw(co, ci, kx, ky) +=
      dz(co, r.x, r.y, r.z) * padded((co / g.out) * g.in + ci,
                                     r.x * s.strideW + kx * s.dilationW - s.padLeft(),
                                     r.y * s.strideH + ky * s.dilationH - s.padTop(), r.z);
  boundOutput(dz, s);
  if (!target.gpu) {
    // One tap per task, the batch swept in order (the same sums with any thread count).
    Var tap("tap"), utap("utap");
    dw.fuse(kx, ky, tap).parallel(tap).vectorize(co, target.vector, TailStrategy::GuardWithIf);
    dw.update()
        .reorder(co, ci, r.x, r.y, r.z, kx, ky)
        .fuse(kx, ky, utap)
        .parallel(utap)
        .vectorize(co, target.vector, TailStrategy::GuardWithIf);
  }
  return Kernel{"grouped_conv2d_grad_kernel", {in, dz}, dw};
}

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace {

template <typename Op> ConvShape windowShape(Op op, mlir::Value input, mlir::Value kernelShaped) {
  return convShape(input, kernelShaped, op.getStrides(), op.getDilation(), op.getPadding());
}

OpLowering lowerGroupedConv(nn::GroupedConv2DOp op, const TargetInfo &target) {
  ConvShape s = windowShape(op, op.getInput(), op.getKernel());
  return callOnAll(
      share(groupedConv2dKernel(s, (int)op.getGroups(), (bool)op.getBias(),
                                activationOf(op.getActivation(), op.getAlpha()), target)),
      op, full);
}

OpLowering lowerGroupedGradInput(nn::GroupedConv2DGradInputOp op, const TargetInfo &target) {
  ConvShape s = windowShape(op, op.getGrad(), op.getKernel());
  return callOnAll(share(groupedConv2dBackwardDataKernel(s, (int)op.getGroups(), target)), op,
                   full);
}

OpLowering lowerGroupedGradKernel(nn::GroupedConv2DGradKernelOp op, const TargetInfo &target) {
  ConvShape s = windowShape(op, op.getInput(), op.getGrad());
  return callOnAll(share(groupedConv2dBackwardWeightsKernel(s, (int)op.getGroups(), target)), op,
                   full);
}

/// DepthwiseConv2D as Conv2D(groups=channels): its shape (filters = channels *
/// multiplier) from an input-shaped and a depthwise-kernel-shaped value.
template <typename Op> ConvShape depthwiseShape(Op op, mlir::Value input, mlir::Value kernel) {
  ConvShape s = windowShape(op, input, kernel);
  s.filters = s.channels * (int)shapeOf(kernel)[3];
  return s;
}

/// A call of grouped kernel `k` over `op`'s operands and results, the depthwise
/// kernel-shaped value `kernel` passed as the grouped kernel it is in memory.
OpLowering depthwiseCall(Kernel k, mlir::Operation *op, mlir::Value kernel, const ConvShape &s) {
  std::vector<mlir::Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  std::vector<std::vector<int64_t>> e;
  for (mlir::Value v : t)
    e.push_back(v == kernel ? std::vector<int64_t>{s.filters, 1, s.kernelW, s.kernelH}
                            : full(v));
  k.name = "depthwise_" + k.name.substr(k.name.find("conv2d")); // in profiles
  return kernelCall(share(std::move(k)), t, e);
}

OpLowering lowerDepthwise(nn::DepthwiseConv2DOp op, const TargetInfo &target) {
  ConvShape s = depthwiseShape(op, op.getInput(), op.getKernel());
  return depthwiseCall(groupedConv2dKernel(s, s.channels, (bool)op.getBias(),
                                           activationOf(op.getActivation(), op.getAlpha()),
                                           target),
                       op, op.getKernel(), s);
}

OpLowering lowerDepthwiseGradInput(nn::DepthwiseConv2DGradInputOp op, const TargetInfo &target) {
  ConvShape s = depthwiseShape(op, op.getGrad(), op.getKernel());
  return depthwiseCall(groupedConv2dBackwardDataKernel(s, s.channels, target), op,
                       op.getKernel(), s);
}

OpLowering lowerDepthwiseGradKernel(nn::DepthwiseConv2DGradKernelOp op,
                                    const TargetInfo &target) {
  ConvShape s = depthwiseShape(op, op.getInput(), op.getGrad());
  return depthwiseCall(groupedConv2dBackwardWeightsKernel(s, s.channels, target), op,
                       op.getGrad(), s);
}

} // namespace

void attachGroupedConvKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::GroupedConv2DOp, lowerGroupedConv>(ctx);
  lowerWith<nn::GroupedConv2DGradInputOp, lowerGroupedGradInput>(ctx);
  lowerWith<nn::GroupedConv2DGradKernelOp, lowerGroupedGradKernel>(ctx);
  lowerWith<nn::DepthwiseConv2DOp, lowerDepthwise>(ctx);
  lowerWith<nn::DepthwiseConv2DGradInputOp, lowerDepthwiseGradInput>(ctx);
  lowerWith<nn::DepthwiseConv2DGradKernelOp, lowerDepthwiseGradKernel>(ctx);
}

} // namespace nnc::codegen
