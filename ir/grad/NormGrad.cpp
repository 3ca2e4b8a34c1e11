// Gradient of BatchNormalization. In training the autodiff pass feeds the op the
// batch statistics (nn.batch_norm_stats); then dx accounts for their dependence on
// x. A BatchNormalization in inference mode (a frozen layer, Keras's fine-tuning with
// frozen BatchNormalization) is a per-channel affine map of x: dx = dy * gamma /
// sqrt(moving_variance + epsilon), and its frozen parameters take no gradient.
#include "ir/grad/GradUtils.h"

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

} // namespace nnc::nn
