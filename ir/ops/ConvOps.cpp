// Conv2D, grouped Conv2D and DepthwiseConv2D: shape inference, verifiers, and the
// gradients of the last two (Conv2D's is in ir/grad/DenseConvGrad.cpp).
#include "ir/Activation.h"
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"
#include "ir/grad/GradUtils.h"

using namespace mlir;

namespace nnc::nn {

namespace {

/// The output type of a window sweep of `kernel` (kh, kw, ., .) over `in`, with
/// `channels` output channels; `layer` names the Keras class in errors.
LogicalResult inferWindowed(std::optional<Location> loc, StringRef layer, RankedTensorType in,
                            RankedTensorType kernel, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilation, StringRef padding, int64_t channels,
                            SmallVectorImpl<Type> &inferred) {
  std::string name = layer.str();
  if (failed(checkPair(loc, name + " strides", strides)) ||
      failed(checkPair(loc, name + " dilation_rate", dilation)) ||
      failed(checkPadding(loc, padding)))
    return failure();
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1))
    return shapeError(loc, name + " cannot combine strides > 1 with dilation_rate > 1");
  bool same = padding == "same";
  SmallVector<int64_t> shape{in.getDimSize(0), 0, 0, channels};
  for (int i = 0; i < 2; ++i)
    if (failed(checkWindowSpan(loc, name, kernel.getDimSize(i), dilation[i])))
      return failure();
  for (int i = 0; i < 2; ++i) {
    int64_t out = windowOutputSize(in.getDimSize(1 + i), kernel.getDimSize(i),
                                   strides[i], dilation[i], same);
    if (out <= 0)
      return shapeError(loc, name + " kernel " + llvm::Twine(kernel.getDimSize(0)) + "x" +
                                 llvm::Twine(kernel.getDimSize(1)) +
                                 " does not fit the input " + kerasShape(in.getShape()) +
                                 " with padding \"valid\"");
    shape[1 + i] = out;
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

/// Ranks of a convolution's input (4-D) and kernel (4-D).
LogicalResult checkRanks(std::optional<Location> loc, StringRef layer, RankedTensorType in,
                         RankedTensorType kernel) {
  if (!in || !kernel)
    return shapeError(loc, layer + " needs ranked tensor operands");
  if (in.getRank() != 4)
    return shapeError(loc, layer + " needs a 4-D input (batch, height, width, channels), got " +
                               kerasShape(in.getShape()));
  if (kernel.getRank() != 4)
    return shapeError(loc, layer + " kernel must be 4-D (height, width, in, out)");
  return success();
}

LogicalResult checkBias(std::optional<Location> loc, StringRef layer, Value biasValue,
                        int64_t channels) {
  if (auto bias = rankedType(biasValue))
    if (bias.getRank() != 1 || !dimsAgree(bias.getDimSize(0), channels))
      return shapeError(loc, layer + " bias must have shape (" + llvm::Twine(channels) + ",)");
  return success();
}

} // namespace

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  auto kernel = rankedType(adaptor.getKernel());
  if (failed(checkRanks(loc, "Conv2D", in, kernel)))
    return failure();
  if (!dimsAgree(in.getDimSize(3), kernel.getDimSize(2)))
    return shapeError(loc, "Conv2D kernel expects " + llvm::Twine(kernel.getDimSize(2)) +
                               " input channels but the input " +
                               kerasShape(in.getShape()) + " has " +
                               llvm::Twine(in.getDimSize(3)));
  int64_t filters = kernel.getDimSize(3);
  if (failed(checkBias(loc, "Conv2D", adaptor.getBias(), filters)))
    return failure();
  return inferWindowed(loc, "Conv2D", in, kernel, adaptor.getStrides(), adaptor.getDilation(),
                       adaptor.getPadding(), filters, inferred);
}

LogicalResult Conv2DOp::verify() {
  if (!isKnownActivation(getActivation()))
    return emitOpError("unknown activation \"") << getActivation() << "\"";
  return success();
}

LogicalResult DepthwiseConv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  auto kernel = rankedType(adaptor.getKernel());
  if (failed(checkRanks(loc, "DepthwiseConv2D", in, kernel)))
    return failure();
  if (!dimsAgree(in.getDimSize(3), kernel.getDimSize(2)))
    return shapeError(loc, "DepthwiseConv2D kernel expects " +
                               llvm::Twine(kernel.getDimSize(2)) + " input channels but the input " +
                               kerasShape(in.getShape()) + " has " +
                               llvm::Twine(in.getDimSize(3)));
  int64_t channels = kernel.getDimSize(2) * kernel.getDimSize(3);
  if (failed(checkBias(loc, "DepthwiseConv2D", adaptor.getBias(), channels)))
    return failure();
  return inferWindowed(loc, "DepthwiseConv2D", in, kernel, adaptor.getStrides(),
                       adaptor.getDilation(), adaptor.getPadding(), channels, inferred);
}

LogicalResult DepthwiseConv2DOp::verify() {
  if (!isKnownActivation(getActivation()))
    return emitOpError("unknown activation \"") << getActivation() << "\"";
  return success();
}

LogicalResult DepthwiseConv2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Location loc = getLoc();
  return layerGradient(
      *this, b, s,
      [&](Value dz) {
        return b.create<DepthwiseConv2DGradInputOp>(loc, getInput().getType(), dz, getKernel(),
                                                    getStrides(), getDilation(), getPadding());
      },
      [&](Value dz) {
        return b.create<DepthwiseConv2DGradKernelOp>(loc, getKernel().getType(), getInput(), dz,
                                                     getStrides(), getDilation(), getPadding());
      });
}

LogicalResult GroupedConv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  auto kernel = rankedType(adaptor.getKernel());
  if (failed(checkRanks(loc, "Conv2D", in, kernel)))
    return failure();
  int64_t groups = adaptor.getGroups(), channels = in.getDimSize(3);
  int64_t filters = kernel.getDimSize(3);
  if (groups < 1 || ShapedType::isDynamic(channels) || channels % groups != 0 ||
      filters % groups != 0)
    return shapeError(loc, "Conv2D groups=" + llvm::Twine(groups) + " must divide the input's " +
                               llvm::Twine(channels) + " channels and the " +
                               llvm::Twine(filters) + " filters");
  if (!dimsAgree(channels / groups, kernel.getDimSize(2)))
    return shapeError(loc, "Conv2D kernel expects " + llvm::Twine(kernel.getDimSize(2)) +
                               " input channels per group but the input " +
                               kerasShape(in.getShape()) + " has " + llvm::Twine(channels) +
                               " in " + llvm::Twine(groups) + " groups");
  if (failed(checkBias(loc, "Conv2D", adaptor.getBias(), filters)))
    return failure();
  return inferWindowed(loc, "Conv2D", in, kernel, adaptor.getStrides(), adaptor.getDilation(),
                       adaptor.getPadding(), filters, inferred);
}

LogicalResult GroupedConv2DOp::verify() {
  if (!isKnownActivation(getActivation()))
    return emitOpError("unknown activation \"") << getActivation() << "\"";
  return success();
}

LogicalResult GroupedConv2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Location loc = getLoc();
  return layerGradient(
      *this, b, s,
      [&](Value dz) {
        return b.create<GroupedConv2DGradInputOp>(loc, getInput().getType(), dz, getKernel(),
                                                  getGroups(), getStrides(), getDilation(),
                                                  getPadding());
      },
      [&](Value dz) {
        return b.create<GroupedConv2DGradKernelOp>(loc, getKernel().getType(), getInput(), dz,
                                                   getGroups(), getStrides(), getDilation(),
                                                   getPadding());
      });
}

} // namespace nnc::nn
