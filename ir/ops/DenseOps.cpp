// Dense: shape inference and verifier.
#include "ir/Activation.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  auto kernel = rankedType(adaptor.getKernel());
  if (!in || !kernel)
    return shapeError(loc, "Dense needs ranked tensor operands");
  if (in.getRank() < 2)
    return shapeError(loc, "Dense needs an input of rank >= 2 (batch, features), got " +
                               kerasShape(in.getShape()));
  if (kernel.getRank() != 2)
    return shapeError(loc, "Dense kernel must be 2-D (inputs, units)");
  int64_t features = in.getShape().back();
  if (!dimsAgree(features, kernel.getDimSize(0)))
    return shapeError(loc, "Dense kernel expects " + llvm::Twine(kernel.getDimSize(0)) +
                               " input features but the input " +
                               kerasShape(in.getShape()) + " has " +
                               llvm::Twine(features));
  int64_t units = kernel.getDimSize(1);
  if (auto bias = rankedType(adaptor.getBias()))
    if (bias.getRank() != 1 || !dimsAgree(bias.getDimSize(0), units))
      return shapeError(loc, "Dense bias must have shape (" + llvm::Twine(units) + ",)");
  SmallVector<int64_t> shape(in.getShape());
  shape.back() = units;
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult DenseOp::verify() {
  if (!isKnownActivation(getActivation()))
    return emitOpError("unknown activation \"") << getActivation() << "\"";
  return success();
}

} // namespace nnc::nn
