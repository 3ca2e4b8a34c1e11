// Conv2D: shape inference and verifier.
#include "ir/Activation.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  auto kernel = rankedType(adaptor.getKernel());
  if (!in || !kernel)
    return shapeError(loc, "Conv2D needs ranked tensor operands");
  if (in.getRank() != 4)
    return shapeError(loc, "Conv2D needs a 4-D input (batch, height, width, channels), got " +
                               kerasShape(in.getShape()));
  if (kernel.getRank() != 4)
    return shapeError(loc, "Conv2D kernel must be 4-D (height, width, in, out)");
  auto strides = adaptor.getStrides();
  auto dilation = adaptor.getDilation();
  StringRef padding = adaptor.getPadding();
  if (failed(checkPair(loc, "Conv2D strides", strides)) ||
      failed(checkPair(loc, "Conv2D dilation_rate", dilation)) ||
      failed(checkPadding(loc, padding)))
    return failure();
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1))
    return shapeError(loc, "Conv2D cannot combine strides > 1 with dilation_rate > 1");
  if (!dimsAgree(in.getDimSize(3), kernel.getDimSize(2)))
    return shapeError(loc, "Conv2D kernel expects " + llvm::Twine(kernel.getDimSize(2)) +
                               " input channels but the input " +
                               kerasShape(in.getShape()) + " has " +
                               llvm::Twine(in.getDimSize(3)));
  int64_t filters = kernel.getDimSize(3);
  if (auto bias = rankedType(adaptor.getBias()))
    if (bias.getRank() != 1 || !dimsAgree(bias.getDimSize(0), filters))
      return shapeError(loc, "Conv2D bias must have shape (" + llvm::Twine(filters) + ",)");
  bool same = padding == "same";
  SmallVector<int64_t> shape{in.getDimSize(0), 0, 0, filters};
  for (int i = 0; i < 2; ++i)
    if (failed(checkWindowSpan(loc, "Conv2D", kernel.getDimSize(i), dilation[i])))
      return failure();
  for (int i = 0; i < 2; ++i) {
    int64_t out = windowOutputSize(in.getDimSize(1 + i), kernel.getDimSize(i),
                                   strides[i], dilation[i], same);
    if (out <= 0)
      return shapeError(loc, "Conv2D kernel " + llvm::Twine(kernel.getDimSize(0)) + "x" +
                                 llvm::Twine(kernel.getDimSize(1)) +
                                 " does not fit the input " + kerasShape(in.getShape()) +
                                 " with padding \"valid\"");
    shape[1 + i] = out;
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult Conv2DOp::verify() {
  if (!isKnownActivation(getActivation()))
    return emitOpError("unknown activation \"") << getActivation() << "\"";
  return success();
}

} // namespace nnc::nn
