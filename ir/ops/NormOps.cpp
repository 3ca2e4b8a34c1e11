// BatchNormalization: shape inference and verifier.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() < 2)
    return shapeError(loc, "BatchNormalization needs an input of rank >= 2");
  int64_t channels = in.getShape().back();
  const std::pair<const char *, Value> params[] = {
      {"gamma", adaptor.getGamma()},
      {"beta", adaptor.getBeta()},
      {"moving_mean", adaptor.getMovingMean()},
      {"moving_variance", adaptor.getMovingVariance()}};
  for (auto [name, value] : params) {
    auto t = rankedType(value);
    if (!t || t.getRank() != 1 || !dimsAgree(t.getDimSize(0), channels))
      return shapeError(loc, llvm::Twine("BatchNormalization ") + name +
                                 " must have shape (" + llvm::Twine(channels) + ",)");
  }
  inferred.push_back(in);
  return success();
}

LogicalResult BatchNormOp::verify() {
  float momentum = getMomentum().convertToFloat();
  float epsilon = getEpsilon().convertToFloat();
  if (!(momentum >= 0.0f && momentum <= 1.0f))
    return emitOpError("momentum must be in [0, 1], got ") << momentum;
  if (!(epsilon > 0.0f))
    return emitOpError("epsilon must be positive, got ") << epsilon;
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() < 2 || in.isDynamicDim(in.getRank() - 1))
    return shapeError(loc, "LayerNormalization needs an input of rank >= 2 with a known "
                           "last dimension");
  int64_t channels = in.getShape().back();
  for (auto [name, value] : {std::pair<const char *, Value>{"gamma", adaptor.getGamma()},
                             {"beta", adaptor.getBeta()}}) {
    auto t = rankedType(value);
    if (!t || t.getRank() != 1 || !dimsAgree(t.getDimSize(0), channels))
      return shapeError(loc, llvm::Twine("LayerNormalization ") + name + " must have shape (" +
                                 llvm::Twine(channels) + ",)");
  }
  inferred.push_back(in);
  return success();
}

LogicalResult LayerNormOp::verify() {
  if (!(getEpsilon().convertToFloat() > 0.0f))
    return emitOpError("epsilon must be positive, got ") << getEpsilon().convertToFloat();
  return success();
}

LogicalResult LayerNormOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy || !(s.needsGradient(getInput()) || s.needsGradient(getGamma()) ||
               s.needsGradient(getBeta())))
    return success();
  auto grads = b.create<LayerNormGradOp>(
      getLoc(), TypeRange{getInput().getType(), getGamma().getType(), getBeta().getType()},
      getInput(), dy, getGamma(), getEpsilonAttr());
  for (auto [value, grad] : {std::pair<Value, Value>{getInput(), grads.getInputGrad()},
                             {getGamma(), grads.getGammaGrad()},
                             {getBeta(), grads.getBetaGrad()}})
    if (s.needsGradient(value))
      s.accumulate(b, value, grad);
  return success();
}

} // namespace nnc::nn
