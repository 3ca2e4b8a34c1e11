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

} // namespace nnc::nn
