// Kernels of the fused ops: Conv2D + BatchNormalization + activation (inference and
// training) and the BatchNormalization + activation backward, one pipeline each.
#include "codegen/kernels/Fused.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include <algorithm>

using namespace Halide;

namespace nnc::codegen {

namespace {

/// One output row per task across threads, filters vectorized (as conv2dKernel).
Var scheduleMap(Func f, const ConvAccumulator &c, int vector) {
  Var yn("yn");
  f.fuse(c.y, c.n, yn).parallel(yn).vectorize(c.co, vector, TailStrategy::GuardWithIf);
  return yn;
}

} // namespace

Kernel conv2dBNKernel(const ConvShape &s, bool bias, float epsilon, const Activation &act,
                      const TargetInfo &target) {
  ConvAccumulator c(s, bias, "conv_bn_acc");
  ImageParam gamma(Float(32), 1, "gamma"), beta(Float(32), 1, "beta"),
      mean(Float(32), 1, "moving_mean"), var(Float(32), 1, "moving_variance");
  // ---- algorithm ----
  // Per channel: scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
  Var ch("ch");
  Func scale("bn_scale"), shift("bn_shift"), normed("bn");
  scale(ch) = gamma(ch) / sqrt(var(ch) + epsilon);
  shift(ch) = beta(ch) - mean(ch) * scale(ch);
  normed(c.co, c.x, c.y, c.n) = c.acc(c.co, c.x, c.y, c.n) * scale(c.co) + shift(c.co);
  Func out = activate(normed, act, s.filters, "conv2d_bn");
  for (ImageParam *p : {&gamma, &beta, &mean, &var})
    p->dim(0).set_bounds(0, s.filters);
  // ---- schedule (CPU) ----
  scale.compute_root();
  shift.compute_root();
  if (target.gpu && act.kind != Act::Softmax)
    scheduleGpuImage(out, c.acc, c.co, c.x, c.y, c.n, c.r, s.filters);
  else if (!target.gpu && (act.kind == Act::Softmax || !c.scheduleTiled(out, s))) {
    Var yn = scheduleMap(out, c, target.vector);
    c.acc.compute_at(out, yn).vectorize(c.co, target.vector, TailStrategy::GuardWithIf);
    c.scheduleUpdate(c.acc, target.vector);
  }
  Kernel k{"conv2d_bn", {c.input, c.kernel, gamma, beta, mean, var}, out};
  if (bias)
    k.inputs.push_back(c.bias);
  return k;
}

Kernel conv2dBNTrainKernel(const ConvShape &s, bool bias, float epsilon, bool unbiasedMoving,
                           const Activation &act, const TargetInfo &target) {
  ConvAccumulator c(s, bias, "conv_acc");
  ImageParam gamma(Float(32), 1, "gamma"), beta(Float(32), 1, "beta");
  // ---- algorithm ----
  // The convolution is an output (the backward reads it); the statistics reduce it in
  // two passes (mean, then squared deviations) as batchNormStatsKernel does.
  Func conv("conv");
  conv(c.co, c.x, c.y, c.n) = c.acc(c.co, c.x, c.y, c.n);
  RDom r(0, s.outW(), 0, s.outH(), 0, c.input.dim(3).extent(), "rows");
  Expr rows = cast<float>(s.outW() * s.outH()) * cast<float>(c.input.dim(3).extent());
  Var ch("ch");
  Func total("bn_sum"), mean("bn_mean"), dev("bn_dev"), stats("bn_stats"), scale("bn_scale");
  total(ch) = 0.0f;
  total(ch) = strict_float(total(ch) + conv(ch, r.x, r.y, r.z)); // as batchNormStatsKernel
  mean(ch) = total(ch) / rows;
  dev(ch) = 0.0f;
  dev(ch) = strict_float(dev(ch) + (conv(ch, r.x, r.y, r.z) - mean(ch)) *
                                      (conv(ch, r.x, r.y, r.z) - mean(ch)));
  Expr variance = dev(ch) / rows;
  stats(ch) = Tuple(mean(ch), variance,
                    unbiasedMoving ? dev(ch) / max(rows - 1.0f, 1.0f) : variance);
  // Normalised exactly as batchNormInferenceKernel does with these statistics (-O0 and
  // -O2 then agree to the last bit here).
  Func shift("bn_shift");
  scale(ch) = gamma(ch) / sqrt(variance + epsilon);
  shift(ch) = beta(ch) - mean(ch) * scale(ch);
  Func normed("bn");
  normed(c.co, c.x, c.y, c.n) = conv(c.co, c.x, c.y, c.n) * scale(c.co) + shift(c.co);
  Func out = activate(normed, act, s.filters, "conv2d_bn_train");
  gamma.dim(0).set_bounds(0, s.filters);
  beta.dim(0).set_bounds(0, s.filters);
  // ---- schedule (CPU) ----
  if (target.gpu)
    scheduleGpuImage(conv, c.acc, c.co, c.x, c.y, c.n, c.r, s.filters);
  else if (!c.scheduleTiled(conv, s)) {
    Var yn = scheduleMap(conv, c, target.vector);
    c.acc.compute_at(conv, yn).vectorize(c.co, target.vector, TailStrategy::GuardWithIf);
    c.scheduleUpdate(c.acc, target.vector);
  }
  scheduleChannelSum(total, target);
  scheduleChannelSum(dev, target);
  for (Func f : {mean, scale, shift})
    f.compute_root();
  if (!target.gpu)
    scheduleMap(out, c, target.vector);
  Kernel k{"conv2d_bn_train", {c.input, c.kernel, gamma, beta}, out, {conv, stats}};
  if (bias)
    k.inputs.push_back(c.bias);
  return k;
}

Kernel bnActivationBackwardKernel(int channels, float epsilon, const Activation &act,
                                  const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), y(Float(32), 2, "output"), dy(Float(32), 2, "dy"),
      gamma(Float(32), 1, "gamma"), mean(Float(32), 1, "mean"), var(Float(32), 1, "variance");
  Var c("c"), m("m");
  // ---- algorithm ----
  RDom r(0, x.dim(1).extent(), "m");
  Expr rows = cast<float>(x.dim(1).extent());
  Func du("du"), inv("bn_inv"), dgamma("bn_dgamma"), dbeta("bn_dbeta"), params("bn_params");
  du(c, m) = activationGradient(y(c, m), dy(c, m), act);
  inv(c) = 1.0f / sqrt(var(c) + epsilon);
  dgamma(c) = 0.0f;
  // Summed in order, as batchNormParamGradKernel (strict_float: no reassociation).
  dgamma(c) = strict_float(dgamma(c) + du(c, r) * (x(c, r) - mean(c)) / sqrt(var(c) + epsilon));
  dbeta(c) = 0.0f;
  dbeta(c) = strict_float(dbeta(c) + du(c, r));
  params(c) = Tuple(dgamma(c), dbeta(c));
  Expr xhat = (x(c, m) - mean(c)) * inv(c);
  Func dx("bn_activation_dx");
  dx(c, m) = gamma(c) * inv(c) * (du(c, m) - dbeta(c) / rows - xhat * dgamma(c) / rows);
  for (ImageParam *p : {&x, &y, &dy})
    p->dim(0).set_bounds(0, channels);
  for (ImageParam *p : {&gamma, &mean, &var})
    p->dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  inv.compute_root();
  scheduleChannelSum(dgamma, target);
  scheduleChannelSum(dbeta, target);
  if (!target.gpu) {
    Var mo("mo"), mi("mi");
    dx.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    dx.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"bn_activation_dx", {x, y, dy, gamma, mean, var}, dx, {params}};
}

Kernel maxPool2dArgmaxKernel(const PoolShape &s, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input");
  Var c("c"), x("x"), y("y"), n("n");
  // ---- algorithm ----
  // The first maximum in (kx, ky) order, as maxPool2dBackwardKernel routes gradients.
  Func out("max_pool2d_argmax");
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(0, s.height);
  if (s.unrolled()) {
    // Every window inside the image: the same scan (strictly greater replaces, from
    // the lowest float) unrolled into one expression per output, no boundary and no
    // intermediate storage; vectorized across channels.
    Expr best = Float(32).min(), at = 0;
    for (int ky = 0; ky < s.poolH; ++ky)
      for (int kx = 0; kx < s.poolW; ++kx) {
        Expr v = in(c, x * s.strideW + kx, y * s.strideH + ky, n);
        Expr better = replacesMax(v, best);
        at = select(better, kx + s.poolW * ky, at);
        best = select(better, v, best);
      }
    out(c, x, y, n) = Tuple(best, cast<float>(at));
    if (!target.gpu) {
      Var yn("yn");
      out.fuse(y, n, yn).parallel(yn).vectorize(c, 16, TailStrategy::GuardWithIf);
    }
    return {"max_pool2d_argmax", {in}, out};
  }
  Func best = windowArgmax(s, in);
  out(c, x, y, n) = Tuple(best(c, x, y, n)[2],
                          cast<float>(best(c, x, y, n)[0] + s.poolW * best(c, x, y, n)[1]));
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var yn("yn");
    out.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    // A row of windows per task, in constant (stack) storage: sized from the output
    // buffer, it was a heap allocation per row.
    scheduleWindowScan(best, out, yn, s, target.vector);
  }
  return {"max_pool2d_argmax", {in}, out};
}

/// A small input (a first layer's few channels) copied with its zero border once per
/// call: the taps then read it without a bounds test each.
static void materializePadded(Func padded, int channels) {
  std::vector<Var> a = padded.args(); // (c, x, y, n)
  padded.compute_root().parallel(a[3]);
  if (channels == 1)
    padded.vectorize(a[1], 8, TailStrategy::GuardWithIf);
}

/// The first maximum of each window of `f` (c, x, y, n) in (kx, ky) order, scanned as
/// maxPool2dArgmaxKernel does (strictly greater replaces, from the lowest float):
/// Tuple(max, kx + poolW * ky as float) at (c, px, py, n).
static Tuple windowMaximum(Func f, Var c, Var px, Var py, Var n, int poolW, int poolH) {
  Expr best = Float(32).min(), at = 0;
  for (int ky = 0; ky < poolH; ++ky)
    for (int kx = 0; kx < poolW; ++kx) {
      Expr v = f(c, px * poolW + kx, py * poolH + ky, n);
      Expr better = replacesMax(v, best);
      at = select(better, kx + poolW * ky, at);
      best = select(better, v, best);
    }
  return Tuple(best, cast<float>(at));
}

Kernel conv2dMaxPoolArgmaxKernel(const ConvShape &s, bool bias, const Activation &act, int poolW,
                                 int poolH, bool argmax, const TargetInfo &target) {
  ConvAccumulator c(s, bias, "conv_pool_acc");
  // ---- algorithm ----
  Func conv = activate(c.acc, act, s.filters, "conv2d");
  Var px("px"), py("py");
  const char *name = argmax ? "conv2d_max_pool2d_argmax" : "conv2d_max_pool2d";
  Func out(name);
  Tuple window = windowMaximum(conv, c.co, px, py, c.n, poolW, poolH);
  if (argmax)
    out(c.co, px, py, c.n) = window;
  else
    out(c.co, px, py, c.n) = window[0];
  Kernel kernel{name, {c.input, c.kernel}, out};
  if (bias)
    kernel.inputs.push_back(c.bias);
  if (target.gpu) {
    scheduleGpuImage(conv, c.acc, c.co, c.x, c.y, c.n, c.r, s.filters);
    return kernel;
  }
  // ---- schedule (CPU) ----
  int cTile = s.filters % 32 == 0 ? 32 : s.filters % 16 == 0 ? 16 : 0;
  Var yn("yn");
  if (cTile && poolW * poolH * cTile / 16 <= 16) {
    // Per task a row of windows; per window and block of filters the conv values of
    // the whole window accumulate in registers (a block of filters x poolW x poolH),
    // then reduce to the maximum: the conv output is never stored.
    Var co("co_o"), ci("co_i");
    out.split(c.co, co, ci, cTile)
        .reorder(ci, co, px, py, c.n)
        .vectorize(ci, 16)
        .unroll(ci)
        .fuse(py, c.n, yn)
        .parallel(yn);
    c.acc.compute_at(out, co).vectorize(c.co, 16).unroll(c.co).unroll(c.x).unroll(c.y);
    if (s.channels <= 4)
      materializePadded(c.padded, s.channels);
    c.acc.update()
        .reorder(c.co, c.x, c.y, c.r.x, c.r.y, c.r.z)
        .vectorize(c.co, 16)
        .unroll(c.co)
        .unroll(c.x)
        .unroll(c.y);
    return kernel;
  }
  // Other filter counts: conv2dKernel's row schedule into a scratch, then the windows.
  Var cyn("cyn");
  conv.compute_root()
      .fuse(c.y, c.n, cyn)
      .parallel(cyn)
      .vectorize(c.co, target.vector, TailStrategy::GuardWithIf);
  c.acc.compute_at(conv, cyn).vectorize(c.co, target.vector, TailStrategy::GuardWithIf);
  c.scheduleUpdate(c.acc, target.vector);
  out.fuse(py, c.n, yn).parallel(yn).vectorize(c.co, target.vector, TailStrategy::GuardWithIf);
  return kernel;
}

Kernel conv2dMaxPoolBackwardWeightsKernel(const ConvShape &s, const Activation &act, int poolW,
                                          int poolH, const TargetInfo &target) {
  ImageParam in(Float(32), 4, "input"), index(Float(32), 4, "index"),
      pooled(Float(32), 4, "pooled"), dy(Float(32), 4, "dy");
  Var co("co"), ci("ci"), kx("kx"), ky("ky"), t("t"), x("x"), y("y"), n("n");
  int poolOutW = s.outW() / poolW, poolOutH = s.outH() / poolH;
  // ---- algorithm ----
  // dZ at conv position (x, y): the window's gradient where the window's recorded
  // maximum is (x, y), else zero (maxPool2dActivationBackwardKernel's gather).
  Expr ox = x / poolW, oy = y / poolH;
  Expr inside = ox < poolOutW && oy < poolOutH;
  Expr cx = min(ox, poolOutW - 1), cy = min(oy, poolOutH - 1);
  Expr mine = cast<int>(index(co, cx, cy, n)) == (x - ox * poolW) + poolW * (y - oy * poolH);
  Func dz("conv_pool_dz");
  dz(co, x, y, n) = select(inside && mine,
                           activationGradient(pooled(co, cx, cy, n), dy(co, cx, cy, n), act), 0.0f);
  // Taps t = ci + channels * (kx + kernelW * ky), and t = taps for the bias (dZ * 1,
  // the rows summed in order).
  int taps = s.channels * s.kernelW * s.kernelH;
  Func padded = BoundaryConditions::constant_exterior(
      in, 0.0f, {{0, s.channels}, {0, s.width}, {0, s.height}});
  RDom r(0, s.outW(), 0, s.outH(), 0, dy.dim(3).extent(), "r");
  Expr tci = t % s.channels, tkx = t / s.channels % s.kernelW, tky = t / (s.channels * s.kernelW);
  Expr tapValue = padded(tci, r.x * s.strideW + tkx * s.dilationW - s.padLeft(),
                         r.y * s.strideH + tky * s.dilationH - s.padTop(), r.z);
  Func acc("conv_pool_dw_acc"), sums("conv_pool_dw_sums"), dw("conv2d_dw"), db("conv2d_db");
  acc(co, t) = 0.0f;
  acc(co, t) += dz(co, r.x, r.y, r.z) * select(t < taps, tapValue, 1.0f);
  sums(co, t) = acc(co, t);
  dw(co, ci, kx, ky) = sums(co, ci + s.channels * (kx + s.kernelW * ky));
  db(co) = sums(co, taps);
  in.dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.width).dim(2).set_bounds(0, s.height);
  for (ImageParam *p : {&index, &pooled, &dy})
    p->dim(0).set_bounds(0, s.filters).dim(1).set_bounds(0, poolOutW).dim(2).set_bounds(0, poolOutH);
  Kernel kernel{"conv2d_max_pool2d_dw", {in, index, pooled, dy}, dw, {db}};
  sums.compute_root().bound(co, 0, s.filters).bound(t, 0, taps + 1);
  if (target.gpu) {
    // As conv2dBackwardWeightsKernel on the GPU: partial sums per sample and block of
    // rows in parallel, then summed per weight.
    int rows = (int)std::clamp<int64_t>(
        (int64_t)s.outH() * s.filters * (taps + 1) / target.taskWork, 4, std::max(s.outH(), 4));
    RVar ryo("ryo"), ryi("ryi");
    acc.compute_root();
    acc.update()
        .split(r.y, ryo, ryi, rows, TailStrategy::GuardWithIf)
        .rfactor({{ryo, Var("row_block")}, {r.z, Var("sample")}})
        .compute_root();
    return kernel;
  }
  // ---- schedule (CPU) ----
  // As conv2dBackwardWeightsKernel's few-weights schedule: per block of 16 filters, every
  // tap and the bias accumulate in registers during one pass over (x, y, sample).
  Var coo("coo"), coi("coi");
  materializePadded(padded, s.channels);
  sums.split(co, coo, coi, 16).reorder(coi, t, coo).parallel(coo).vectorize(coi);
  acc.compute_at(sums, coo).bound_storage(co, 16).vectorize(co, 16);
  acc.update()
      .split(co, coo, coi, 16)
      .reorder(coi, t, r.x, r.y, r.z, coo)
      .vectorize(coi)
      .unroll(t);
  return kernel;
}

Kernel maxPool2dActivationBackwardKernel(const PoolShape &s, const Activation &act,
                                         const TargetInfo &target) {
  ImageParam index(Float(32), 4, "index"), pooled(Float(32), 4, "pooled"), dy(Float(32), 4, "dy");
  Var c("c"), x("x"), y("y"), n("n");
  int pt = padBefore(s.height, s.poolH, s.strideH, 1, s.same);
  int pl = padBefore(s.width, s.poolW, s.strideW, 1, s.same);
  // ---- algorithm ----
  Func dx("max_pool2d_activation_dx");
  for (ImageParam *p : {&index, &pooled, &dy})
    p->dim(0).set_bounds(0, s.channels).dim(1).set_bounds(0, s.outW()).dim(2).set_bounds(0, s.outH());
  Var yn("yn");
  if (pt == 0 && pl == 0 && s.strideW == s.poolW && s.strideH == s.poolH) {
    // Windows tile the input without overlap: each input pixel belongs to at most one
    // window, so dX is a gather (one vectorized pass, nothing scattered).
    Expr ox = x / s.poolW, oy = y / s.poolH;
    Expr inside = ox < s.outW() && oy < s.outH();
    Expr cx = min(ox, s.outW() - 1), cy = min(oy, s.outH() - 1);
    Expr mine = cast<int>(index(c, cx, cy, n)) == (x - ox * s.poolW) + s.poolW * (y - oy * s.poolH);
    dx(c, x, y, n) = select(inside && mine,
                            activationGradient(pooled(c, cx, cy, n), dy(c, cx, cy, n), act), 0.0f);
    // ---- schedule (CPU) ----
    if (!target.gpu) {
      dx.fuse(y, n, yn).parallel(yn).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    }
    return {"max_pool2d_activation_dx", {index, pooled, dy}, dx};
  }
  RDom o(0, s.outW(), 0, s.outH(), "o");
  Expr at = cast<int>(index(c, o.x, o.y, n));
  Expr bx = clamp(o.x * s.strideW - pl + at % s.poolW, 0, s.width - 1);
  Expr by = clamp(o.y * s.strideH - pt + at / s.poolW, 0, s.height - 1);
  dx(c, x, y, n) = 0.0f;
  dx(c, bx, by, n) += activationGradient(pooled(c, o.x, o.y, n), dy(c, o.x, o.y, n), act);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    dx.parallel(n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
    dx.update().parallel(n).vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"max_pool2d_activation_dx", {index, pooled, dy}, dx};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

template <typename FusedOp> ConvShape shapeOfFused(FusedOp op, mlir::Value input,
                                                   mlir::Value kernel) {
  return convShape(input, kernel, op.getStrides(), op.getDilation(), op.getPadding());
}

template <typename FusedOp> Activation fusedActivation(FusedOp op) {
  return activationOf(op.getActivation(), op.getAlpha());
}

OpLowering lowerConvBN(nn::Conv2DBNOp op, const TargetInfo &target) {
  ConvShape s = shapeOfFused(op, op.getInput(), op.getKernel());
  return callOnAll(share(conv2dBNKernel(s, (bool)op.getBias(), op.getEpsilon().convertToFloat(),
                                        fusedActivation(op), target)),
                   op, mapOrFlat);
}

OpLowering lowerConvBNTrain(nn::Conv2DBNTrainOp op, const TargetInfo &target) {
  ConvShape s = shapeOfFused(op, op.getInput(), op.getKernel());
  return callOnAll(
      share(conv2dBNTrainKernel(s, (bool)op.getBias(), op.getEpsilon().convertToFloat(),
                                op.getUnbiasedMoving(), fusedActivation(op), target)),
      op, mapOrFlat);
}

OpLowering lowerPoolArgmax(nn::MaxPool2DArgmaxOp op, const TargetInfo &target) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return callOnAll(share(maxPool2dArgmaxKernel(s, target)), op, mapOrFlat);
}

/// Conv2D + activation + tiling max pooling in one kernel: with the recorded maxima
/// (the train step's nn.conv2d_max_pool2d_argmax) or without (inference).
template <typename ConvPoolOp, bool Argmax>
OpLowering lowerConvPool(ConvPoolOp op, const TargetInfo &target) {
  ConvShape s = shapeOfFused(op, op.getInput(), op.getKernel());
  llvm::ArrayRef<int64_t> pool = op.getPoolSize();
  return callOnAll(share(conv2dMaxPoolArgmaxKernel(s, (bool)op.getBias(), fusedActivation(op),
                                                   (int)pool[1], (int)pool[0], Argmax, target)),
                   op, mapOrFlat);
}

OpLowering lowerConvPoolGradKernel(nn::Conv2DMaxPoolGradKernelOp op, const TargetInfo &target) {
  ConvShape s = shapeOfFused(op, op.getInput(), op.getKernelGrad());
  llvm::ArrayRef<int64_t> pool = op.getPoolSize();
  return callOnAll(share(conv2dMaxPoolBackwardWeightsKernel(s, fusedActivation(op), (int)pool[1],
                                                            (int)pool[0], target)),
                   op, mapOrFlat);
}

OpLowering lowerPoolActivationGrad(nn::MaxPool2DActivationGradOp op, const TargetInfo &target) {
  PoolShape s = poolShape(op.getInputGrad(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return callOnAll(share(maxPool2dActivationBackwardKernel(s, fusedActivation(op), target)), op,
                   mapOrFlat);
}

OpLowering lowerBNActivationGrad(nn::BNActivationGradOp op, const TargetInfo &target) {
  OpLowering l = callOnAll(
      share(bnActivationBackwardKernel((int)count(op.getMean()), op.getEpsilon().convertToFloat(),
                                       fusedActivation(op), target)),
      op, rowsOrFlat);
  l.inPlace = 2; // into dy: the per-channel sums are computed first
  return l;
}

} // namespace

void attachFusedKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::Conv2DBNOp, lowerConvBN>(ctx);
  lowerWith<nn::Conv2DBNTrainOp, lowerConvBNTrain>(ctx);
  lowerWith<nn::MaxPool2DArgmaxOp, lowerPoolArgmax>(ctx);
  lowerWith<nn::Conv2DMaxPoolArgmaxOp, lowerConvPool<nn::Conv2DMaxPoolArgmaxOp, true>>(ctx);
  lowerWith<nn::Conv2DMaxPoolOp, lowerConvPool<nn::Conv2DMaxPoolOp, false>>(ctx);
  lowerWith<nn::Conv2DMaxPoolGradKernelOp, lowerConvPoolGradKernel>(ctx);
  lowerWith<nn::MaxPool2DActivationGradOp, lowerPoolActivationGrad>(ctx);
  lowerWith<nn::BNActivationGradOp, lowerBNActivationGrad>(ctx);
}

} // namespace nnc::codegen
