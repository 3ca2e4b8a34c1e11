// Gradient of BatchNormalization. In training the autodiff pass feeds the op the
// batch statistics (nn.batch_norm_stats); then dx accounts for their dependence on
// x. A BatchNormalization in inference mode (a frozen layer, Keras's fine-tuning with
// frozen BatchNormalization) is a per-channel affine map of x: dx = dy * gamma /
// sqrt(moving_variance + epsilon), and its frozen parameters take no gradient.
#include "ir/grad/GradUtils.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult BatchNormOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy)
    return success();
  bool wantX = s.needsGradient(getInput());
  bool wantParams = s.needsGradient(getGamma()) || s.needsGradient(getBeta());
  if (!wantX && !wantParams)
    return success();
  auto stats = getMovingMean().getDefiningOp<BatchNormStatsOp>();
  if (!stats || stats.getInput() != getInput()) {
    if (wantParams)
      return emitOpError("a BatchNormalization in inference mode cannot train gamma or beta");
    s.accumulate(b, getInput(),
                 b.create<BatchNormFrozenGradOp>(getLoc(), getInput().getType(), dy, getGamma(),
                                                 getMovingVariance(), getEpsilon()));
    return success();
  }
  Location loc = getLoc();
  Type paramType = getGamma().getType();
  auto params = b.create<BatchNormParamGradOp>(loc, TypeRange{paramType, paramType}, getInput(),
                                               dy, getMovingMean(), getMovingVariance(),
                                               getEpsilon());
  if (s.needsGradient(getGamma()))
    s.accumulate(b, getGamma(), params.getGammaGrad());
  if (s.needsGradient(getBeta()))
    s.accumulate(b, getBeta(), params.getBetaGrad());
  if (wantX)
    s.accumulate(b, getInput(),
                 b.create<BatchNormInputGradOp>(loc, getInput().getType(), getInput(), dy,
                                                getGamma(), getMovingMean(), getMovingVariance(),
                                                params.getGammaGrad(), params.getBetaGrad(),
                                                getEpsilon()));
  return success();
}

/// Training: a trainable BatchNormalization normalises with the batch's statistics
/// and updates its moving ones (Keras's fused path: the moving variance takes the
/// unbiased batch variance of a feature map); a frozen one keeps its inference form.
Value BatchNormOp::buildTrainingForm(OpBuilder &b, IRMapping &map, TrainingContext &context) {
  StringAttr gamma = context.variableOf(getGamma());
  StringAttr mean = context.variableOf(getMovingMean());
  StringAttr variance = context.variableOf(getMovingVariance());
  if (!gamma || !context.isTrainable(gamma) || !mean || !variance)
    return Value();
  Location loc = getLoc();
  Value x = map.lookup(getInput());
  Type c = getGamma().getType();
  bool unbiased = llvm::cast<RankedTensorType>(x.getType()).getRank() == 4;
  auto stats = b.create<BatchNormStatsOp>(loc, TypeRange{c, c, c}, x, unbiased);
  auto y = b.create<BatchNormOp>(loc, x, map.lookup(getGamma()), map.lookup(getBeta()),
                                 stats.getMean(), stats.getVariance(), getMomentum(),
                                 getEpsilon(), getLayerAttr());
  auto moving = b.create<MovingAverageOp>(
      loc, TypeRange{c, c}, map.lookup(getMovingMean()), map.lookup(getMovingVariance()),
      stats.getMean(), stats.getMovingSample(), getMomentum());
  context.assign(mean, moving.getNewMean());
  context.assign(variance, moving.getNewVariance());
  return y;
}

} // namespace nnc::nn
