// RandomFlip, RandomRotation, RandomZoom: shape inference (identity) and verifiers.
#include "ir/NNOps.h"
#include "ir/ShapeUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace nnc::nn {

/// Augmentations take NHWC images and keep their shape.
static LogicalResult inferImage(StringRef layer, Value input, std::optional<Location> loc,
                                SmallVectorImpl<Type> &inferred) {
  auto in = rankedType(input);
  if (!in || in.getRank() != 4)
    return shapeError(loc, layer + " needs 4-D images (batch, height, width, channels)" +
                               (in ? ", got " + kerasShape(in.getShape()) : std::string()));
  inferred.push_back(in);
  return success();
}

/// fill_mode and interpolation values Keras accepts.
static LogicalResult verifyFill(Operation *op, StringRef fillMode, StringRef interpolation) {
  static const StringRef modes[] = {"reflect", "wrap", "constant", "nearest"};
  if (!llvm::is_contained(modes, fillMode))
    return op->emitOpError("fill_mode must be reflect, wrap, constant or nearest, got \"")
           << fillMode << "\"";
  if (interpolation != "bilinear" && interpolation != "nearest")
    return op->emitOpError("interpolation must be bilinear or nearest, got \"")
           << interpolation << "\"";
  return success();
}

/// A [lower, upper] range with lower <= upper and lower >= `min`.
static LogicalResult verifyRange(Operation *op, StringRef name, ArrayRef<float> range,
                                 float min) {
  if (range.size() != 2)
    return op->emitOpError(name) << " must be [lower, upper]";
  if (range[0] > range[1])
    return op->emitOpError(name) << " lower bound " << range[0]
                                 << " exceeds upper bound " << range[1];
  if (range[0] < min)
    return op->emitOpError(name) << " lower bound must be >= " << min << ", got "
                                 << range[0];
  return success();
}

LogicalResult RandomFlipOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferImage("RandomFlip", adaptor.getInput(), loc, inferred);
}

LogicalResult RandomFlipOp::verify() {
  StringRef mode = getMode();
  if (mode != "horizontal" && mode != "vertical" && mode != "horizontal_and_vertical")
    return emitOpError("mode must be horizontal, vertical or horizontal_and_vertical, got \"")
           << mode << "\"";
  return success();
}

LogicalResult RandomRotationOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &inferred) {
  return inferImage("RandomRotation", adaptor.getInput(), loc, inferred);
}

LogicalResult RandomRotationOp::verify() {
  if (failed(verifyRange(*this, "factor", getFactor(), -1.0f)))
    return failure();
  return verifyFill(*this, getFillMode(), getInterpolation());
}

LogicalResult RandomZoomOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  return inferImage("RandomZoom", adaptor.getInput(), loc, inferred);
}

LogicalResult RandomZoomOp::verify() {
  if (failed(verifyRange(*this, "height_factor", getHeightFactor(), -1.0f)) ||
      (getWidthFactor() &&
       failed(verifyRange(*this, "width_factor", *getWidthFactor(), -1.0f))))
    return failure();
  return verifyFill(*this, getFillMode(), getInterpolation());
}

} // namespace nnc::nn
