// Pooling and spatial resampling: shape inference, and the resampling layers' gradients
// (pooling's are in ir/grad/PoolShapeGrad.cpp).
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"
#include "ir/grad/GradUtils.h"

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

/// The image input of a spatial layer, or an error naming `layer`.
static RankedTensorType imageInput(StringRef layer, std::optional<Location> loc, Value input) {
  auto in = rankedType(input);
  if (!in || in.getRank() != 4) {
    (void)shapeError(loc, layer + " needs a 4-D input (batch, height, width, channels)" +
                              (in ? ", got " + kerasShape(in.getShape()) : std::string()));
    return nullptr;
  }
  return in;
}

/// The image `in` with `rows` and `columns` added to its height and width.
static LogicalResult resized(StringRef layer, std::optional<Location> loc, RankedTensorType in,
                             int64_t height, int64_t width, SmallVectorImpl<Type> &inferred) {
  if (height <= 0 || width <= 0)
    return shapeError(loc, layer + " leaves no pixel of the input " + kerasShape(in.getShape()) +
                               " (output " + llvm::Twine(height) + "x" + llvm::Twine(width) +
                               ")");
  inferred.push_back(RankedTensorType::get({in.getDimSize(0), height, width, in.getDimSize(3)},
                                           in.getElementType()));
  return success();
}

/// (top, bottom, left, right), each >= 0.
static LogicalResult checkSides(StringRef layer, std::optional<Location> loc,
                                ArrayRef<int64_t> sides) {
  if (sides.size() != 4 || llvm::any_of(sides, [](int64_t v) { return v < 0; }))
    return shapeError(loc, layer + " needs 4 amounts >= 0 (top, bottom, left, right)");
  return success();
}

LogicalResult ZeroPadding2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &inferred) {
  auto in = imageInput("ZeroPadding2D", loc, adaptor.getInput());
  ArrayRef<int64_t> p = adaptor.getSides();
  if (!in || failed(checkSides("ZeroPadding2D", loc, p)))
    return failure();
  return resized("ZeroPadding2D", loc, in, in.getDimSize(1) + p[0] + p[1],
                 in.getDimSize(2) + p[2] + p[3], inferred);
}

LogicalResult Cropping2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto in = imageInput("Cropping2D", loc, adaptor.getInput());
  ArrayRef<int64_t> c = adaptor.getSides();
  if (!in || failed(checkSides("Cropping2D", loc, c)))
    return failure();
  return resized("Cropping2D", loc, in, in.getDimSize(1) - c[0] - c[1],
                 in.getDimSize(2) - c[2] - c[3], inferred);
}

LogicalResult UpSampling2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &inferred) {
  auto in = imageInput("UpSampling2D", loc, adaptor.getInput());
  ArrayRef<int64_t> size = adaptor.getSize();
  if (!in || failed(checkPair(loc, "UpSampling2D size", size)))
    return failure();
  if (adaptor.getInterpolation() != "nearest" && adaptor.getInterpolation() != "bilinear")
    return shapeError(loc, "UpSampling2D interpolation must be \"nearest\" or \"bilinear\", "
                           "got \"" + adaptor.getInterpolation() + "\"");
  return resized("UpSampling2D", loc, in, in.getDimSize(1) * size[0], in.getDimSize(2) * size[1],
                 inferred);
}

// The gradients are the same family's ops: padding's is the crop of dY, cropping's the
// zero padding of dY, nearest upsampling's the sum of each block of dY (its average
// pooling times the block's size); bilinear upsampling's is an op of its own.
LogicalResult ZeroPadding2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<Cropping2DOp>(getLoc(), getInput().getType(), dy, getSidesAttr(),
                                        StringAttr()));
  return success();
}

LogicalResult Cropping2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (dy && s.needsGradient(getInput()))
    s.accumulate(b, getInput(),
                 b.create<ZeroPadding2DOp>(getLoc(), getInput().getType(), dy, getSidesAttr(),
                                           b.getF32FloatAttr(0.0f), StringAttr()));
  return success();
}

LogicalResult UpSampling2DOp::buildGradient(OpBuilder &b, GradientState &s) {
  Value dy = s.gradientOf(getOutput());
  if (!dy || !s.needsGradient(getInput()))
    return success();
  ArrayRef<int64_t> size = getSize();
  if (getInterpolation() == "bilinear") {
    s.accumulate(b, getInput(),
                 b.create<UpSampling2DGradOp>(getLoc(), getInput().getType(), dy, getSizeAttr()));
    return success();
  }
  Value mean = b.create<AvgPool2DOp>(getLoc(), getInput().getType(), dy, getSizeAttr(),
                                     getSizeAttr(), b.getStringAttr("valid"), StringAttr());
  s.accumulate(b, getInput(),
               b.create<RescalingOp>(getLoc(), mean, APFloat((float)(size[0] * size[1])),
                                     APFloat(0.0f), StringAttr()));
  return success();
}

} // namespace nnc::nn
