// Lowering of the training ops: gradients, batch statistics, Dropout masks, losses,
// metrics and optimizer updates, each to one Halide kernel.
#include "codegen/OpKernelUtil.h"

#include "codegen/kernels/Dense.h"
#include "codegen/kernels/Elementwise.h"
#include "codegen/kernels/Loss.h"
#include "codegen/kernels/Metric.h"
#include "codegen/kernels/Fused.h"
#include "codegen/kernels/Norm.h"
#include "codegen/kernels/Optimizer.h"
#include "ir/NNOps.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace nnc::codegen {

namespace {

using Extents = std::vector<std::vector<int64_t>>;

/// A kernel over same-shaped elementwise tensors in the (c, m) view.
OpLowering rowsCall(std::shared_ptr<Kernel> k, Operation *op) {
  std::vector<Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  Extents e;
  for (Value v : t)
    e.push_back(rows(v));
  return kernelCall(std::move(k), t, e);
}

/// Every tensor flat (variables and per-channel values), the counter as 2 values.
OpLowering flatCall(std::shared_ptr<Kernel> k, Operation *op) {
  std::vector<Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  Extents e;
  for (Value v : t)
    e.push_back({count(v)});
  return kernelCall(std::move(k), t, e);
}

LossKind lossKind(StringRef name) {
  return llvm::StringSwitch<LossKind>(name)
      .Case("sparse_categorical_crossentropy", LossKind::SparseCategorical)
      .Case("categorical_crossentropy", LossKind::Categorical)
      .Case("binary_crossentropy", LossKind::Binary)
      .Default(LossKind::MeanSquared);
}

/// Prediction (c, n), labels (n) or (c, n), then the results.
OpLowering lossCall(std::shared_ptr<Kernel> k, Operation *op, bool sparse) {
  Value pred = op->getOperand(0), labels = op->getOperand(1);
  std::vector<Value> t{pred, labels, op->getResult(0)};
  Extents e{rows(pred), sparse ? std::vector<int64_t>{-1} : rows(labels)};
  auto type = llvm::cast<RankedTensorType>(op->getResult(0).getType());
  e.push_back(type.getRank() == 0 ? std::vector<int64_t>{} : rows(op->getResult(0)));
  return kernelCall(std::move(k), t, e);
}

int classes(Value pred) { return (int)shapeOf(pred).back(); }

OpLowering lowerLoss(Operation *op) {
  LossKind kind = lossKind(op->getName().stripDialect());
  bool fromLogits = op->getAttrOfType<BoolAttr>("from_logits").getValue();
  return lossCall(share(lossKernel(kind, classes(op->getOperand(0)), fromLogits)), op,
                  kind == LossKind::SparseCategorical);
}

OpLowering lowerLossGrad(nn::LossGradOp op) {
  LossKind kind = lossKind(op.getLoss());
  int c = classes(op.getPrediction());
  auto k = op.getThroughActivation() ? lossGradThroughActivationKernel(kind, c)
                                     : lossGradKernel(kind, c, op.getFromLogits());
  return lossCall(share(std::move(k)), op, kind == LossKind::SparseCategorical);
}

OpLowering lowerMetric(nn::MetricOp op) {
  auto kind = llvm::StringSwitch<MetricKind>(op.getName())
                  .Case("sparse_categorical_accuracy", MetricKind::SparseAccuracy)
                  .Case("categorical_accuracy", MetricKind::CategoricalAccuracy)
                  .Case("binary_accuracy", MetricKind::BinaryAccuracy)
                  .Case("mean_squared_error", MetricKind::MeanSquared)
                  .Default(MetricKind::MeanAbsolute);
  return lossCall(share(metricKernel(kind, classes(op.getPrediction()))), op,
                  kind == MetricKind::SparseAccuracy);
}

OpLowering lowerDenseGradInput(nn::DenseGradInputOp op) {
  auto ks = shapeOf(op.getKernel());
  return kernelCall(share(denseBackwardDataKernel((int)ks[0], (int)ks[1])),
                    {op.getPreGrad(), op.getKernel(), op.getGrad()},
                    {rows(op.getPreGrad()), {ks[1], ks[0]}, rows(op.getGrad())});
}

/// dX in the (features, m) view whatever the activation output's shape (a Flatten's
/// reshape between them keeps the per-sample count).
OpLowering lowerDenseGradInputActivation(nn::DenseGradInputActivationOp op) {
  auto ks = shapeOf(op.getKernel());
  int64_t perSample = 1;
  for (int64_t d : shapeOf(op.getOutput()).drop_front())
    perSample *= d;
  std::vector<int64_t> view{ks[0], -(perSample / ks[0])};
  return kernelCall(share(denseBackwardDataKernel((int)ks[0], (int)ks[1],
                                                  activationOf(op.getActivation(), op.getAlpha()))),
                    {op.getPreGrad(), op.getKernel(), op.getOutput(), op.getInputGrad()},
                    {rows(op.getPreGrad()), {ks[1], ks[0]}, view, view});
}

OpLowering lowerDenseGradKernel(nn::DenseGradKernelOp op) {
  auto ks = shapeOf(op.getGrad());
  return kernelCall(share(denseBackwardWeightsKernel((int)ks[0], (int)ks[1])),
                    {op.getInput(), op.getPreGrad(), op.getGrad()},
                    {rows(op.getInput()), rows(op.getPreGrad()), {ks[1], ks[0]}});
}

OpLowering lowerBiasGrad(nn::BiasGradOp op) {
  auto e = rows(op.getPreGrad());
  return kernelCall(share(channelSumKernel((int)e[0])), {op.getPreGrad(), op.getGrad()},
                    {e, {e[0]}});
}

OpLowering lowerConvGradInput(nn::Conv2DGradInputOp op) {
  ConvShape s = convShape(op.getGrad(), op.getKernel(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  return kernelCall(share(conv2dBackwardDataKernel(s)), {op.getPreGrad(), op.getKernel(), op.getGrad()},
                    {full(op.getPreGrad()), full(op.getKernel()), full(op.getGrad())});
}

OpLowering lowerConvGradKernel(nn::Conv2DGradKernelOp op) {
  ConvShape s = convShape(op.getInput(), op.getGrad(), op.getStrides(), op.getDilation(),
                          op.getPadding());
  return kernelCall(share(conv2dBackwardWeightsKernel(s)),
                    {op.getInput(), op.getPreGrad(), op.getGrad()},
                    {full(op.getInput()), full(op.getPreGrad()), full(op.getGrad())});
}

OpLowering lowerMaxPoolGrad(nn::MaxPool2DGradOp op) {
  PoolShape s = poolShape(op.getInput(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return kernelCall(share(maxPool2dBackwardKernel(s)),
                    {op.getInput(), op.getOutputGrad(), op.getGrad()},
                    {full(op.getInput()), full(op.getOutputGrad()), full(op.getGrad())});
}

OpLowering lowerAvgPoolGrad(nn::AvgPool2DGradOp op) {
  PoolShape s = poolShape(op.getGrad(), op.getPoolSize(), op.getStrides(), op.getPadding());
  return kernelCall(share(avgPool2dBackwardKernel(s)), {op.getOutputGrad(), op.getGrad()},
                    {full(op.getOutputGrad()), full(op.getGrad())});
}

OpLowering lowerGlobalPoolGrad(nn::GlobalAvgPool2DGradOp op) {
  auto in = shapeOf(op.getGrad());
  return kernelCall(share(globalAvgPool2dBackwardKernel((int)in[1], (int)in[2], (int)in[3])),
                    {op.getOutputGrad(), op.getGrad()}, {{in[3], -1}, full(op.getGrad())});
}

OpLowering lowerSlice(nn::SliceOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  int64_t axis = (int64_t)op.getAxis(), inner = 1, outer = 1;
  for (int64_t d = axis + 1; d < (int64_t)in.size(); ++d)
    inner *= in[d];
  for (int64_t d = 1; d < axis; ++d)
    outer *= in[d];
  int64_t length = shapeOf(op.getGrad())[axis];
  return kernelCall(share(concatenateSliceKernel((int)inner, (int)op.getOffset(), (int)length,
                                                 (int)in[axis])),
                    {op.getInput(), op.getGrad()},
                    {{inner, in[axis], -outer}, {inner, length, -outer}});
}

template <typename DropoutLike> OpLowering lowerDropout(DropoutLike op, bool backward) {
  Value x = op->getOperand(0), y = op->getResult(0);
  auto e = rows(x);
  float rate = op.getRate().convertToFloat();
  auto salt = (uint32_t)op.getSalt();
  auto k = backward ? dropoutBackwardKernel((int)e[0], rate, salt)
                    : dropoutKernel((int)e[0], rate, salt);
  OpLowering l = kernelCall(share(std::move(k)), {x, op.getCounter(), y}, {e, {2}, e});
  l.inPlace = 0;
  return l;
}

OpLowering lowerStats(nn::BatchNormStatsOp op) {
  auto e = rows(op.getInput());
  return kernelCall(share(batchNormStatsKernel((int)e[0], op.getUnbiasedMoving())),
                    {op.getInput(), op.getMean(), op.getVariance(), op.getMovingSample()},
                    {e, {e[0]}, {e[0]}, {e[0]}});
}

OpLowering lowerBatchNormGrad(Operation *op, Kernel k) {
  std::vector<Value> t(op->operand_begin(), op->operand_end());
  t.insert(t.end(), op->result_begin(), op->result_end());
  Extents e;
  for (Value v : t) // x, dy and dx in the (c, m) view; per-channel values flat
    e.push_back(llvm::cast<RankedTensorType>(v.getType()).isDynamicDim(0) ? rows(v)
                                                                          : std::vector<int64_t>{count(v)});
  return kernelCall(share(std::move(k)), t, e);
}

} // namespace

FailureOr<OpLowering> lowerTrainingOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, FailureOr<OpLowering>>(op)
      .Case<nn::SparseCategoricalCrossentropyOp, nn::CategoricalCrossentropyOp,
            nn::BinaryCrossentropyOp, nn::MeanSquaredErrorOp>([](Operation *o) { return lowerLoss(o); })
      .Case([](nn::LossGradOp o) { return lowerLossGrad(o); })
      .Case([](nn::MetricOp o) { return lowerMetric(o); })
      .Case([](nn::ActivationGradOp o) {
        auto e = rows(o.getOutput());
        OpLowering l = rowsCall(
            share(activationBackwardKernel((int)e[0], activationOf(o.getKind(), o.getAlpha()))), o);
        l.inPlace = o.getKind() == "softmax" ? -1 : 1; // into dY; softmax reads the row
        return l;
      })
      .Case([](nn::DenseGradInputOp o) { return lowerDenseGradInput(o); })
      .Case([](nn::DenseGradKernelOp o) { return lowerDenseGradKernel(o); })
      .Case([](nn::DenseGradInputActivationOp o) { return lowerDenseGradInputActivation(o); })
      .Case([](nn::BiasGradOp o) { return lowerBiasGrad(o); })
      .Case([](nn::Conv2DGradInputOp o) { return lowerConvGradInput(o); })
      .Case([](nn::Conv2DGradKernelOp o) { return lowerConvGradKernel(o); })
      .Case([](nn::MaxPool2DGradOp o) { return lowerMaxPoolGrad(o); })
      .Case([](nn::AvgPool2DGradOp o) { return lowerAvgPoolGrad(o); })
      .Case([](nn::GlobalAvgPool2DGradOp o) { return lowerGlobalPoolGrad(o); })
      .Case([](nn::SliceOp o) { return lowerSlice(o); })
      .Case([](nn::DropoutTrainOp o) { return lowerDropout(o, false); })
      .Case([](nn::DropoutGradOp o) { return lowerDropout(o, true); })
      .Case([](nn::DropoutActivationGradOp o) {
        auto e = rows(o.getOutput());
        OpLowering l = kernelCall(
            share(dropoutActivationBackwardKernel((int)e[0], o.getRate().convertToFloat(),
                                                  (uint32_t)o.getSalt(),
                                                  activationOf(o.getActivation(), o.getAlpha()))),
            {o.getOutput(), o.getOutputGrad(), o.getCounter(), o.getInputGrad()}, {e, e, {2}, e});
        l.inPlace = 1; // into dy
        return l;
      })
      .Case([](nn::BatchNormStatsOp o) { return lowerStats(o); })
      .Case([](nn::MovingAverageOp o) {
        return flatCall(share(movingAverageKernel((int)count(o.getMean()),
                                                  o.getMomentum().convertToFloat())),
                        o);
      })
      .Case([](nn::BatchNormParamGradOp o) {
        return lowerBatchNormGrad(o, batchNormParamGradKernel((int)count(o.getMean()),
                                                              o.getEpsilon().convertToFloat()));
      })
      .Case([](nn::BatchNormInputGradOp o) {
        OpLowering l = lowerBatchNormGrad(
            o, batchNormBackwardDataKernel((int)count(o.getMean()), o.getEpsilon().convertToFloat()));
        l.inPlace = 1; // into dy: pointwise given the per-channel sums
        return l;
      })
      .Case([](nn::BNActivationGradOp o) {
        OpLowering l = lowerBatchNormGrad(
            o, bnActivationBackwardKernel((int)count(o.getMean()),
                                          o.getEpsilon().convertToFloat(),
                                          activationOf(o.getActivation(), o.getAlpha())));
        l.inPlace = 2; // into dy: the per-channel sums are computed first
        return l;
      })
      .Case([](nn::SGDUpdateOp o) {
        return flatCall(share(sgdKernel(o.getLearningRate().convertToFloat(),
                                        o.getMomentum().convertToFloat(), o.getNesterov())),
                        o);
      })
      .Case([](nn::AdamUpdateOp o) {
        return flatCall(share(adamKernel(o.getLearningRate().convertToFloat(),
                                         o.getBeta_1().convertToFloat(),
                                         o.getBeta_2().convertToFloat(),
                                         o.getEpsilon().convertToFloat())),
                        o);
      })
      .Case([](nn::RMSpropUpdateOp o) {
        return flatCall(share(rmspropKernel(o.getLearningRate().convertToFloat(),
                                            o.getRho().convertToFloat(),
                                            o.getMomentum().convertToFloat(),
                                            o.getEpsilon().convertToFloat())),
                        o);
      })
      .Default([](Operation *o) -> FailureOr<OpLowering> {
        return mlir::emitError(o->getLoc(), "the code generator does not handle ") << o->getName();
      });
}

} // namespace nnc::codegen
