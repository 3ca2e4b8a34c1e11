// Losses: the batch-mean loss as a 0-d output, and its gradient with respect to the
// loss's input (probabilities, or logits with from_logits).
#include "codegen/kernels/Loss.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"
#include "llvm/ADT/StringSwitch.h"

using namespace Halide;

namespace nnc::codegen {

namespace {

struct LossInputs {
  ImageParam pred{Float(32), 2, "prediction"};
  ImageParam labels;
  Expr batch;

  LossInputs(LossKind kind, int classes)
      : labels(Float(32), kind == LossKind::SparseCategorical ? 1 : 2, "labels") {
    pred.dim(0).set_bounds(0, classes);
    if (kind != LossKind::SparseCategorical)
      labels.dim(0).set_bounds(0, classes);
    batch = cast<float>(pred.dim(1).extent());
  }

  /// The one-hot (or given) target of class c for sample n.
  Expr target(LossKind kind, Expr c, Expr n) {
    if (kind == LossKind::SparseCategorical)
      return select(cast<int>(labels(n)) == c, 1.0f, 0.0f);
    return labels(c, n);
  }
};

/// Keras's clip into [epsilon, 1 - epsilon]; a NaN stays NaN, so the loss shows it.
Expr clipProb(Expr p) { return select(isNaN(p), p, clamp(p, kEpsilon, 1.0f - kEpsilon)); }

/// A loss gradient times its head's loss weight (left alone at 1).
Expr scaled(Expr e, float scale) { return scale == 1.0f ? e : e * scale; }

/// log(sum_c exp(z(c, n))), stably.
Func logSumExp(ImageParam z, int classes) {
  RDom r(0, classes, "lse_r");
  Var n("n");
  Func peak("lse_max"), lse("lse");
  peak(n) = maximum(z(r, n));
  lse(n) = peak(n) + log(sum(exp(z(r, n) - peak(n))));
  peak.compute_root();
  lse.compute_root();
  return lse;
}

} // namespace

// ---- algorithm ----

Kernel lossKernel(LossKind kind, int classes, bool fromLogits, const TargetInfo &target) {
  LossInputs in(kind, classes);
  Var c("c"), n("n");
  Func perSample("per_sample_loss");
  RDom r(0, classes, "r");
  Expr z = in.pred(r, n), y = in.target(kind, r, n);
  switch (kind) {
  case LossKind::SparseCategorical:
  case LossKind::Categorical:
    if (fromLogits) {
      Func lse = logSumExp(in.pred, classes);
      perSample(n) = sum(y * (lse(n) - z));
    } else {
      perSample(n) = -sum(y * log(clipProb(z)));
    }
    break;
  case LossKind::Binary:
    if (fromLogits) // max(z, 0) - z*y + log(1 + exp(-|z|))
      perSample(n) = sum(max(z, 0.0f) - z * y + log(1.0f + exp(-abs(z)))) / float(classes);
    else
      perSample(n) = -sum(y * log(clipProb(z) + kEpsilon) +
                          (1.0f - y) * log(1.0f - clipProb(z) + kEpsilon)) /
                     float(classes);
    break;
  case LossKind::MeanSquared:
    perSample(n) = sum((z - y) * (z - y)) / float(classes);
    break;
  }
  // A sample with a NaN prediction has a NaN loss (Halide's log and exp turn a NaN
  // into a number), so fit's NaN stop sees it.
  Func nanPred("pred_nan");
  nanPred(n) = maximum(select(isNaN(in.pred(r, n)), 1, 0));
  Func checked("per_sample_checked");
  checked(n) = select(nanPred(n) > 0, reinterpret(Float(32), cast<uint32_t>(0x7FC00000)),
                      perSample(n));
  RDom b(0, in.pred.dim(1).extent(), "b");
  Func mean("loss");
  mean() = sum(checked(b)) / in.batch;
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    perSample.compute_root();
  }
  std::vector<ImageParam> inputs{in.pred, in.labels};
  return {"loss", inputs, mean};
}

Kernel lossGradKernel(LossKind kind, int classes, bool fromLogits, const TargetInfo &target,
                      float scale) {
  LossInputs in(kind, classes);
  Var c("c"), n("n");
  Expr z = in.pred(c, n), y = in.target(kind, c, n);
  Func grad("loss_grad");
  switch (kind) {
  case LossKind::SparseCategorical:
  case LossKind::Categorical:
    if (fromLogits) {
      // d/dz [sum_c y_c (lse - z_c)] = softmax(z) * sum(y) - y.
      Func lse = logSumExp(in.pred, classes);
      RDom r(0, classes, "r");
      Func total("label_total");
      total(n) = sum(in.target(kind, r, n));
      total.compute_root();
      grad(c, n) = scaled((exp(z - lse(n)) * total(n) - y) / in.batch, scale);
    } else {
      // d/dp [-y log(clip(p))] = -y / p inside the clip range, 0 outside.
      grad(c, n) = scaled(select(z > kEpsilon && z < 1.0f - kEpsilon, -y / z, 0.0f) / in.batch, scale);
    }
    break;
  case LossKind::Binary:
    if (fromLogits)
      grad(c, n) = scaled((1.0f / (1.0f + exp(-z)) - y) / (in.batch * float(classes)), scale);
    else
      grad(c, n) = scaled(select(z > kEpsilon && z < 1.0f - kEpsilon,
                          -y / (z + kEpsilon) + (1.0f - y) / (1.0f - z + kEpsilon), 0.0f) /
                   (in.batch * float(classes)), scale);
    break;
  case LossKind::MeanSquared:
    grad(c, n) = scaled(2.0f * (z - y) / (in.batch * float(classes)), scale);
    break;
  }
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var no("no"), ni("ni");
    grad.split(n, no, ni, 16, TailStrategy::GuardWithIf).parallel(no);
    grad.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  std::vector<ImageParam> inputs{in.pred, in.labels};
  return {"loss_grad", inputs, grad};
}

Kernel lossGradThroughActivationKernel(LossKind kind, int classes, const TargetInfo &target,
                                       float scale) {
  LossInputs in(kind, classes);
  Var c("c"), n("n");
  Expr p = in.pred(c, n), y = in.target(kind, c, n);
  Func grad("loss_grad_fused");
  if (kind == LossKind::Binary) {
    grad(c, n) = scaled((p - y) / (in.batch * float(classes)), scale);
  } else {
    RDom r(0, classes, "r");
    Func total("label_total");
    total(n) = sum(in.target(kind, r, n));
    total.compute_root();
    grad(c, n) = scaled((p * total(n) - y) / in.batch, scale);
  }
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    Var no("no"), ni("ni");
    grad.split(n, no, ni, 16, TailStrategy::GuardWithIf).parallel(no);
    grad.vectorize(c, target.vector, TailStrategy::GuardWithIf);
  }
  std::vector<ImageParam> inputs{in.pred, in.labels};
  return {"loss_grad_fused", inputs, grad};
}

Kernel lossSumKernel(const std::vector<float> &weights) {
  std::vector<ImageParam> inputs;
  Expr total = 0.0f;
  for (size_t i = 0; i < weights.size(); ++i) {
    inputs.emplace_back(Float(32), 0, "loss" + std::to_string(i));
    total += weights[i] * inputs.back()();
  }
  Func sum("loss_sum");
  sum() = total;
  return {"loss_sum", inputs, sum};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

LossKind lossKind(llvm::StringRef name) {
  return llvm::StringSwitch<LossKind>(name)
      .Case("sparse_categorical_crossentropy", LossKind::SparseCategorical)
      .Case("categorical_crossentropy", LossKind::Categorical)
      .Case("binary_crossentropy", LossKind::Binary)
      .Default(LossKind::MeanSquared);
}

template <typename LossOp> OpLowering lowerLoss(LossOp op, const TargetInfo &target) {
  LossKind kind = lossKind(op->getName().stripDialect());
  return lossCall(
      share(lossKernel(kind, (int)shapeOf(op->getOperand(0)).back(), op.getFromLogits(), target)),
      op, kind == LossKind::SparseCategorical);
}

OpLowering lowerLossGrad(nn::LossGradOp op, const TargetInfo &target) {
  LossKind kind = lossKind(op.getLoss());
  int c = (int)shapeOf(op.getPrediction()).back();
  float scale = op.getScale().convertToFloat();
  auto k = op.getThroughActivation()
               ? lossGradThroughActivationKernel(kind, c, target, scale)
               : lossGradKernel(kind, c, op.getFromLogits(), target, scale);
  return lossCall(share(std::move(k)), op, kind == LossKind::SparseCategorical);
}

OpLowering lowerLossSum(nn::LossSumOp op, const TargetInfo &) {
  std::vector<mlir::Value> tensors(op.getLosses().begin(), op.getLosses().end());
  tensors.push_back(op.getLoss());
  return kernelCall(share(lossSumKernel(op.getWeights().vec())), tensors,
                    std::vector<std::vector<int64_t>>(tensors.size()));
}

} // namespace

OpLowering lossCall(std::shared_ptr<Kernel> k, mlir::Operation *op, bool sparse) {
  mlir::Value pred = op->getOperand(0), labels = op->getOperand(1);
  std::vector<mlir::Value> t{pred, labels, op->getResult(0)};
  std::vector<std::vector<int64_t>> e{rows(pred),
                                      sparse ? std::vector<int64_t>{-1} : rows(labels)};
  auto type = llvm::cast<mlir::RankedTensorType>(op->getResult(0).getType());
  e.push_back(type.getRank() == 0 ? std::vector<int64_t>{} : rows(op->getResult(0)));
  return kernelCall(std::move(k), t, e);
}

void attachLossKernels(mlir::MLIRContext *ctx) {
  lowerWith<nn::SparseCategoricalCrossentropyOp,
            lowerLoss<nn::SparseCategoricalCrossentropyOp>>(ctx);
  lowerWith<nn::CategoricalCrossentropyOp, lowerLoss<nn::CategoricalCrossentropyOp>>(ctx);
  lowerWith<nn::BinaryCrossentropyOp, lowerLoss<nn::BinaryCrossentropyOp>>(ctx);
  lowerWith<nn::MeanSquaredErrorOp, lowerLoss<nn::MeanSquaredErrorOp>>(ctx);
  lowerWith<nn::LossGradOp, lowerLossGrad>(ctx);
  lowerWith<nn::LossSumOp, lowerLossSum>(ctx);
}

} // namespace nnc::codegen
