// Pooling kernels (max / average over 2-D windows, global average pooling), the spatial
// resampling kernels (zero padding, cropping, nearest upsampling), and their lowering.
#include "codegen/kernels/Pool.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include "codegen/kernels/Conv.h"

#include <array>
#include <cstring>

using namespace Halide;

namespace nnc::codegen {

int PoolShape::outH() const { return windowOut(height, poolH, strideH, 1, same); }
int PoolShape::outW() const { return windowOut(width, poolW, strideW, 1, same); }
bool PoolShape::windowsInside() const {
  return padBefore(height, poolH, strideH, 1, same) == 0 &&
         padBefore(width, poolW, strideW, 1, same) == 0 &&
         (outW() - 1) * strideW + poolW <= width && (outH() - 1) * strideH + poolH <= height;
}
bool PoolShape::unrolled() const { return windowsInside() && poolH * poolW <= kMaxUnrolledWindow; }

static Kernel pool2d(const PoolShape &s, bool isMax, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input");
  Var c("c"), x("x"), y("y"), n("n");
  int pt = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int pl = padBefore(s.width, s.poolW, s.strideW, 1, s.same);

  // ---- algorithm ----
  RDom r(0, s.poolW, 0, s.poolH, "r");
  Expr xs = x * s.strideW - pl, ys = y * s.strideH - pt;
  Func out(isMax ? "max_pool2d" : "avg_pool2d"), scan;
  if (isMax && s.unrolled()) {
    // The same max from the same start, one expression per output: no boundary
    // condition in the loop (it kept the window scan from vectorizing well).
    Expr best = Float(32).min();
    for (int ky = 0; ky < s.poolH; ++ky)
      for (int kx = 0; kx < s.poolW; ++kx)
        best = nanMax(best, in(c, xs + kx, ys + ky, n));
    out(c, x, y, n) = best;
  } else if (isMax) {
    // The training step's scan (padding never wins, a NaN stays), keeping the max.
    scan = windowArgmax(s, in);
    out(c, x, y, n) = scan(c, x, y, n)[2];
  } else {
    // Mean over the window's in-image part.
    Func padded = BoundaryConditions::constant_exterior(
        in, 0.0f, {{0, s.channels}, {0, s.width}, {0, s.height}});
    Expr countX = min(xs + s.poolW, s.width) - max(xs, 0);
    Expr countY = min(ys + s.poolH, s.height) - max(ys, 0);
    out(c, x, y, n) = sum(padded(c, xs + r.x, ys + r.y, n)) / cast<float>(countX * countY);
  }
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(0, s.height);

  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var yn("yn");
    out.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    if (scan.defined()) // a row of windows per task, in constant (stack) storage
      scheduleWindowScan(scan, out, yn, s, target.vector);
  }
  return {isMax ? "max_pool2d" : "avg_pool2d", {in}, out};
}

Kernel maxPool2dKernel(const PoolShape &s, const TargetInfo &target) {
  return pool2d(s, true, target);
}
Kernel avgPool2dKernel(const PoolShape &s, const TargetInfo &target) {
  return pool2d(s, false, target);
}

Kernel globalAvgPool2dKernel(int height, int width, int channels, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input");
  Var c("c"), n("n");

  // ---- algorithm ----
  RDom r(0, width, 0, height, "r");
  Func out("global_avg_pool2d");
  out(c, n) = sum(in(c, r.x, r.y, n)) / float(height * width);
  in.dim(0).set_bounds(0, channels).dim(1).set_bounds(0, width).dim(2).set_bounds(0, height);

  // ---- schedule (CPU) ----
  if (!target.gpu) {
    out.parallel(n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"global_avg_pool2d", {in}, out};
}

Func windowArgmax(const PoolShape &s, const ImageParam &in) {
  Var c("c"), x("x"), y("y"), n("n");
  int pt = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int pl = padBefore(s.width, s.poolW, s.strideW, 1, s.same);
  Func padded = BoundaryConditions::constant_exterior(
      in, Float(32).min(), {{0, s.channels}, {0, s.width}, {0, s.height}});
  RDom w(0, s.poolW, 0, s.poolH, "w");
  // (kx, ky, value) of the first maximum in (kx, ky) order: a named Func (not an
  // inline argmax) so that callers can vectorize its update across channels.
  Func best("max_pool_argmax");
  Expr v = padded(c, x * s.strideW - pl + w.x, y * s.strideH - pt + w.y, n);
  best(c, x, y, n) = Tuple(0, 0, Float(32).min());
  Expr better = replacesMax(v, best(c, x, y, n)[2]);
  best(c, x, y, n) = Tuple(select(better, w.x, best(c, x, y, n)[0]),
                           select(better, w.y, best(c, x, y, n)[1]),
                           select(better, v, best(c, x, y, n)[2]));
  return best;
}

void scheduleWindowScan(Func scan, Func out, Var at, const PoolShape &s, int vector) {
  Var c = scan.args()[0], x = scan.args()[1];
  scan.compute_at(out, at)
      .bound_storage(c, (s.channels + vector - 1) / vector * vector)
      .bound_storage(x, s.outW())
      .vectorize(c, vector, TailStrategy::GuardWithIf);
  scan.update().vectorize(c, vector, TailStrategy::GuardWithIf);
}

Kernel maxPool2dBackwardKernel(const PoolShape &s, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input"), dy(Float(32), 4, "dy");
  Var c("c"), x("x"), y("y"), n("n");
  int pt = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int pl = padBefore(s.width, s.poolW, s.strideW, 1, s.same);
  // ---- algorithm ----
  // For every output position: the window's first maximum; its dY goes there.
  Func best = windowArgmax(s, in);
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(0, s.height);
  dy.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.outW()).dim(2).set_bounds(0, s.outH());
  if (pt == 0 && pl == 0 && s.strideW == s.poolW && s.strideH == s.poolH) {
    // Windows tile the input: each pixel gathers from its one window (the same values
    // as the scatter below, with no reduction: one GPU thread per pixel).
    Expr ox = x / s.poolW, oy = y / s.poolH;
    Expr cx = min(ox, s.outW() - 1), cy = min(oy, s.outH() - 1);
    Expr mine = best(c, cx, cy, n)[0] == x - ox * s.poolW && best(c, cx, cy, n)[1] == y - oy * s.poolH;
    Func dx("max_pool2d_dx");
    dx(c, x, y, n) = select(ox < s.outW() && oy < s.outH() && mine, dy(c, cx, cy, n), 0.0f);
    // ---- schedule: the sample's window maxima once, then its pixels ----
    if (target.gpu) {
      best.compute_root();
    } else {
      best.compute_at(dx, n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
      best.update().vectorize(c, target.vector, TailStrategy::GuardWithIf);
      dx.parallel(n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    }
    return {"max_pool2d_dx", {in, dy}, dx};
  }
  // Overlapping or padded windows: scatter each window's dY onto its maximum.
  RDom o(0, s.outW(), 0, s.outH(), "o");
  Expr bx = clamp(o.x * s.strideW - pl + best(c, o.x, o.y, n)[0], 0, s.width - 1);
  Expr by = clamp(o.y * s.strideH - pt + best(c, o.x, o.y, n)[1], 0, s.height - 1);
  Func dx("max_pool2d_dx");
  dx(c, x, y, n) = 0.0f;
  dx(c, bx, by, n) += dy(c, o.x, o.y, n);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    best.compute_at(dx, n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    best.update().vectorize(c, target.vector, TailStrategy::GuardWithIf);
    dx.parallel(n);
    dx.update().parallel(n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"max_pool2d_dx", {in, dy}, dx};
}

Kernel avgPool2dBackwardKernel(const PoolShape &s, const TargetInfo &target) {
  ImageParam dy(Float(32), 4, "dy");
  Var c("c"), x("x"), y("y"), n("n");
  int pt = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int pl = padBefore(s.width, s.poolW, s.strideW, 1, s.same);
  // ---- algorithm ----
  // dX(x, y) = sum over windows covering (x, y) of dY / (in-image count of that window).
  RDom o(0, s.outW(), 0, s.outH(), "o");
  Expr xs = o.x * s.strideW - pl, ys = o.y * s.strideH - pt;
  Expr count = (min(xs + s.poolW, s.width) - max(xs, 0)) * (min(ys + s.poolH, s.height) - max(ys, 0));
  Expr covers = x >= xs && x < xs + s.poolW && y >= ys && y < ys + s.poolH;
  Func dx("avg_pool2d_dx");
  dx(c, x, y, n) = 0.0f;
  dx(c, x, y, n) += select(covers, dy(c, o.x, o.y, n) / cast<float>(count), 0.0f);
  dy.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.outW()).dim(2).set_bounds(0, s.outH());
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var yn("yn");
    dx.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    dx.update().fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"avg_pool2d_dx", {dy}, dx};
}

Kernel globalAvgPool2dBackwardKernel(int height, int width, int channels,
                                     const TargetInfo &target) {
  ImageParam dy(Float(32), 2, "dy");
  Var c("c"), x("x"), y("y"), n("n");
  // ---- algorithm ----
  Func dx("global_avg_pool2d_dx");
  dx(c, x, y, n) = dy(c, n) / float(height * width);
  dy.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var yn("yn");
    dx.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"global_avg_pool2d_dx", {dy}, dx};
}

} // namespace nnc::codegen

// ---- Spatial resampling: zero padding, cropping, upsampling ----------------------

namespace nnc::codegen {

namespace {

/// An image-to-image kernel out(c, x, y, n) = value(input, c, x, y, n): rows of the
/// batch in parallel, channels vectorized (memory-bound: one pass over the output).
Kernel resampleKernel(const std::string &name, int height, int width, int channels,
                      Expr (*value)(ImageParam &, Var, Var, Var, Var, const int *),
                      const int *params, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input");
  Var c("c"), x("x"), y("y"), n("n");
  Func out(name);
  out(c, x, y, n) = value(in, c, x, y, n, params);
  in.dim(0).set_bounds(0, channels).dim(1).set_bounds(0, width).dim(2).set_bounds(0, height);
  if (!target.gpu) {
    Var yn("yn");
    out.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {name, {in}, out};
}

/// params: height, width, top, left (of the input, then the amounts).
/// The padding value travels as its bits in params[4].
Kernel zeroPadding2dKernel(int height, int width, int channels, int top, int left, float value,
                           const TargetInfo &target) {
  int bits;
  std::memcpy(&bits, &value, sizeof bits);
  const int params[] = {height, width, top, left, bits};
  return resampleKernel(
      "zero_padding2d", height, width, channels,
      [](ImageParam &in, Var c, Var x, Var y, Var n, const int *p) -> Expr {
        float fill;
        std::memcpy(&fill, &p[4], sizeof fill);
        Func padded = BoundaryConditions::constant_exterior(
            in, fill, {{Expr(), Expr()}, {0, p[1]}, {0, p[0]}, {Expr(), Expr()}});
        return padded(c, x - p[3], y - p[2], n);
      },
      params, target);
}

Kernel cropping2dKernel(int height, int width, int channels, int top, int left,
                        const TargetInfo &target) {
  const int params[] = {height, width, top, left};
  return resampleKernel(
      "cropping2d", height, width, channels,
      [](ImageParam &in, Var c, Var x, Var y, Var n, const int *p) -> Expr {
        return in(c, x + p[3], y + p[2], n);
      },
      params, target);
}

/// params: size along height, then width.
Kernel upSampling2dKernel(int height, int width, int channels, int sizeH, int sizeW,
                          const TargetInfo &target) {
  const int params[] = {sizeH, sizeW};
  return resampleKernel(
      "up_sampling2d", height, width, channels,
      [](ImageParam &in, Var c, Var x, Var y, Var n, const int *p) -> Expr {
        return in(c, x / p[1], y / p[0], n);
      },
      params, target);
}

/// Bilinear resampling along one axis with half-pixel centres (TF2's resize): output
/// `o` of an axis enlarged `size` times reads input pixels `lo` and `hi` (clamped to
/// the image) with weights 1 - lerp and lerp.
struct BilinearTap {
  Expr lo, hi, lerp;
};

BilinearTap bilinearTap(Expr o, int size, int inSize) {
  Expr at = (cast<float>(o) + 0.5f) / (float)size - 0.5f;
  Expr f = floor(at);
  Expr i = cast<int>(f);
  return {clamp(i, 0, inSize - 1), clamp(i + 1, 0, inSize - 1), at - f};
}

/// The weight of input pixel `i` in output `o` along one axis.
Expr bilinearWeight(Expr o, Expr i, int size, int inSize) {
  BilinearTap t = bilinearTap(o, size, inSize);
  return select(t.lo == i, 1.0f - t.lerp, 0.0f) + select(t.hi == i, t.lerp, 0.0f);
}

/// params: size along height, then width; the input's height, then width.
Kernel upSampling2dBilinearKernel(int height, int width, int channels, int sizeH, int sizeW,
                                  const TargetInfo &target) {
  const int params[] = {sizeH, sizeW, height, width};
  return resampleKernel(
      "up_sampling2d_bilinear", height, width, channels,
      [](ImageParam &in, Var c, Var x, Var y, Var n, const int *p) -> Expr {
        BilinearTap ty = bilinearTap(y, p[0], p[2]), tx = bilinearTap(x, p[1], p[3]);
        auto row = [&](Expr yy) {
          return in(c, tx.lo, yy, n) * (1.0f - tx.lerp) + in(c, tx.hi, yy, n) * tx.lerp;
        };
        return row(ty.lo) * (1.0f - ty.lerp) + row(ty.hi) * ty.lerp;
      },
      params, target);
}

/// dX of bilinear upsampling, one axis at a time: input pixel i gathers the outputs
/// within one input pixel of it (3 x size of them), each weighted as the forward pass
/// weighted it.
Kernel upSampling2dBilinearBackwardKernel(int height, int width, int channels, int sizeH,
                                          int sizeW, const TargetInfo &target) {
  ImageParam dy(Float(32), 4, "output_grad");
  const int outH = height * sizeH, outW = width * sizeW;
  dy.dim(0).set_bounds(0, channels).dim(1).set_bounds(0, outW).dim(2).set_bounds(0, outH);
  Var c("c"), x("x"), y("y"), n("n");
  RDom rx(0, 3 * sizeW, "rx"), ry(0, 3 * sizeH, "ry");
  Func alongX("up_sampling2d_grad_x"), out("up_sampling2d_grad");
  Expr ox = x * sizeW - sizeW + rx;
  alongX(c, x, y, n) = sum(select(ox >= 0 && ox < outW,
                                  bilinearWeight(ox, x, sizeW, width) *
                                      dy(c, clamp(ox, 0, outW - 1), y, n),
                                  0.0f));
  Expr oy = y * sizeH - sizeH + ry;
  out(c, x, y, n) = sum(select(oy >= 0 && oy < outH,
                               bilinearWeight(oy, y, sizeH, height) *
                                   alongX(c, x, clamp(oy, 0, outH - 1), n),
                               0.0f));
  if (!target.gpu) {
    Var yn("yn");
    alongX.compute_root().fuse(y, n, yn).parallel(yn).vectorize(c, target.vector,
                                                                TailStrategy::GuardWithIf);
    out.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  } else {
    alongX.compute_root();
  }
  return {"up_sampling2d_grad", {dy}, out};
}

} // namespace

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

template <typename PoolOp, bool IsMax> OpLowering lowerPool(PoolOp op, const TargetInfo &target) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return callOnAll(share(IsMax ? maxPool2dKernel(s, target) : avgPool2dKernel(s, target)), op,
                   full);
}

OpLowering lowerGlobalAvgPool(nn::GlobalAvgPool2DOp op, const TargetInfo &target) {
  auto in = shapeOf(op.getInput());
  auto k = share(globalAvgPool2dKernel((int)in[1], (int)in[2], (int)in[3], target));
  return kernelCall(k, {op.getInput(), op.getResult()}, {full(op.getInput()), {in[3], -1}});
}

OpLowering lowerMaxPoolGrad(nn::MaxPool2DGradOp op, const TargetInfo &target) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return callOnAll(share(maxPool2dBackwardKernel(s, target)), op, full);
}

OpLowering lowerAvgPoolGrad(nn::AvgPool2DGradOp op, const TargetInfo &target) {
  PoolShape s = poolShape(op.getGrad(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return callOnAll(share(avgPool2dBackwardKernel(s, target)), op, full);
}

OpLowering lowerGlobalPoolGrad(nn::GlobalAvgPool2DGradOp op, const TargetInfo &target) {
  auto in = shapeOf(op.getGrad());
  return kernelCall(
      share(globalAvgPool2dBackwardKernel((int)in[1], (int)in[2], (int)in[3], target)),
      {op.getOutputGrad(), op.getGrad()}, {{in[3], -1}, full(op.getGrad())});
}

/// The input's (height, width, channels).
std::array<int, 3> imageOf(mlir::Value v) {
  auto s = shapeOf(v);
  return {(int)s[1], (int)s[2], (int)s[3]};
}

OpLowering lowerZeroPadding(nn::ZeroPadding2DOp op, const TargetInfo &target) {
  auto [h, w, c] = imageOf(op.getInput());
  llvm::ArrayRef<int64_t> p = op.getSides();
  return callOnAll(share(zeroPadding2dKernel(h, w, c, (int)p[0], (int)p[2],
                                                      op.getValue().convertToFloat(), target)), op, full);
}

OpLowering lowerCropping(nn::Cropping2DOp op, const TargetInfo &target) {
  auto [h, w, c] = imageOf(op.getInput());
  llvm::ArrayRef<int64_t> p = op.getSides();
  return callOnAll(share(cropping2dKernel(h, w, c, (int)p[0], (int)p[2], target)), op, full);
}

OpLowering lowerUpSampling(nn::UpSampling2DOp op, const TargetInfo &target) {
  auto [h, w, c] = imageOf(op.getInput());
  int sh = (int)op.getSize()[0], sw = (int)op.getSize()[1];
  return callOnAll(share(op.getInterpolation() == "bilinear"
                             ? upSampling2dBilinearKernel(h, w, c, sh, sw, target)
                             : upSampling2dKernel(h, w, c, sh, sw, target)),
                   op, full);
}

OpLowering lowerUpSamplingGrad(nn::UpSampling2DGradOp op, const TargetInfo &target) {
  auto [h, w, c] = imageOf(op.getGrad());
  int sh = (int)op.getSize()[0], sw = (int)op.getSize()[1];
  return callOnAll(share(upSampling2dBilinearBackwardKernel(h, w, c, sh, sw, target)), op,
                   full);
}

} // namespace

void attachPoolKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::MaxPool2DOp, lowerPool<nn::MaxPool2DOp, true>>(ctx);
  lowerWith<nn::AvgPool2DOp, lowerPool<nn::AvgPool2DOp, false>>(ctx);
  lowerWith<nn::GlobalAvgPool2DOp, lowerGlobalAvgPool>(ctx);
  lowerWith<nn::MaxPool2DGradOp, lowerMaxPoolGrad>(ctx);
  lowerWith<nn::AvgPool2DGradOp, lowerAvgPoolGrad>(ctx);
  lowerWith<nn::GlobalAvgPool2DGradOp, lowerGlobalPoolGrad>(ctx);
  lowerWith<nn::ZeroPadding2DOp, lowerZeroPadding>(ctx);
  lowerWith<nn::Cropping2DOp, lowerCropping>(ctx);
  lowerWith<nn::UpSampling2DOp, lowerUpSampling>(ctx);
  lowerWith<nn::UpSampling2DGradOp, lowerUpSamplingGrad>(ctx);
}

} // namespace nnc::codegen
