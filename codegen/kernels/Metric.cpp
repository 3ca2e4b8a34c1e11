// Metrics: batch means of per-sample scores.
#include "codegen/kernels/Metric.h"
#include "codegen/OpKernelUtil.h"
#include "ir/NNOps.h"
#include "llvm/ADT/StringSwitch.h"

using namespace Halide;

namespace nnc::codegen {

/// The index of the first maximum of f(r, n) over r.
static Expr firstArgmax(const Func &f, int classes, Expr n, const char *name) {
  RDom r(0, classes, name);
  return argmax(f(r, n))[0];
}

Kernel metricKernel(MetricKind kind, int classes, const TargetInfo &target) {
  bool sparse = kind == MetricKind::SparseAccuracy;
  ImageParam pred(Float(32), 2, "prediction"), labels(Float(32), sparse ? 1 : 2, "labels");
  pred.dim(0).set_bounds(0, classes);
  if (!sparse)
    labels.dim(0).set_bounds(0, classes);
  Var n("n");
  Func p("p"), y("y");
  Var c("c");
  p(c, n) = pred(c, n);
  if (!sparse)
    y(c, n) = labels(c, n);
  // ---- algorithm ----
  Func score("score");
  RDom r(0, classes, "r");
  switch (kind) {
  case MetricKind::SparseAccuracy:
    score(n) = select(firstArgmax(p, classes, n, "rp") == cast<int>(labels(n)), 1.0f, 0.0f);
    break;
  case MetricKind::CategoricalAccuracy:
    score(n) = select(firstArgmax(p, classes, n, "rp") == firstArgmax(y, classes, n, "ry"),
                      1.0f, 0.0f);
    break;
  case MetricKind::BinaryAccuracy:
    score(n) = sum(select((pred(r, n) > 0.5f) == (labels(r, n) > 0.5f), 1.0f, 0.0f)) /
               float(classes);
    break;
  case MetricKind::MeanSquared:
    score(n) = sum((pred(r, n) - labels(r, n)) * (pred(r, n) - labels(r, n))) / float(classes);
    break;
  case MetricKind::MeanAbsolute:
    score(n) = sum(abs(pred(r, n) - labels(r, n))) / float(classes);
    break;
  }
  RDom b(0, pred.dim(1).extent(), "b");
  Func mean("metric");
  mean() = sum(score(b)) / cast<float>(pred.dim(1).extent());
  // ---- schedule (CPU) ----
  if (!target.gpu) {
    score.compute_root();
  }
  return {"metric", {pred, labels}, mean};
}

} // namespace nnc::codegen

// ---- The family's ops (KernelOpInterface) ------------------------------------

namespace nnc::codegen {

namespace {

OpLowering lowerMetric(nn::MetricOp op, const TargetInfo &target) {
  auto kind = llvm::StringSwitch<MetricKind>(op.getName())
                  .Case("sparse_categorical_accuracy", MetricKind::SparseAccuracy)
                  .Case("categorical_accuracy", MetricKind::CategoricalAccuracy)
                  .Case("binary_accuracy", MetricKind::BinaryAccuracy)
                  .Case("mean_squared_error", MetricKind::MeanSquared)
                  .Default(MetricKind::MeanAbsolute);
  return lossCall(share(metricKernel(kind, (int)shapeOf(op.getPrediction()).back(), target)), op,
                  kind == MetricKind::SparseAccuracy);
}

} // namespace

void attachMetricKernels(mlir::MLIRContext *ctx) { lowerWith<nn::MetricOp, lowerMetric>(ctx); }

} // namespace nnc::codegen
