// Optimizer updates with Keras's rules, one parameter tensor at a time.
#include "codegen/kernels/Optimizer.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"

#include <cmath>

using namespace Halide;

namespace nnc::codegen {

namespace {
/// Updates are elementwise over a flat tensor: vectorized, in parallel chunks.
void scheduleFlat(Func f, Var i, const TargetInfo &target) {
  if (target.gpu)
    return;
  Var o("o"), in("in");
  f.split(i, o, in, 4096, TailStrategy::GuardWithIf).parallel(o);
  f.vectorize(in, target.vector, TailStrategy::GuardWithIf);
}
} // namespace

Kernel sgdKernel(float lr, float momentum, bool nesterov, const TargetInfo &target) {
  ImageParam p(Float(32), 1, "param"), g(Float(32), 1, "grad"), v(Float(32), 1, "velocity");
  Var i("i");
  // ---- algorithm ----
  Func out("sgd");
  if (momentum > 0) {
    Expr vel = momentum * v(i) - lr * g(i);
    Expr step = nesterov ? momentum * vel - lr * g(i) : vel;
    out(i) = Tuple(p(i) + step, vel);
  } else {
    out(i) = Tuple(p(i) - lr * g(i));
  }
  // ---- schedule (CPU) ----
  scheduleFlat(out, i, target);
  if (momentum > 0)
    return {"sgd", {p, g, v}, out};
  return {"sgd", {p, g}, out};
}

double adamAlpha(double lr, double beta1, double beta2, long step) {
  return lr * std::sqrt(1 - std::pow(beta2, (double)step)) / (1 - std::pow(beta1, (double)step));
}

Kernel adamKernel(float learningRate, float beta1, float beta2, float epsilon,
                  const TargetInfo &target) {
  ImageParam p(Float(32), 1, "param"), g(Float(32), 1, "grad"), m(Float(32), 1, "m"),
      v(Float(32), 1, "v"), counter(UInt(32), 1, "counter");
  Var i("i");
  // ---- algorithm ----
  // alpha = lr * sqrt(1 - b2^t) / (1 - b1^t), in double as adamAlpha.
  Expr t = cast<double>(counter(1));
  auto f64 = [](float v) { return Halide::Internal::make_const(Float(64), double(v)); };
  Expr one = Halide::Internal::make_const(Float(64), 1.0);
  Expr alphaValue = cast<float>(f64(learningRate) * sqrt(one - pow(f64(beta2), t)) /
                                (one - pow(f64(beta1), t)));
  Func alpha("alpha");
  alpha() = alphaValue;
  alpha.compute_root();
  Expr m1 = m(i) + (g(i) - m(i)) * (1.0f - beta1);
  Expr v1 = v(i) + (g(i) * g(i) - v(i)) * (1.0f - beta2);
  Func out("adam");
  out(i) = Tuple(p(i) - m1 * alpha() / (sqrt(v1) + epsilon), m1, v1);
  counter.dim(0).set_bounds(0, 2);
  // ---- schedule (CPU) ----
  scheduleFlat(out, i, target);
  return {"adam", {p, g, m, v, counter}, out};
}

Kernel rmspropKernel(float lr, float rho, float momentum, float epsilon, const TargetInfo &target) {
  ImageParam p(Float(32), 1, "param"), g(Float(32), 1, "grad"), ms(Float(32), 1, "ms"),
      mom(Float(32), 1, "momentum");
  Var i("i");
  // ---- algorithm ----
  Expr ms1 = rho * ms(i) + (1.0f - rho) * g(i) * g(i);
  Expr inc = lr * g(i) / sqrt(ms1 + epsilon);
  Func out("rmsprop");
  if (momentum > 0) {
    Expr mom1 = momentum * mom(i) + inc;
    out(i) = Tuple(p(i) - mom1, ms1, mom1);
  } else {
    out(i) = Tuple(p(i) - inc, ms1);
  }
  // ---- schedule (CPU) ----
  scheduleFlat(out, i, target);
  if (momentum > 0)
    return {"rmsprop", {p, g, ms, mom}, out};
  return {"rmsprop", {p, g, ms}, out};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerSGD(nn::SGDUpdateOp op, const TargetInfo &target) {
  return callOnAll(share(sgdKernel(op.getLearningRate().convertToFloat(),
                                   op.getMomentum().convertToFloat(), op.getNesterov(), target)),
                   op, flat);
}

OpLowering lowerAdam(nn::AdamUpdateOp op, const TargetInfo &target) {
  return callOnAll(
      share(adamKernel(op.getLearningRate().convertToFloat(), op.getBeta_1().convertToFloat(),
                       op.getBeta_2().convertToFloat(), op.getEpsilon().convertToFloat(), target)),
      op, flat);
}

OpLowering lowerRMSprop(nn::RMSpropUpdateOp op, const TargetInfo &target) {
  return callOnAll(
      share(rmspropKernel(op.getLearningRate().convertToFloat(), op.getRho().convertToFloat(),
                          op.getMomentum().convertToFloat(), op.getEpsilon().convertToFloat(),
                          target)),
      op, flat);
}

} // namespace

void attachOptimizerKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::SGDUpdateOp, lowerSGD>(ctx);
  lowerWith<nn::AdamUpdateOp, lowerAdam>(ctx);
  lowerWith<nn::RMSpropUpdateOp, lowerRMSprop>(ctx);
}

} // namespace nnc::codegen
