// Pooling: shape inference for windowed and global pooling.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

using namespace mlir;

namespace nnc::nn {

/// Shared by max and average pooling: same attributes, same output shape.
template <typename AdaptorT>
static LogicalResult inferPool2D(StringRef layer, std::optional<Location> loc,
                                 AdaptorT adaptor, SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() != 4)
    return shapeError(loc, layer + " needs a 4-D input (batch, height, width, channels)" +
                               (in ? ", got " + kerasShape(in.getShape()) : std::string()));
  auto pool = adaptor.getPoolSize();
  auto strides = adaptor.getStrides();
  StringRef padding = adaptor.getPadding();
  if (failed(checkPair(loc, (layer + " pool_size").str(), pool)) ||
      failed(checkPair(loc, (layer + " strides").str(), strides)) ||
      failed(checkPadding(loc, padding)))
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  for (int i = 0; i < 2; ++i) {
    int64_t out = windowOutputSize(in.getDimSize(1 + i), pool[i], strides[i], 1,
                                   padding == "same");
    if (out <= 0)
      return shapeError(loc, layer + " window " + llvm::Twine(pool[0]) + "x" +
                                 llvm::Twine(pool[1]) + " does not fit the input " +
                                 kerasShape(in.getShape()) + " with padding \"valid\"");
    shape[1 + i] = out;
  }
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool2D("MaxPooling2D", loc, adaptor, inferred);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  return inferPool2D("AveragePooling2D", loc, adaptor, inferred);
}

LogicalResult GlobalAvgPool2DOp::inferReturnTypes(MLIRContext *,
                                                  std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(adaptor.getInput());
  if (!in || in.getRank() != 4)
    return shapeError(loc, "GlobalAveragePooling2D needs a 4-D input (batch, height, "
                           "width, channels)" +
                               (in ? ", got " + kerasShape(in.getShape()) : std::string()));
  int64_t n = in.getDimSize(0), c = in.getDimSize(3);
  SmallVector<int64_t> shape = adaptor.getKeepdims() ? SmallVector<int64_t>{n, 1, 1, c}
                                                     : SmallVector<int64_t>{n, c};
  inferred.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

} // namespace nnc::nn
