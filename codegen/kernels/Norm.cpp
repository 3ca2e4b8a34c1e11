// BatchNormalization (inference, and training's statistics and gradients) and
// LayerNormalization (forward and backward) kernels, and the lowering of their ops.
#include "codegen/kernels/Norm.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

using namespace Halide;

namespace nnc::codegen {

Kernel batchNormInferenceKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam in(Float(32), 2, "input"), gamma(Float(32), 1, "gamma"),
      beta(Float(32), 1, "beta"), mean(Float(32), 1, "moving_mean"),
      var(Float(32), 1, "moving_variance");
  Var c("c"), m("m");

  // ---- algorithm ----
  // Per channel: scale = gamma / sqrt(var + eps), shift = beta - mean * scale.
  Func scale("bn_scale"), shift("bn_shift"), out("batch_norm");
  scale(c) = gamma(c) / sqrt(var(c) + epsilon);
  shift(c) = beta(c) - mean(c) * scale(c);
  out(c, m) = in(c, m) * scale(c) + shift(c);
  in.dim(0).set_bounds(0, channels);
  for (ImageParam *p : {&gamma, &beta, &mean, &var})
    p->dim(0).set_bounds(0, channels);

  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scale.compute_root();
    shift.compute_root();
    Var mo("mo"), mi("mi");
    out.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"batch_norm", {in, gamma, beta, mean, var}, out};
}

Kernel batchNormFrozenBackwardKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam dy(Float(32), 2, "output_grad"), gamma(Float(32), 1, "gamma"),
      var(Float(32), 1, "moving_variance");
  Var c("c"), m("m");
  // ---- algorithm ----
  // The inference form's per-channel scale, applied to dy.
  Func scale("bn_frozen_scale"), out("batch_norm_frozen_grad");
  scale(c) = gamma(c) / sqrt(epsilon + var(c));
  out(c, m) = dy(c, m) * scale(c);
  dy.dim(0).set_bounds(0, channels);
  gamma.dim(0).set_bounds(0, channels);
  var.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    scale.compute_root();
    Var mo("mo"), mi("mi");
    out.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"batch_norm_frozen_grad", {dy, gamma, var}, out};
}

Kernel batchNormStatsKernel(int channels, bool unbiasedMoving, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input");
  Var c("c");
  // ---- algorithm ----
  // Two passes (mean, then squared deviations) for accuracy in float32.
  RDom m(0, x.dim(1).extent(), "m");
  Expr rows = cast<float>(x.dim(1).extent());
  Func total("bn_sum"), mean("bn_mean"), dev("bn_dev"), out("bn_stats");
  // strict_float: the sums run in this order only (no reassociation), so the fused
  // Conv2D + BatchNormalization kernel, which sums the same way, agrees to the bit.
  total(c) = 0.0f;
  total(c) = strict_float(total(c) + x(c, m));
  mean(c) = total(c) / rows;
  dev(c) = 0.0f;
  dev(c) = strict_float(dev(c) + (x(c, m) - mean(c)) * (x(c, m) - mean(c)));
  Expr var = dev(c) / rows;
  Expr moving = unbiasedMoving ? dev(c) / max(rows - 1.0f, 1.0f) : var;
  out(c) = Tuple(mean(c), var, moving);
  x.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  scheduleChannelSum(total, target);
  mean.compute_root();
  scheduleChannelSum(dev, target);
  return {"batch_norm_stats", {x}, out};
}

Kernel movingAverageKernel(int channels, float momentum, const TargetInfo &target) {
  ImageParam mm(Float(32), 1, "moving_mean"), mv(Float(32), 1, "moving_variance"),
      mean(Float(32), 1, "mean"), var(Float(32), 1, "variance");
  Var c("c");
  // ---- algorithm ----
  Func out("moving_average");
  out(c) = Tuple(mm(c) * momentum + mean(c) * (1.0f - momentum),
                 mv(c) * momentum + var(c) * (1.0f - momentum));
  for (ImageParam *p : {&mm, &mv, &mean, &var})
    p->dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"moving_average", {mm, mv, mean, var}, out};
}

Kernel batchNormParamGradKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), dy(Float(32), 2, "dy"), mean(Float(32), 1, "mean"),
      var(Float(32), 1, "variance");
  Var c("c");
  // ---- algorithm ----
  RDom m(0, x.dim(1).extent(), "m");
  Func dgamma("bn_dgamma"), dbeta("bn_dbeta"), out("bn_param_grad");
  dgamma(c) = 0.0f;
  // Summed in order (strict_float: no reassociation), as the fused BN + activation
  // backward sums, so -O0 and -O2 agree to the bit.
  dgamma(c) = strict_float(dgamma(c) + dy(c, m) * (x(c, m) - mean(c)) / sqrt(var(c) + epsilon));
  dbeta(c) = 0.0f;
  dbeta(c) = strict_float(dbeta(c) + dy(c, m));
  out(c) = Tuple(dgamma(c), dbeta(c));
  x.dim(0).set_bounds(0, channels);
  dy.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  scheduleChannelSum(dgamma, target);
  scheduleChannelSum(dbeta, target);
  return {"batch_norm_param_grad", {x, dy, mean, var}, out};
}

Kernel batchNormBackwardDataKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), dy(Float(32), 2, "dy"), gamma(Float(32), 1, "gamma"),
      mean(Float(32), 1, "mean"), var(Float(32), 1, "variance"), dgamma(Float(32), 1, "dgamma"),
      dbeta(Float(32), 1, "dbeta");
  Var c("c"), m("m");
  // ---- algorithm ----
  Expr rows = cast<float>(x.dim(1).extent());
  Expr inv = 1.0f / sqrt(var(c) + epsilon);
  Expr xhat = (x(c, m) - mean(c)) * inv;
  Func dx("batch_norm_dx");
  dx(c, m) = gamma(c) * inv * (dy(c, m) - dbeta(c) / rows - xhat * dgamma(c) / rows);
  x.dim(0).set_bounds(0, channels);
  dy.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var mo("mo"), mi("mi");
    dx.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    dx.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"batch_norm_dx", {x, dy, gamma, mean, var, dgamma, dbeta}, dx};
}

} // namespace nnc::codegen

// ---- LayerNormalization: each row normalised with its own statistics -------------

namespace nnc::codegen {

namespace {

/// A row's mean and 1 / sqrt(variance + epsilon), over `channels` values of x(c, m),
/// summed in order (two passes: the mean, then the squared deviations).
struct RowStats {
  Func mean{"ln_mean"}, inv{"ln_inv"};
  RowStats(ImageParam &x, int channels, float epsilon) {
    RDom r(0, channels, "r");
    Var m("m");
    Func total("ln_total"), dev("ln_dev");
    total(m) = 0.0f;
    total(m) += x(r, m);
    mean(m) = total(m) / (float)channels;
    dev(m) = 0.0f;
    dev(m) += (x(r, m) - mean(m)) * (x(r, m) - mean(m));
    inv(m) = 1.0f / sqrt(dev(m) / (float)channels + epsilon);
  }
  /// CPU: both per row at root (a pass over the input each).
  void schedule() {
    mean.compute_root();
    inv.compute_root();
  }
};

Kernel layerNormKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), gamma(Float(32), 1, "gamma"), beta(Float(32), 1, "beta");
  Var c("c"), m("m");
  // ---- algorithm ----
  RowStats s(x, channels, epsilon);
  Func out("layer_norm");
  out(c, m) = (x(c, m) - s.mean(m)) * s.inv(m) * gamma(c) + beta(c);
  x.dim(0).set_bounds(0, channels);
  gamma.dim(0).set_bounds(0, channels);
  beta.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    s.schedule();
    Var mo("mo"), mi("mi");
    out.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    out.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  return {"layer_norm", {x, gamma, beta}, out};
}

/// Outputs dx (c, m), dgamma (c), dbeta (c). Inputs: x, dy (c, m), gamma.
///   dx = inv * (g - mean_c(g) - xhat * mean_c(g * xhat)), g = dy * gamma.
Kernel layerNormBackwardKernel(int channels, float epsilon, const TargetInfo &target) {
  ImageParam x(Float(32), 2, "input"), dy(Float(32), 2, "dy"), gamma(Float(32), 1, "gamma");
  Var c("c"), m("m");
  // ---- algorithm ----
  RowStats s(x, channels, epsilon);
  Func xhat("ln_xhat"), g("ln_g"), a("ln_a"), b("ln_b"), dx("layer_norm_dx");
  xhat(c, m) = (x(c, m) - s.mean(m)) * s.inv(m);
  g(c, m) = dy(c, m) * gamma(c);
  RDom r(0, channels, "r");
  a(m) = 0.0f;
  a(m) += g(r, m);
  b(m) = 0.0f;
  b(m) += g(r, m) * xhat(r, m);
  dx(c, m) = s.inv(m) * (g(c, m) - a(m) / (float)channels - xhat(c, m) * b(m) / (float)channels);
  // The per-channel sums in buffers of their own (the outputs may sit anywhere in the
  // arena: no aligned vector access to them).
  RDom rows(0, x.dim(1).extent(), "rows");
  Func sumG("ln_sum_dgamma"), sumB("ln_sum_dbeta"), dgamma("layer_norm_dgamma"),
      dbeta("layer_norm_dbeta");
  sumG(c) = 0.0f;
  sumG(c) += dy(c, rows) * xhat(c, rows);
  sumB(c) = 0.0f;
  sumB(c) += dy(c, rows);
  dgamma(c) = sumG(c);
  dbeta(c) = sumB(c);
  x.dim(0).set_bounds(0, channels);
  dy.dim(0).set_bounds(0, channels);
  gamma.dim(0).set_bounds(0, channels);
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    s.schedule();
    a.compute_root();
    a.update().unscheduled();
    b.compute_root();
    b.update().unscheduled();
    Var mo("mo"), mi("mi");
    dx.split(m, mo, mi, 16, TailStrategy::GuardWithIf).parallel(mo);
    dx.vectorize(c, target.vector, TailStrategy::GuardWithIf);
    scheduleChannelSum(sumG, target);
    scheduleChannelSum(sumB, target);
  }
  Kernel k{"layer_norm_grad", {x, dy, gamma}, dx};
  k.moreOutputs = {dgamma, dbeta};
  return k;
}

} // namespace

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerBatchNorm(nn::BatchNormOp op, const TargetInfo &target) {
  int64_t c = shapeOf(op.getInput()).back();
  auto k = share(batchNormInferenceKernel((int)c, op.getEpsilon().convertToFloat(), target));
  OpLowering l = callOnAll(k, op, rowsOrFlat);
  l.inPlace = 0;
  return l;
}

OpLowering lowerStats(nn::BatchNormStatsOp op, const TargetInfo &target) {
  auto e = rows(op.getInput());
  return callOnAll(share(batchNormStatsKernel((int)e[0], op.getUnbiasedMoving(), target)), op,
                   rowsOrFlat);
}

OpLowering lowerMovingAverage(nn::MovingAverageOp op, const TargetInfo &target) {
  return callOnAll(share(movingAverageKernel((int)count(op.getMean()),
                                             op.getMomentum().convertToFloat(), target)),
                   op, flat);
}

OpLowering lowerParamGrad(nn::BatchNormParamGradOp op, const TargetInfo &target) {
  return callOnAll(share(batchNormParamGradKernel((int)count(op.getMean()),
                                                  op.getEpsilon().convertToFloat(), target)),
                   op, rowsOrFlat);
}

OpLowering lowerInputGrad(nn::BatchNormInputGradOp op, const TargetInfo &target) {
  OpLowering l = callOnAll(share(batchNormBackwardDataKernel(
                               (int)count(op.getMean()), op.getEpsilon().convertToFloat(), target)),
                           op, rowsOrFlat);
  l.inPlace = 1; // into dy: pointwise given the per-channel sums
  return l;
}

OpLowering lowerFrozenGrad(nn::BatchNormFrozenGradOp op, const TargetInfo &target) {
  int64_t c = shapeOf(op.getOutputGrad()).back();
  OpLowering l = callOnAll(share(batchNormFrozenBackwardKernel(
                               (int)c, op.getEpsilon().convertToFloat(), target)),
                           op, rowsOrFlat);
  l.inPlace = 0; // into dy: pointwise
  return l;
}

OpLowering lowerLayerNorm(nn::LayerNormOp op, const TargetInfo &target) {
  int64_t c = shapeOf(op.getInput()).back();
  OpLowering l = callOnAll(
      share(layerNormKernel((int)c, op.getEpsilon().convertToFloat(), target)), op, rowsOrFlat);
  l.inPlace = 0; // the row statistics are made first; then each output reads its own input
  return l;
}

OpLowering lowerLayerNormGrad(nn::LayerNormGradOp op, const TargetInfo &target) {
  int64_t c = shapeOf(op.getInput()).back();
  return callOnAll(
      share(layerNormBackwardKernel((int)c, op.getEpsilon().convertToFloat(), target)), op,
      rowsOrFlat);
}

} // namespace

void attachNormKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::BatchNormOp, lowerBatchNorm>(ctx);
  lowerWith<nn::BatchNormStatsOp, lowerStats>(ctx);
  lowerWith<nn::MovingAverageOp, lowerMovingAverage>(ctx);
  lowerWith<nn::BatchNormParamGradOp, lowerParamGrad>(ctx);
  lowerWith<nn::BatchNormInputGradOp, lowerInputGrad>(ctx);
  lowerWith<nn::BatchNormFrozenGradOp, lowerFrozenGrad>(ctx);
  lowerWith<nn::LayerNormOp, lowerLayerNorm>(ctx);
  lowerWith<nn::LayerNormGradOp, lowerLayerNormGrad>(ctx);
}

} // namespace nnc::codegen
